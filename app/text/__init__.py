"""Renderers that turn findings and records into text for people: the checklist for the
terminal (``checklist``) and the printable report's HTML (``report``). Pure functions over
``app.model`` data; no AWS calls, no Qt."""
