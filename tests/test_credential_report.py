from __future__ import annotations

import pytest

from app.aws import credential_report as cr
from app.errors import AwsCallFailed


@pytest.mark.parametrize("value", ["N/A", "no_information", "not_supported", "", None])
def test_placeholders_are_no_date(value):
    assert cr.parse_date(value) is None


def test_iso_dates_parse_with_timezone():
    assert cr.parse_date("2026-11-01T10:00:00+00:00").tzinfo is not None


def test_polling_backs_off_until_complete():
    states = iter(["STARTED", "INPROGRESS", "COMPLETE"])
    slept: list[float] = []

    def call(op, **_):
        if op == "GenerateCredentialReport":
            return {"State": next(states)}
        return {"Content": (",".join(cr.COLUMNS) + "\n<root_account>" + ",N/A" * (len(cr.COLUMNS) - 1) + "\n").encode(), "GeneratedTime": None}

    report = cr.fetch(call, slept.append)
    assert report.root["user"] == "<root_account>"
    assert slept == [cr.POLL_DELAYS[0], cr.POLL_DELAYS[1]]
    assert slept[1] > slept[0]  # a back-off, not a hot loop


def test_polling_gives_up_with_a_clear_error():
    slept: list[float] = []
    with pytest.raises(AwsCallFailed, match="still being generated"):
        cr.fetch(lambda op, **_: {"State": "INPROGRESS"}, slept.append)
    assert sum(slept) >= 30
