"""JSON read strictly, and safely from hostile input.

Python's json module takes NaN and Infinity, keeps the last of two equal keys, and raises RecursionError on
deep nesting; a body (or a dataset file) that does any of these is refused with a JSONError that says why,
and the rule reading it reports that as its failure.
"""

from __future__ import annotations

import json
from typing import Any

# Deeper than any message a real API holds, and shallow enough that validating it never nears the stack limit.
MAX_DEPTH = 128


class JSONError(ValueError):
    """Not strict JSON: the message says what was wrong."""


class TooDeep(JSONError):
    """Nested deeper than MAX_DEPTH: other JSON readers (Schemathesis's) would crash on it."""


def loads(data: bytes | str) -> Any:
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
