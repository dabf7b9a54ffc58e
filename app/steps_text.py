"""What each step is about, in a sentence or two: the wizard's page subtitles."""
from __future__ import annotations

from app.model import Step

INTROS = {
    Step.ACCESS_KEYS: "Root access keys cannot be limited or protected by MFA. The root user should have none at all.",
    Step.MFA: "A second factor on root stops anyone who learns the root password. AWS lets you add it only in the console.",
    Step.LIMIT_USE: "Root is for the few tasks only root can do. Everything else belongs to an administrator identity.",
    Step.IDENTITY: "People should sign in through IAM Identity Center or your identity provider, not with long-lived IAM users.",
    Step.CONTACTS: "Alternate contacts make sure AWS's security, billing and operations notices reach a team, not just the root mailbox.",
    Step.ALERTS: "An alert on every root sign-in and root API call tells you within minutes when root is used.",
}
