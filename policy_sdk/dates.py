"""Reading a calendar date from what a user wrote, the same way everywhere.

Only ``YYYY-MM-DD`` in ASCII digits is a date (a YAML date or a Python date passes as
it is): ``datetime.date.fromisoformat`` alone would also read ``2026-W47-5`` and
``20261120``, which nobody means in a facts file, a waiver or a policy test."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["read_date"]

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_date(value: object) -> dt.date | None:
    """``value`` as a date, or None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _ISO_DAY.fullmatch(text) is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # 2026-02-30
        return None
