"""How rules read what they judge: JSON, statuses, instants, values. Each helper fails the rule that calls it."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from conformance import strict_json
from conformance.rules.registry import fail, status_problem
from conformance.timestamps import parse_rfc3339


def json_of(body: bytes) -> Any:
    """The body as strict JSON: not UTF-8, not JSON, NaN, a duplicate key or nesting too deep fails the rule."""
    try:
        return strict_json.loads(body)
    except strict_json.JSONError as exc:
        fail(f"the body is not JSON ({exc})")


def expect_status(status: int, allowed: Iterable[int], what: str) -> None:
    allowed = tuple(allowed)
    if status not in allowed:
        fail(status_problem(status, allowed, what))


def instant(value: Any) -> dt.datetime:
    """An RFC 3339 date-time with an offset, as an aware datetime (sub-microsecond digits dropped)."""
    try:
        return parse_rfc3339(value)
    except ValueError as exc:
        fail(f"created_at: {exc}")


def same_instants(offsets: Sequence[int], earlier: Sequence[dt.datetime], now: Sequence[dt.datetime],
                  earlier_reads: Sequence[str], frame: str) -> None:
    """Two reads of a chat that did not change between them show, at each offset (of the asc order: `frame` says
    how this read's offsets map to it), a message created at the same instant. Instants, not ids: messages of equal
    created_at may come in any order (IMPL-TIE-BREAK)."""
    for offset, before, after, where in zip(offsets, earlier, now, earlier_reads):
        if before != after:
            fail(f"at offset {offset} of the asc order{frame}, {where} had a message created at {before.isoformat()} "
                 f"and this read one created at {after.isoformat()}, though the chat did not grow between them")


def same_value(a: Any, b: Any) -> bool:
    """JSON equality ignoring key order and number formatting (1 == 1.0), but not bool vs number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def holds_value(got: Any, want: Any) -> bool:
    """same_value, except that objects may carry keys beyond the wanted ones (IMPL-EXTRA-FIELDS)."""
    if isinstance(got, dict) and isinstance(want, dict):
        return all(k in got and holds_value(got[k], v) for k, v in want.items())
    return same_value(got, want)


def short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} chars)"


# What may differ between two answers that say the same: ids, UUIDs, long hex (request ids), numbers (times).
INCIDENTAL = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}|\d+")


def set_aside(body: bytes, *known: Any) -> str:
    """The body as text with the `known` values (the chat ids asked for) and incidental tokens replaced by #."""
    text = body.decode("utf-8", errors="replace")
    for value in known:
        text = text.replace(str(value), "#")
    return INCIDENTAL.sub("#", text)
