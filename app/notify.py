"""Desktop notifications (SPEC §13): the freedesktop Notifications service over the D-Bus
session bus (Linux), through jeepney (already installed with keyring's Secret Service backend).

``notify`` never raises: a scheduled run without a desktop (no session bus, no notification
server) still logs its outcome. Blocking, a few milliseconds; safe from any thread.
"""
from __future__ import annotations

import html
from typing import Callable

Sink = Callable[[str, str], bool]  # (summary, body) → shown?


def notify(summary: str, body: str) -> bool:
    """Show a notification; False when there is no notification service to show it."""
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return False
    address = DBusAddress("/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
                          interface="org.freedesktop.Notifications")
    # Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout)
    # Servers may read the body as markup: AWS data (aliases, names) must stay text.
    text = html.escape(body[:1000], quote=False)
    message = new_method_call(address, "Notify", "susssasa{sv}i",
                              ("Rootwarden", 0, "security-high", summary[:200], text, [], {}, -1))
    try:
        with open_dbus_connection(bus="SESSION") as connection:
            reply = connection.send_and_get_reply(message, timeout=5)
    except Exception:  # no bus, no server, a timeout: the outcome log still has it
        return False
    return reply.header.message_type.name == "method_return"
