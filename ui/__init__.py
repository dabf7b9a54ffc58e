"""Rootwarden's Qt layer: the wizard's pages and widgets. Builds on ``app``, never the reverse."""
