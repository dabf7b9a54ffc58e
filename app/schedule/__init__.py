"""Scheduled re-verification (SPEC §13): what a schedule is and where it is kept (``store``),
the OS scheduler's files (``units``) and putting them in place (``install``), the run the
timer starts (``run``), and the desktop notification it may send (``app.notify``)."""
