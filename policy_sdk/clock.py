"""What day it is, for deadlines: the date in China (Asia/Shanghai), not the host's.

Deadlines of 《互联网信息服务算法推荐管理规定》 run in Beijing time. A service running in
UTC would otherwise judge them a day late between 00:00 and 08:00 China time. When
no ``as_of`` is given, the engine and the commands use :func:`today`.

The zone comes from :mod:`zoneinfo`; on a machine without time-zone data (no system
zoneinfo, no ``tzdata`` package) it falls back to the fixed offset UTC+8, which is
the same thing: China has had no daylight saving time since 1991.

Override: pass ``as_of`` (``--as-of`` on the command line), or set the environment
variable ``POLICY_SDK_TIMEZONE`` to an IANA zone name (e.g. ``UTC``) to change what
"today" means for a whole process.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Final

__all__ = ["CHINA_TIMEZONE", "TIMEZONE_ENV", "timezone", "today"]

CHINA_TIMEZONE: Final = "Asia/Shanghai"
"""The zone "today" is taken in, unless ``POLICY_SDK_TIMEZONE`` names another."""

TIMEZONE_ENV: Final = "POLICY_SDK_TIMEZONE"

_CHINA_FIXED: Final = dt.timezone(dt.timedelta(hours=8), "UTC+08:00")


def timezone(name: str | None = None) -> dt.tzinfo:
    """The zone ``name`` (default: ``POLICY_SDK_TIMEZONE``, else Asia/Shanghai).

    Asia/Shanghai without time-zone data on the machine is the fixed offset UTC+8.
    Another unknown name is an :class:`~policy_sdk.errors.EvaluationError`.
    """
    if name is None:
        name = os.environ.get(TIMEZONE_ENV) or CHINA_TIMEZONE
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (ImportError, ValueError, OSError, KeyError):  # not found is a KeyError
        pass
    if name == CHINA_TIMEZONE:
        return _CHINA_FIXED
    if name.upper() == "UTC":
        return dt.UTC
    from policy_sdk.errors import Diagnostic, EvaluationError

    raise EvaluationError([Diagnostic(
        "bad-timezone", f"unknown time zone `{name}`",
        help=f"set `{TIMEZONE_ENV}` to a zone name like `Asia/Shanghai` or `UTC`, or unset it")])


def today(now: dt.datetime | None = None, zone: str | None = None) -> dt.date:
    """The date in China now (or at the aware datetime ``now``)."""
    tz = timezone(zone)
    moment = now.astimezone(tz) if now is not None else dt.datetime.now(tz)
    return moment.date()
