"""What the tests of conformance/rules/ feed the rules: Hypothesis strategies and settings, RFC 3339 renderings,
an exchange, and `violates` (the block must raise a Violation naming one requirement id); and `cases`, the tables
of cases kept as data beside a test module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings
from hypothesis import strategies as st

from conformance.exchange import Exchange
from conformance.profiles import ORG_TOKEN, TENANT_KEY
from conformance.violations import Violation


# Fast and repeatable: no example database written into the repository, the same examples on every run.
FAST = settings(max_examples=200, derandomize=True, database=None, deadline=None)
FEW = settings(max_examples=50, derandomize=True, database=None, deadline=None)
TK, ORG = TENANT_KEY.name, ORG_TOKEN.name


@contextmanager
def violates(req_id: str) -> Iterator[Any]:
    """The block must raise a Violation naming req_id (and no other requirement)."""
    with pytest.raises(Violation) as caught:
        yield caught
    assert caught.value.requirement == req_id, (
        f"expected a violation of {req_id}, got {caught.value.requirement}: {caught.value.detail}")
    assert str(caught.value).startswith(f"{req_id}: ")


# ------------------------------------------------------------------ strategies

OFFSETS = [dt.timedelta(0), dt.timedelta(hours=2), -dt.timedelta(hours=5, minutes=30), dt.timedelta(hours=14),
           -dt.timedelta(hours=12), dt.timedelta(hours=5, minutes=45), dt.timedelta(hours=23, minutes=59)]
ZONES = [dt.timezone(o) for o in OFFSETS]

# Wall-clock times, rendered as written (years 0001-9999), a day away from datetime's limits so that comparing
# across offsets never overflows.
wall_times = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30, 23, 59, 59, 999999))
aware_instants = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 12, 31),
                              timezones=st.sampled_from(ZONES))
non_negative = st.integers(min_value=0, max_value=10**6)
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
json_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**53), max_value=2**53)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=12,
)


def render_offset(offset: dt.timedelta, zulu: str = "Z") -> str:
    if offset == dt.timedelta(0) and zulu:
        return zulu
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def rfc3339(wall: dt.datetime, offset: dt.timedelta, digits: int, extra: str = "", sep: str = "T", zulu: str = "Z") -> str:
    """wall written with `digits` fractional digits (beyond 6: `extra` digits after the microseconds)."""
    fraction = f"{wall.microsecond:06d}{extra}"[:digits]
    fraction = f".{fraction.ljust(digits, '0')}" if digits else ""
    return (f"{wall.year:04d}-{wall.month:02d}-{wall.day:02d}{sep}{wall.hour:02d}:{wall.minute:02d}:"
            f"{wall.second:02d}{fraction}{render_offset(offset, zulu)}")


def truncated(wall: dt.datetime, digits: int) -> dt.datetime:
    keep = min(digits, 6)
    return wall.replace(microsecond=wall.microsecond // 10 ** (6 - keep) * 10 ** (6 - keep))


def exchange(status: int = 200, body: bytes = b"", content_type: str = "application/json") -> Exchange:
    return Exchange(url="http://target.test/api/v1/chats/c/messages", request_headers=(), status=status,
                    headers={"content-type": content_type}, body=body)


def org_message(**changes: Any) -> dict[str, Any]:
    """An org-token message that meets ORG-MSG-SHAPE, with `changes`."""
    message = {"id": 942819, "chat_id": 28068, "role": "user", "content": "hi", "created_at": "2024-05-03T14:15:29Z",
               "metadata": {"response_time": 12.5, "token_count": 183}}
    message.update(changes)
    return message


def shuffled_copy(value: Any, data: st.DataObject) -> Any:
    """value with every object's keys reordered and every integer written as a float where that is exact."""
    if isinstance(value, dict):
        keys = data.draw(st.permutations(list(value)))
        return {k: shuffled_copy(value[k], data) for k in keys}
    if isinstance(value, list):
        return [shuffled_copy(v, data) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= 2**53 and data.draw(st.booleans()):
        return float(value)
    return value


def cases(test_file: str) -> dict[str, Any]:
    """The tables of cases beside a test module: tests/rules/test_x.py reads tests/rules/x_cases.yaml."""
    path = Path(test_file).with_name(Path(test_file).stem.removeprefix("test_") + "_cases.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))
