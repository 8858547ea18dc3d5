"""Keys that are almost a valid key: each must be refused like any other wrong key."""

from __future__ import annotations

from collections.abc import Callable

NEAR_MISSES: dict[str, Callable[[str], str]] = {
    "one character changed": lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"),
    "truncated": lambda k: k[:-1],
    "extended": lambda k: k + "0",
    "other letter case": lambda k: k.swapcase(),
    "prefix only": lambda k: k[: max(1, len(k) // 2)],
}
