"""An AWS account ID is twelve ASCII digits, the same everywhere it is typed or read: the
Connect page's expected account, a saved profile, STS's answer, a record."""
from __future__ import annotations

import pytest

from app import connection
from app.errors import InvalidInput, WrongAccount
from app.profiles import Profile, validate

LOOK_ALIKES = [
    "١٢٣٤٥٦٧٨٩٠١٢",  # Arabic-Indic digits: str.isdigit() and \d say yes; AWS never sends them
    "１２３４５６７８９０１２",  # full-width digits
    "123456789012\n",  # `$` in a regex matches before a final newline
    "12345678901",
    "1234567890123",
    "12345678901x",
]


@pytest.mark.parametrize("typed", ["123456789012", " 123456789012 ", "123456789012\n", "1234-5678-9012", "1234 5678 9012"])
def test_an_id_as_people_copy_it_is_accepted_in_both_forms(typed):
    assert connection.validate_account_id(typed) == "123456789012"
    assert validate(Profile("prod", typed, "us-east-1", aws_profile="p")).account_id == "123456789012"


@pytest.mark.parametrize("typed", [value for value in LOOK_ALIKES if value.strip() != "123456789012"])
def test_anything_but_twelve_ascii_digits_is_refused_in_both_forms(typed):
    with pytest.raises(InvalidInput, match="12 digits"):
        connection.validate_account_id(typed)
    with pytest.raises(InvalidInput, match="12 digits"):
        validate(Profile("prod", typed, "us-east-1", aws_profile="p"))


@pytest.mark.parametrize("value", LOOK_ALIKES)
def test_an_id_read_from_aws_or_a_record_is_exactly_twelve_ascii_digits(value):
    from app.account_id import is_account_id

    assert not is_account_id(value)
    assert is_account_id("123456789012") and not is_account_id(123456789012)


def test_sts_answering_with_look_alike_digits_is_a_malformed_response():
    from app.aws.responses import require
    from app.errors import MalformedResponse

    with pytest.raises(MalformedResponse):
        require("sts", "GetCallerIdentity", {"Account": "١٢٣٤٥٦٧٨٩٠١٢", "Arn": "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:user/a"})


def test_the_pin_refuses_another_account_and_allows_none():
    from app.account_id import check_pin

    check_pin(None, "210987654321")
    check_pin("123456789012", "123456789012")
    with pytest.raises(WrongAccount) as refused:
        check_pin("123456789012", "210987654321")
    assert "123456789012" in str(refused.value) and "210987654321" in str(refused.value)


def test_an_empty_pin_matches_nothing():
    from app.account_id import check_pin

    with pytest.raises(WrongAccount):
        check_pin("", "210987654321")


def test_look_alike_digits_and_trailing_newlines_are_refused_where_they_are_not_trimmed():
    """`\\d` accepts Arabic-Indic digits and `$` a trailing newline (re.match): an MFA code, an IAM
    user name, and Identity Center's answers are whole-string matches of ASCII."""
    from app.aws import identity_center, sessions
    from app.errors import ConnectionProblem, InvalidInput
    from app.mfa_enrollment import USER_NAME

    with pytest.raises(InvalidInput):
        sessions.validate_mfa_code("١٢٣٤٥٦")
    assert USER_NAME.fullmatch("break-glass\n") is None
    device = {"deviceCode": "d", "userCode": "ABCD-EFGH\n", "verificationUri": "https://device.sso.eu-west-1.amazonaws.com/"}
    with pytest.raises(ConnectionProblem):
        identity_center._device_code(device)
    with pytest.raises(ConnectionProblem):
        identity_center._device_code({**device, "userCode": "ABCD-EFGH", "verificationUri": "https://device.sso.eu-west-1.amazonaws.com/\n"})
