"""The wizard's flow graph, walked with plain data."""
from __future__ import annotations

from app.flow import FLOW, Mode, FlowState, PageId, next_page, path


def test_setup_path_walks_the_six_steps():
    assert path(FlowState(Mode.SETUP)) == [PageId.WELCOME, PageId.CONNECT, PageId.STEP_1, PageId.STEP_2, PageId.STEP_3,
                                           PageId.STEP_4, PageId.STEP_5, PageId.STEP_6, PageId.REVIEW, PageId.DONE]


def test_reverify_path_goes_through_the_checklist():
    assert path(FlowState(Mode.REVERIFY)) == [PageId.WELCOME, PageId.CONNECT, PageId.CHECKLIST, PageId.REVIEW, PageId.DONE]


def test_practice_does_not_change_the_path():
    assert path(FlowState(Mode.SETUP, practice=True)) == path(FlowState(Mode.SETUP))


def test_every_page_has_an_entry_and_done_is_last():
    assert set(FLOW) == set(PageId)
    assert next_page(PageId.DONE, FlowState(Mode.SETUP)) is None


def test_asking_has_no_side_effects():
    state = FlowState(Mode.REVERIFY)
    for page in PageId:
        next_page(page, state)
    assert state == FlowState(Mode.REVERIFY)
