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


# The last body read and its value: the rules of one answer (its internals, its shape) read its body once. A value
# read is never changed by its readers.
_LAST: tuple[Any, Any] = (None, None)


def loads(data: bytes | str) -> Any:
    global _LAST
    last = _LAST
    if last[0] is data:
        return last[1]
    value = _read(data)
    if isinstance(data, bytes):
        _LAST = (data, value)
    return value


def _read(data: bytes | str) -> Any:
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
    refuses NaN, Infinity and bytes that are not UTF-8 itself; no object lost a duplicate key; not too deep; no
    integer too large for orjson (which reads one as a float; the json module keeps it exact). Else _UNDECIDED: the
    strict reading runs and says why."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _UNDECIDED
    if _BOUNDED and (b"\\" not in raw or b"\\u003" not in raw):
        return value if _sure_at_c_speed(raw, value) else _UNDECIDED
    keys = _keys_if_shallow(value)
    if keys is None or _SPACED_KEY.search(raw) or raw.count(b'":') != keys:
        return _UNDECIDED
    return value


def _sure_at_c_speed(raw: bytes, value: Any) -> bool:
    """The same proof as _keys_if_shallow's without a walk in Python, where no escape in the text writes a colon
    (`\\u003a`). orjson writes the value back: inside MAX_DEPTH_WRAP lists, it refuses anything nested deeper than
    MAX_DEPTH (its own limit, checked at import); every colon it writes is one of a key or one of a string of the
    value, each a colon of the text, so a key lost (with its colon) leaves fewer colons than the text holds; an
    integer orjson read as a float is written with an exponent (`e+`), and had 19 digits or more in the text."""
    try:
        _HOLE[0] = value  # inside MAX_DEPTH_WRAP lists, built once
        written = orjson.dumps(_NEST)
    except orjson.JSONEncodeError:
        return False
    finally:
        _HOLE[0] = None
    if written.count(b":") != raw.count(b":"):
        return False
    return b"+" not in written or _DIGITS * 19 not in raw.translate(_DIGIT_OR_NOT)


def _wrapped(value: Any, times: int) -> Any:
    for _ in range(times):
        value = [value]
    return value


def _nests_at_most(depth: int) -> bool:
    """Whether orjson writes lists nested `depth` deep (MAX_DEPTH_WRAP lists around a value of that depth)."""
    try:
        orjson.dumps(_wrapped([], depth - 1 + MAX_DEPTH_WRAP))
    except orjson.JSONEncodeError:
        return False
    return True


ORJSON_DEPTH = 254  # orjson writes values nested up to this deep, and refuses deeper ones
MAX_DEPTH_WRAP = ORJSON_DEPTH - MAX_DEPTH
_BOUNDED = _nests_at_most(MAX_DEPTH) and not _nests_at_most(MAX_DEPTH + 1)  # else the walk in Python
_HOLE: list[Any] = [None]
_NEST = _wrapped(_HOLE, MAX_DEPTH_WRAP - 1)
_DIGITS = b"0"
_DIGIT_OR_NOT = bytes(_DIGITS[0] if c in b"0123456789" else 32 for c in range(256))  # digits as 0, others as a space


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
