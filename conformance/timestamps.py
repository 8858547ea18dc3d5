"""RFC 3339 date-times, parsed strictly: one parser for the dataset, the reference server and the rules."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys

RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)

# Python 3.11's fromisoformat reads every form RFC3339 matches with an upper-case T and Z (any digits of fraction,
# beyond six cut, as below); 3.10's reads fewer.
FAST_ISOFORMAT = sys.version_info >= (3, 11)


# The form fromisoformat reads exactly as parse_rfc3339 does (upper-case T and Z, seconds below 60, offset minutes
# below 60): many values checked against it at once, by one match of them joined.
_PLAIN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9](?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-5][0-9])"
_PLAIN_LINES = re.compile(f"(?:{_PLAIN}\n)*{_PLAIN}")


def parse_many(values: list[object]) -> list[dt.datetime] | None:
    """parse_rfc3339 of each value, in one pass where every value is of the plain form (a page of 100 in tens of
    microseconds); None where one is not, or is no real date-time: then parse each, and let each say why."""
    if not FAST_ISOFORMAT or not values:
        return None
    try:
        joined = "\n".join(values)  # type: ignore[arg-type]
    except TypeError:  # a value that is no string
        return None
    if not _PLAIN_LINES.fullmatch(joined):
        return None
    try:
        return list(map(dt.datetime.fromisoformat, values))  # type: ignore[arg-type]
    except ValueError:
        return None


def parse_rfc3339(value: object) -> dt.datetime:
    """An aware datetime; ValueError for anything that is not RFC 3339 with an offset.

    Stricter than datetime.fromisoformat (no space for T, no missing offset, ASCII digits only). Digits past
    microseconds are dropped; a leap second (:60) is read as :59, which datetime can hold.
    """
    match = RFC3339.fullmatch(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not an RFC 3339 date-time with a time-zone offset (e.g. 2024-01-15T10:30:00Z)")
    offset_read_alike = match[8] == "Z" or len(match[8]) == 6 and match[8][4] < "6"  # fromisoformat takes +00:99
    if FAST_ISOFORMAT and match[6] < "60" and value[10] == "T" and offset_read_alike:
        with contextlib.suppress(ValueError):  # an impossible date or offset: said below, as without the fast path
            return dt.datetime.fromisoformat(value)  # the same instant, in C: pages of 100 are read by the thousand
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if int(second) > 60:
        raise ValueError(f"{value!r} has seconds above 60")
    if offset in ("Z", "z"):
        tz = dt.timezone.utc
    else:
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            raise ValueError(f"{value!r} has an impossible offset")
        tz = dt.timezone((1 if offset[0] == "+" else -1) * dt.timedelta(hours=hours, minutes=minutes))
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), min(int(second), 59), micro, tz)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date-time ({exc})") from None
