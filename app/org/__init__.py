"""Organization mode (SPEC §12): audit member accounts' root users from the management account
through short ``sts:AssumeRoot`` sessions, with no role in any member account.

Plain threads and plain data; nothing here imports Qt.
"""
