"""Findings in the formats other tools ingest (SPEC §13): OCSF for Security Hub / Security Lake
and other SIEMs, JUnit XML for CI dashboards. Pure functions over a verify run's context and
findings; nothing here calls AWS or imports Qt."""
