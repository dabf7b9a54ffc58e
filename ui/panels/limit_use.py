"""Step 3's panel: the root activity timeline and the tasks that genuinely need root."""
from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from app import root_activity
from app.errors import AwsCallFailed
from app.steps import Action
from ui.pages.step_page import StepPanel
from ui.tasks import run_task
from ui.widgets.practice_button import PracticeButton
from ui.widgets.timeline import RootTimeline


class LimitUsePanel(StepPanel):
    def __init__(self, page) -> None:
        super().__init__(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
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
            self.simulate_button.hide()
            layout.addWidget(self.simulate_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.offers = {Action.SIMULATE_TIME_PASSES: self.simulate_button}

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
