"""JSON read strictly, and safely from hostile input.

Python's json module takes NaN and Infinity, keeps the last of two equal keys, and raises RecursionError on
deep nesting; a body (or a dataset file) that does any of these is refused with a JSONError that says why,
and the rule reading it reports that as its failure.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# Deeper than any message a real API holds, and shallow enough that validating it never nears the stack limit.
MAX_DEPTH = 128


class JSONError(ValueError):
    """Not strict JSON: the message says what was wrong."""


class TooDeep(JSONError):
    """Nested deeper than MAX_DEPTH: other JSON readers (Schemathesis's) would crash on it."""


def loads(data: bytes | str) -> Any:
    quick = _quick(data)
    if quick is not _UNDECIDED:
        return quick
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONError(f"not UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(data, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise JSONError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if _depth(value) > MAX_DEPTH:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels")
    return value


_UNDECIDED = object()
_SPACED_KEY = re.compile(rb'"[ \t\n\r]+:')


def _quick(data: bytes | str) -> Any:
    """The value by orjson (several times faster), when that is sure to be what the strict reading gives: orjson
    refuses NaN, Infinity and bytes that are not UTF-8 itself; no object lost a duplicate key (every key of the
    text is a quote then a colon, and the value holds as many keys as the text has quote-colons: more would be
    strings holding one, and the strict reading decides); not too deep. Else _UNDECIDED: the strict reading runs
    and says why."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _UNDECIDED
    keys = _keys_if_shallow(value)
    if keys is None or _SPACED_KEY.search(raw) or raw.count(b'":') != keys:
        return _UNDECIDED
    return value


def _keys_if_shallow(value: Any) -> int | None:
    """How many keys its objects hold; None when it nests deeper than MAX_DEPTH or holds a float that may have been
    an integer too large for orjson (which reads one as a float; the json module keeps it exact)."""
    keys, level, depth = 0, [value] if isinstance(value, (dict, list)) else [], 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return None
        below = []
        for node in level:
            if type(node) is dict:
                keys += len(node)
                node = node.values()
            for child in node:
                kind = type(child)
                if kind is dict or kind is list:
                    below.append(child)
                elif kind is float and abs(child) >= HUGE:
                    return None
        level = below
    return keys


HUGE = 2.0 ** 63


def _no_constant(name: str) -> Any:
    raise JSONError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JSONError(f"duplicate key {key!r} in an object")
        out[key] = value
    return out


def _depth(value: Any) -> int:
    """How deep arrays and objects nest (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:
            stack.extend((child, level + 1) for child in children)
    return deepest
