"""Step 3's panel: why the step cannot pass today when root was used recently (the 30-day rule,
re-verify later), the root activity timeline, and the tasks that genuinely need root."""
from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from app import root_activity
from app.errors import AwsCallFailed
from app.steps import Action, StepView
from app.steps.limit_use import RECENT_USE, root_use_advice
from ui.pages.step_page import StepPanel
from ui.plain import plain_label
from ui.tasks import run_task
from ui.widgets.practice_button import PracticeButton
from ui.widgets.timeline import RootTimeline


class LimitUsePanel(StepPanel):
    def __init__(self, page) -> None:
        super().__init__(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.advice_box = QGroupBox("Why this step cannot pass today")
        self.advice_box.setAccessibleName("Why this step cannot pass today")
        advice = QVBoxLayout(self.advice_box)
        self.advice = [plain_label() for _ in root_use_advice(30, None)]
        for paragraph in self.advice:
            paragraph.setAccessibleName("Advice on root use")
            advice.addWidget(paragraph)
        layout.addWidget(self.advice_box)
        self.chart_box = chart_box = QGroupBox("Root activity, last 90 days (CloudTrail event history)")
        QVBoxLayout(chart_box).addWidget(timeline := RootTimeline())
        self.timeline = timeline
        layout.addWidget(chart_box)
        tasks = QGroupBox("When using root is legitimate")
        text = QLabel("Only these tasks need the root user; do everything else with an administrator identity:<ul>"
                      + "".join(f"<li>{t}</li>" for t in root_activity.ROOT_ONLY_TASKS) + "</ul>")
        text.setWordWrap(True)
        QVBoxLayout(tasks).addWidget(text)
        layout.addWidget(tasks)
        self.simulate_button = None
        if self.session.flow.practice:
            self.simulate_button = PracticeButton(
                "Simulate 31 days without root use",
                lambda: self.page.simulate(lambda: self.session.practice.simulate_time_passes(31), then=self.load_timeline))
            layout.addWidget(self.simulate_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.offers = {Action.ROOT_USE_ADVICE: self.advice_box, Action.SIMULATE_TIME_PASSES: self.simulate_button}

    def _threshold_and_last_use(self) -> tuple[int, str | None]:
        finding = self.session.findings.get(RECENT_USE)
        evidence = finding.evidence if finding else {}
        threshold = evidence.get("threshold_days")
        last = evidence.get("last_used")
        return (threshold if isinstance(threshold, int) else self.session.settings.recent_use_days,
                last if isinstance(last, str) else None)

    def render(self, view: StepView) -> None:
        super().render(view)
        for label, text in zip(self.advice, root_use_advice(*self._threshold_and_last_use())):
            label.setText(text)

    def skip_example(self) -> str:
        threshold, last = self._threshold_and_last_use()
        when = f" on {last[:10]}" if last else ""
        return f"e.g. Root set up the account{when}; re-verify after {threshold} days"

    def activate(self) -> None:
        self.load_timeline()

    def load_timeline(self) -> None:
        aws = self.session.aws
        now = datetime.now(timezone.utc)
        region = self.session.identity.partition.sign_in_region
        if region is None:
            self.timeline.set_message(f"Unknown: Rootwarden does not know where partition {self.session.identity.partition.name} "
                                      "records root sign-ins.")
            return
        self.chart_box.setTitle(f"Root activity, last 90 days (CloudTrail event history, {region})")
        run_task(lambda p, c: root_activity.fetch(aws, now, region), self.timeline.set_activity, self._timeline_failed)

    def _timeline_failed(self, error: Exception) -> None:
        if isinstance(error, AwsCallFailed):
            self.timeline.set_message(f"Unknown: {error}")
        else:
            self.timeline.set_message("Root activity could not be loaded.")
