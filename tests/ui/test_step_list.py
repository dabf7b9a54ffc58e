"""The step list beside the pages: statuses in words, jumps back to visited pages by mouse and
keyboard, and never to a page not yet reached."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.flow import PageId
from tests.ui.conftest import goto_step, screenshot

TIMEOUT = 20000


def item_for(steps, page: PageId):
    return next(steps.item(row) for row in range(steps.count()) if steps.item(row).data(Qt.ItemDataRole.UserRole) == int(page))


def click(qtbot, steps, page: PageId) -> None:
    item = item_for(steps, page)
    qtbot.mouseClick(steps.viewport(), Qt.MouseButton.LeftButton, pos=steps.visualItemRect(item).center())


def test_clicking_a_skipped_step_goes_straight_back_to_it(qtbot, connected):
    wizard = connected
    page = goto_step(qtbot, wizard, 4)  # Steps 1–3 skipped with a reason
    steps = wizard.step_list
    skipped = item_for(steps, PageId.STEP_2)
    assert skipped.text() == "Step 2 · Enable MFA on root\nSkipped"
    assert skipped.data(Qt.ItemDataRole.AccessibleTextRole) == "Step 2 · Enable MFA on root: Skipped, press Enter to go back to it"
    current = item_for(steps, PageId.STEP_4)
    assert current.text().endswith("Needs action") and "current page" in current.data(Qt.ItemDataRole.AccessibleTextRole)
    assert not item_for(steps, PageId.STEP_5).flags() & Qt.ItemFlag.ItemIsEnabled  # not reached yet
    screenshot(wizard, "13-step-list")

    click(qtbot, steps, PageId.STEP_5)
    assert wizard.currentId() == PageId.STEP_4  # a page not reached cannot be jumped to
    click(qtbot, steps, PageId.STEP_2)
    assert wizard.currentId() == PageId.STEP_2 and not page.runs.busy  # Step 4's run was cancelled as by Back
    assert list(wizard.visitedIds()) == [PageId.WELCOME, PageId.CONNECT, PageId.STEP_1, PageId.STEP_2]
    assert item_for(steps, PageId.STEP_2).data(Qt.ItemDataRole.AccessibleTextRole).endswith("current page")
    assert wizard.currentPage().poll.isActive()  # back on Step 2: it watches root MFA again


def test_the_keyboard_reaches_a_visited_step_with_a_visible_focus(qtbot, connected):
    wizard = connected
    goto_step(qtbot, wizard, 3)
    steps = wizard.step_list
    assert steps.currentItem() is item_for(steps, PageId.STEP_3) and not steps.hasFocus()
    unfocused = steps.grab().toImage()
    steps.setFocus()
    qtbot.waitUntil(steps.hasFocus, timeout=TIMEOUT)
    assert steps.grab().toImage() != unfocused  # focus is visible: the focused entry gets a frame
    qtbot.keyClick(steps, Qt.Key.Key_Up)  # from Step 3 to Step 2
    assert steps.currentItem() is item_for(steps, PageId.STEP_2)
    qtbot.keyClick(steps, Qt.Key.Key_Up)
    qtbot.keyClick(steps, Qt.Key.Key_Return)
    assert wizard.currentId() == PageId.STEP_1  # and not on to Step 2: Enter is the list's, not Next's


def test_no_jump_back_past_signing(qtbot, connected):
    from app.steps.outline import can_jump_back

    wizard = connected
    steps = wizard.step_list
    history = [PageId.WELCOME, PageId.CONNECT, PageId.STEP_1, PageId.REVIEW, PageId.DONE]
    assert wizard.page(PageId.REVIEW).isCommitPage()
    assert not can_jump_back(history, PageId.STEP_1, steps._is_commit)


def test_the_welcome_choices_show_keyboard_focus(qtbot, practice_wizard):
    page = practice_wizard.currentPage()
    unfocused = page.reverify.grab().toImage()
    page.harden.setFocus()
    qtbot.keyClick(page.harden, Qt.Key.Key_Tab)  # Tab to the next choice
    qtbot.waitUntil(page.reverify.hasFocus, timeout=TIMEOUT)
    focused = page.reverify.grab().toImage()
    framed = [y for y in range(focused.height()) if focused.pixel(1, y) != unfocused.pixel(1, y)]
    assert len(framed) > focused.height() // 2  # a frame down the focused choice's edge
