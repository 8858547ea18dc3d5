"""Keeping API keys out of everything the suite prints or writes."""

from __future__ import annotations

import threading

MASK = "***"


class Secret(str):
    """A key: its repr (tracebacks, -l locals, dataclass reprs) never shows the value."""

    def __repr__(self) -> str:
        return f"'{MASK}'"


class Redactor:
    """Every credential value the suite has held or sent; `scrub` replaces them in any text."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        # Very short values would blank out ordinary text; no real key is that short.
        if value and len(value) >= 6:
            with self._lock:
                self._values.add(str(value))

    def scrub(self, text: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, MASK)
        return text


REDACTOR = Redactor()
