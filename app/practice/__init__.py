"""The practice account (SPEC §9): Rootwarden's real code against a simulated account (moto).

Nothing here is imported unless --demo (or a test) asks for it; the real path never reaches it.
"""
