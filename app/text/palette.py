"""The one set of status colours, as hex: the wizard (``ui.style``) and the printed report use
it alike. Mid-tones that keep contrast on white and on near-black backgrounds; status is never
told by colour alone (the words are ``Status.word`` and ``Status.label``)."""
from __future__ import annotations

from app.model import Status

STATUS_HEX = {
    Status.PASS: "#2e9d4f",
    Status.FAIL: "#d64541",
    Status.WARN: "#d08a00",
    Status.UNKNOWN: "#8e6bbf",
    Status.NOT_APPLICABLE: "#808080",
}
