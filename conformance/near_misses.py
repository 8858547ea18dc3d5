"""Wrong keys: one no tenant has, and keys that are almost a valid key; each must be refused like any other."""

from __future__ import annotations

from collections.abc import Callable


def one_character_changed(key: str) -> str:
    """The middle character made a digit it is not: a change of meaning in any encoding. (The last character of a
    base64url token may carry only padding bits, so changing it can leave the decoded key as it was.)"""
    middle = len(key) // 2
    return key[:middle] + ("8" if key[middle:middle + 1] == "7" else "7") + key[middle + 1:]


INVALID_KEY = "not-a-real-key-7c1d9e"  # no tenant's key (the same in every check, so one request serves them all)

NEAR_MISSES: dict[str, Callable[[str], str]] = {
    "one character changed": one_character_changed,
    "truncated": lambda k: k[:-1],
    "extended": lambda k: k + "0",
    "prefix only": lambda k: k[: max(1, len(k) // 2)],
}
OTHER_CASE: Callable[[str], str] = str.swapcase  # a key in other letter case: a SHOULD (access.other_case_401)
