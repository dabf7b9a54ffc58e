"""Changes Rootwarden can make to an account, each planned, confirmed, applied and audited.

A fix is two steps: ``plan()`` lists exactly what will be created, changed or deleted (the
confirmation shows it), then ``apply(aws, audit)`` makes those changes, recording each in the
audit log as it happens. A failure midway raises ``FixFailed`` saying what was and was not done.
Fixes are idempotent and tag what they create (``rootwarden:managed=true``). They run on one
worker thread at a time (the UI's one-thread pool), never on the UI thread.
"""
from __future__ import annotations
