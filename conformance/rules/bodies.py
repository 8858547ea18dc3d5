"""Rules about the shape of a 200 body and its messages, read from the profile's OpenAPI file, and their content."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Mapping
from typing import Any

from conformance import spec
from conformance.rules.reading import holds_value, instant, json_of, short
from conformance.rules.registry import fail, rule
from conformance.timestamps import parse_rfc3339

# --------------------------------------------------------------------------- tenant-key: the page envelope


# The last page found to conform, held to the envelope's rule then the messages' (one validation serves both).
_CONFORMING: list[Any] = [object()]  # nothing read from JSON is this object (a body `null` reads as None)


def _page_errors(value: Any, in_messages: bool) -> None:
    if _CONFORMING[0] is value or spec.conforms("tenant-key", "MessagePage", value):
        _CONFORMING[0] = value
        return
    for error in spec.schema_errors("tenant-key", "MessagePage", value):
        path = list(error.absolute_path)
        if (len(path) >= 2 and path[0] == "messages") == in_messages:
            fail(f"at {'/'.join(str(p) for p in path) or '(body)'}: {error.message}")


@rule("ENV-SHAPE")
def page_envelope(body: bytes) -> Any:
    """The body read as JSON and held to MessagePage, apart from the messages themselves; returns it."""
    value = json_of(body)
    _page_errors(value, in_messages=False)
    return value


@rule("MSG-SHAPE")
def page_messages(page: Any) -> None:
    """Each message of a page (its envelope already conforms) against the spec's Message."""
    _page_errors(page, in_messages=True)


# --------------------------------------------------------------------------- org-token: a bare array


@rule("ORG-BODY-ARRAY")
def org_array(body: bytes) -> list[Any]:
    value = json_of(body)
    if not isinstance(value, list):
        fail(f"the 200 body is a JSON {type(value).__name__}, not an array")
    return value


@rule("ORG-MSG-SHAPE")
def org_messages(messages: list[Any]) -> None:
    for index, message in enumerate(messages):
        for error in spec.schema_errors("org-token", "Message", message):
            fail(f"at {'/'.join(str(p) for p in [index, *error.absolute_path])}: {error.message}")


# --------------------------------------------------------------------------- both: timestamps and content


@rule("MSG-CREATED-AT-RFC3339", "ORG-CREATED-AT-RFC3339")
def created_at(value: Any) -> dt.datetime:
    """created_at is an RFC 3339 date-time with an offset; returns the instant."""
    return instant(value)


@rule("MSG-CONTENT-EXACT", "ORG-CONTENT-EXACT")
def content_exact(returned: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    """Every value the dataset has, returned equal; created_at as the same instant. Extra fields are allowed.

    A created_at that does not parse is not compared: its format is a rule of its own (created_at), which
    must not turn into a content failure.
    """
    for name, want in expected.items():
        if name not in returned:
            fail(f"message {expected.get('id')!r}: field {name!r} is missing")
        got = returned[name]
        if name == "created_at":
            if not _same_instant(got, want, SECOND):
                fail(f"message {expected.get('id')!r}: created_at {got!r} is not the instant {want!r} to the second")
        elif not holds_value(got, want):
            fail(f"message {expected.get('id')!r}: {name} differs: expected {short(want)}, got {short(got)}")


SECOND, MILLISECOND = dt.timedelta(seconds=1), dt.timedelta(milliseconds=1)


@rule("MSG-CREATED-AT-PRECISION", "ORG-CREATED-AT-PRECISION")
def created_at_precision(returned: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    """created_at keeps the dataset's fraction of a second, to the millisecond (IMPL-TIMESTAMP-FORMAT)."""
    if not _same_instant(returned.get("created_at"), expected["created_at"], MILLISECOND):
        fail(f"message {expected.get('id')!r}: created_at {returned.get('created_at')!r} has lost the fraction of "
             f"{expected['created_at']!r}")


def _same_instant(a: Any, b: Any, within: dt.timedelta) -> bool:
    """Less than `within` apart; a value that does not parse is judged by its own rule, not here."""
    try:
        return abs(parse_rfc3339(a) - parse_rfc3339(b)) < within
    except ValueError:
        return True


def readable(messages: Any) -> bool:
    """Messages the other rules can still read, whatever their shape broke: objects with an id and a created_at."""
    return (isinstance(messages, list) and all(map(isinstance, messages, itertools.repeat(dict)))
            and all(map(operator.contains, messages, itertools.repeat("id")))
            and all(map(operator.contains, messages, itertools.repeat("created_at"))))


def conforming(body: bytes, messages_key: str | None) -> Any:
    """A 200 body read and held to its variant's shape rules (a page envelope under `messages_key`, else an array)."""
    if messages_key:
        page = page_envelope(body)
        page_messages(page)
        return page
    messages = org_array(body)
    org_messages(messages)
    return messages
