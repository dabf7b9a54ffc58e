"""Each step's own panel: the fix Rootwarden can make, or the console guidance where it cannot."""
