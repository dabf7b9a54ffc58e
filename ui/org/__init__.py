"""The wizard's Organization path (SPEC §12 "Wizard"): Welcome → Connect → the member audit →
the results table. Pages render ``app.org``; they never decide a verdict themselves."""
