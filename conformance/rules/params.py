"""Rules of the query parameters (tenant-key): defaults, the limit cap, and which values are refused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conformance import parameters
from conformance.parameters import DEFAULTS
from conformance.rules.answers import asking
from conformance.rules.reading import expect_status
from conformance.rules.registry import fail, rule


@rule("PARAM-DEFAULTS")
def defaults(offset: Any, limit: Any, ids: Sequence[str], explicit_ids: Sequence[str]) -> None:
    """Without a query string: offset 0, limit 50, and the messages of offset=0&limit=50&order=asc."""
    for name, used in (("offset", offset), ("limit", limit)):
        if used != DEFAULTS[name] or isinstance(used, bool):
            fail(f"without a query string the body says {name} {used!r}")
    if list(ids) != list(explicit_ids):
        fail("the page without a query string differs from offset=0&limit=50&order=asc")


@rule("PARAM-LIMIT-MAX")
def limit_100_accepted(status: int) -> None:
    expect_status(status, [200], "limit=100")


def refused(status: int, what: str) -> None:
    """A value the docs do not allow is answered 400."""
    expect_status(status, [400], what)


def _refusal(name: str, parameter: str, *values: str) -> dict[str, Any]:
    """A rule of refusal, shown by asking each value alone (the status and the query read from each answer)."""
    return {"name": name, "probe": asking(*({parameter: value} for value in values)),
            "reads": lambda probed: (probed.status, probed.what)}


# One rule each: a limit above 100, a limit or offset that is no non-negative integer, an order that is neither.
# Plain numbers a client might send: a value an edge refuses on sight (2^31 and 1e309 look like an integer overflow
# to a WAF) would judge the edge, not the implementation; those are odd inputs (Profile.odd_inputs).
limit_above_max_refused = rule("PARAM-LIMIT-ABOVE-MAX-400",
                               **_refusal("limit_above_max_refused", "limit", "101", "1000", "999999"))(refused)
limit_invalid_refused = rule("PARAM-LIMIT-INVALID-400",
                             **_refusal("limit_invalid_refused", "limit", "-1", "-100", "1.5", "abc", "10abc"))(refused)
offset_invalid_refused = rule("PARAM-OFFSET-INVALID-400",
                              **_refusal("offset_invalid_refused", "offset", "-1", "-10", "1.5", "abc"))(refused)
order_invalid_refused = rule("PARAM-ORDER-INVALID-400",
                             **_refusal("order_invalid_refused", "order", "sideways", "ascending", "1"))(refused)


@rule("PARAM-VALID-ACCEPTED")
def valid_accepted(status: int, what: str = "a valid request for the caller's own chat", allowed: Sequence[int] = (200,)) -> None:
    expect_status(status, allowed, what)


@rule("PARAM-LIMIT-ZERO")
def limit_zero(status: int, page: Mapping[str, Any] | None = None) -> None:
    """limit=0: 400, or a 200 whose page (when given) is empty and echoes limit 0 (IMPL-LIMIT-ZERO)."""
    expect_status(status, [200, 400], "limit=0")
    if page is not None and (page["messages"] != [] or page["limit"] != 0):
        fail(f"limit=0 answered 200 must give an empty page echoing limit 0; got {len(page['messages'])} "
             f"messages and limit {page['limit']!r}")


@rule("PARAM-EMPTY-VALUE")
def empty_value(status: int, name: str, used: Any = None) -> None:
    """An empty value: 400, or a 200 that uses the default (IMPL-EMPTY-VALUE)."""
    expect_status(status, [200, 400], f"{name}= (empty)")
    if status == 200 and used != DEFAULTS[name]:
        fail(f"{name}= answered 200 but used {name} {used!r}, not the default {DEFAULTS[name]}")


@rule("PARAM-UNKNOWN-IGNORED", "ORG-PARAM-UNKNOWN-IGNORED")
def unknown_ignored(status: int, ids: Sequence[Any] | None, plain_status: int, plain_ids: Sequence[Any] | None,
                    what: str) -> None:
    """With a parameter the docs do not define, the same status and messages as without it."""
    if status != plain_status:
        fail(f"{what}: answered {status}; without it, {plain_status}")
    if ids != plain_ids:
        fail(f"{what}: the messages differ from those without it")


@rule("PARAM-REPEATED")
def repeated_limit(status: int, values: Sequence[str], page: Mapping[str, Any] | None = None) -> None:
    """limit given twice: 400, or a 200 that used (and echoes) a valid one of the values, or the default (a framework
    that reads the repeated value as a list, which is no number), and holds no more than it."""
    expect_status(status, [200, 400], "limit=" + "&limit=".join(values))
    if page is None:
        return
    valid = [number for number in map(parameters.limit, values) if number is not None] + [DEFAULTS["limit"]]
    used, messages = page.get("limit"), page.get("messages")
    held = len(messages) if isinstance(messages, list) else 0
    if used not in valid or isinstance(used, bool):
        fail(f"limit given as {' and '.join(values)}: the page echoes limit {used!r}, neither a valid one of them "
             f"nor the default {DEFAULTS['limit']}")
    if held > used:
        fail(f"limit given as {' and '.join(values)}: the page echoes limit {used} but holds {held} messages")
