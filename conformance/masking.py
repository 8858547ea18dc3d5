"""Keeping API keys out of everything the suite prints or writes."""

from __future__ import annotations

import base64
import threading
from urllib.parse import quote, quote_plus

MASK = "***"
CREDENTIAL_HEADERS = ("authorization", "x-api-key")  # credentials whatever the auth header is


def is_credential(name: str, auth_header: str) -> bool:
    """Whether a request header by this name carries a credential: the auth header, or one of CREDENTIAL_HEADERS."""
    return name.lower() in (auth_header.lower(), *CREDENTIAL_HEADERS)


class Secret(str):
    """A key: its repr (tracebacks, -l locals, dataclass reprs) never shows the value."""

    def __repr__(self) -> str:
        return f"'{MASK}'"


class Redactor:
    """Every credential value the suite has held or sent; `scrub` replaces them in any text."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._longest_first: tuple[str, ...] = ()  # the values as scrub replaces them, remade by add
        self._added: set[str] = set()  # the values given to add (a capture gives one key again in every entry)
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        # Very short values would blank out ordinary text; no real key is that short.
        if value and len(value) >= 6 and value not in self._added:
            with self._lock:
                self._values.update(encodings(str(value)))
                self._longest_first = tuple(sorted(self._values, key=len, reverse=True))
                self._added.add(value)

    def scrub(self, text: str) -> str:
        for value in self._longest_first:
            if value in text:
                text = text.replace(value, MASK)
        return text


REDACTOR = Redactor()


def encodings(value: str) -> set[str]:
    """The forms in which a target may echo a key back: raw, percent-encoded, base64 (standard and URL-safe,
    padded or not) and hex (either case)."""
    raw = value.encode("utf-8")
    forms = {value, quote(value, safe=""), quote_plus(value), raw.hex(), raw.hex().upper()}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        forms |= {text, text.rstrip("=")}
    return {form for form in forms if form}
