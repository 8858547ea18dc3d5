"""Rules about any answer: it comes, it is no server error, its status is documented, it is JSON, errors say no internals."""

from __future__ import annotations

import json
import re
from typing import Any

import ahocorasick_rs

from conformance import spec, strict_json
from conformance.rules.answers import ERROR
from conformance.rules.reading import json_of
from conformance.rules.registry import fail, rule

# What a body must not show of the server's insides: stack frames, panics and database error text. Each form with a
# literal that every match of it holds: a body is searched for all the literals at once first (Aho-Corasick: one pass,
# tens of microseconds for a page of 100 messages), and only the forms whose literal it holds are searched as patterns.
INTERNALS_FORMS = (
    # Python (also inside a JSON string, where quotes are escaped), Java, Node
    ("Traceback (most recent call last)", r'Traceback \(most recent call last\)'),
    ('", line ', r'File \\?"[^"\\]+\\?", line \d+'),
    ("(", r"\bat [\w.$/]+\([\w.]+:\d+\)"), ("(", r"\bat \S+ \((?:/|file:)[^)]*:\d+:\d+\)"),
    # Go: a panic, a goroutine dump, a frame
    ("panic: ", r"\bpanic: "), ("goroutine ", r"goroutine \d+ \[[a-z ]+\]:"), (" +0x", r"\.go:\d+ \+0x[0-9a-f]+"),
    # .NET, Ruby, PHP, Rust
    (":line ", r"\bat [\w.<>`]+\([^)]*\) in \S+:line \d+"), ("System.", r"\bSystem\.[\w.]*Exception\b"),
    (".rb:", r"\.rb:\d+:in [`']"),
    ("PHP ", r"PHP (?:Fatal|Parse) error"), ("Stack trace:", r"Stack trace:\s*#0 "),
    (".php", r"\.php(?:\(\d+\)|:\d+| on line \d+)"),
    ("panicked at ", r"panicked at "), ("RUST_BACKTRACE", r"RUST_BACKTRACE"),
    # database error text
    ("SQLSTATE", r"SQLSTATE"), ("invalid input syntax for type", r"invalid input syntax for type"),
    ("pq: ", r"\bpq: "), ("psycopg", r"psycopg"), ("ORA-", r"\bORA-\d{5}\b"), ("SQLITE_", r"\bSQLITE_[A-Z]+"),
    ("sqlite3.", r"sqlite3\.\w*Error"),
    ("You have an error in your SQL syntax", r"You have an error in your SQL syntax"),
    ("duplicate key value violates", r"duplicate key value violates"),
)
INTERNALS = re.compile("|".join(form for _, form in INTERNALS_FORMS))
# The same forms searched one by one, each from its literal start (a leading \b checked on what is found): Python's
# re scans for a literal fast, and a body of 100 messages is searched in microseconds, not milliseconds.
_BY_FORM = tuple((needle.encode(), form.startswith(r"\b"), re.compile(form[2:] if form.startswith(r"\b") else form))
                 for needle, form in INTERNALS_FORMS)
_WORD = re.compile(r"\w")
_NEEDLES = sorted({needle for needle, _, _ in _BY_FORM})
_FINDER = ahocorasick_rs.BytesAhoCorasick(_NEEDLES)


@rule("HTTP-ANSWERS", "ORG-HTTP-ANSWERS")
def answered(problem: str | None) -> None:
    """Every request gets a complete HTTP answer in time; `problem` says why one did not."""
    if problem:
        fail(problem)


@rule("HTTP-NO-5XX", "ORG-NO-5XX")
def no_server_error(status: int) -> None:
    if status >= 500:
        fail(f"the request was answered {status}, a server error")


@rule("HTTP-STATUS-DOCUMENTED", "ORG-STATUS-DOCUMENTED")
def status_documented(status: int, profile: str) -> None:
    documented = sorted(spec.documented_statuses(profile))
    if status not in documented:
        fail(f"status {status} is not one the docs list ({', '.join(map(str, documented))})")


# A JSON media type other than application/json: application/problem+json (RFC 9457), any application/*+json.
JSON_SUFFIXED = re.compile(r"application/[a-z0-9!#$&^_.-]+\+json")


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def is_error_media_type(content_type: str) -> bool:
    """What an error may be written as (IMPL-ERROR-MEDIA-TYPE): application/json or any +json media type."""
    return media_type(content_type) == "application/json" or bool(JSON_SUFFIXED.fullmatch(media_type(content_type)))


@rule("HTTP-CONTENT-TYPE-JSON", "ORG-HTTP-CONTENT-TYPE-JSON")
def json_content_type(content_type: str, status: int = 200) -> None:
    """A 200 is application/json. An error's media type is judged where the docs give one (error_media_type): the
    main variant's docs list error statuses only, and Go's http.Error (text/plain) or an empty 401 honour them."""
    if status < 400 and media_type(content_type) != "application/json":
        fail(f"Content-Type is {content_type or 'missing'!r}, expected application/json")


@rule("HTTP-ERROR-JSON", on=ERROR, reads=lambda answer: (answer.body,))
def error_is_json_object(body: bytes) -> None:
    value = json_of(body)
    if not isinstance(value, dict):
        fail(f"the error body is JSON but a {type(value).__name__}, not an object")


@rule("ORG-ERROR-BODY", on=ERROR, reads=lambda answer: (answer.body,))
def error_is_object_of_strings(body: bytes) -> None:
    value: Any = json_of(body)
    if not isinstance(value, dict):
        fail(f"the error body is a JSON {type(value).__name__}, not an object")
    bad = {k: v for k, v in value.items() if not isinstance(v, str)}
    if bad:
        fail(f"error body values must be strings; these are not: {bad!r}")


@rule("ORG-HTTP-CONTENT-TYPE-JSON", name="error_media_type", on=ERROR, reads=lambda answer: (answer.content_type,))
def error_media_type(content_type: str) -> None:
    """An error is application/json or another JSON media type (problem+json): seed 002 gives every error status
    application/json."""
    if not is_error_media_type(content_type):
        fail(f"Content-Type is {content_type or 'missing'!r}, expected a JSON media type")


def _internals(body: bytes) -> str | None:
    """What INTERNALS.search finds first in the body (the leftmost match; at one place, the first form's)."""
    # The literals are ASCII: in the bytes exactly where they are in the text the bytes decode to.
    held = {_NEEDLES[n] for n, _, _ in _FINDER.find_matches_as_indexes(body, overlapping=True)}
    if not held:
        return None
    text = body.decode("utf-8", errors="replace")
    found: tuple[int, int, str] | None = None
    for index, (needle, bounded, form) in enumerate(_BY_FORM):
        if needle not in held:
            continue
        match = form.search(text)
        while match is not None and bounded and match.start() > 0 and _WORD.match(text, match.start() - 1):
            match = form.search(text, match.start() + 1)  # no word boundary before it: not this form's
        if match is not None and (found is None or match.start() < found[0]):
            found = (match.start(), index, match.group(0))
    return found[2] if found else None


@rule("HTTP-5XX-NO-INTERNALS", "ORG-5XX-NO-INTERNALS", on=ERROR,
      reads=lambda answer: (answer.status, answer.body) if answer.status >= 500 else None)
def no_internals_in_5xx(status: int, body: bytes) -> None:
    """A server error's body shows no stack trace, panic or database error text (a SHOULD; the 5xx is a MUST's)."""
    found = _internals(body) if status >= 500 else None
    if found:
        fail(f"the {status} body exposes the server's internals ({found!r})")


@rule("HTTP-NO-STACK-TRACE", "ORG-NO-INTERNALS", on=ERROR, reads=lambda answer: (answer.body,))
def no_internals(body: bytes, carries_messages: bool = False) -> None:
    """No body shows a stack trace, a panic or database error text (a SHOULD). In an answer that carries messages
    (a 200: a page, or org-token's array) the messages are the chat's data, which may quote a trace or an SQL error
    (IMPL-MESSAGES-ARE-DATA): the rest of the body is searched, read as the page's rules read it (strict_json keeps
    the last body read: one reading serves both)."""
    found = _internals(without_messages(body) if carries_messages else body)
    if found:
        fail(f"the body exposes the server's internals ({found!r})")


def without_messages(body: bytes) -> bytes:
    """The body less the messages it carries: a page without its `messages` array, nothing of an array (org-token's
    answer is the messages). A body that is not JSON, or not one of these, whole."""
    try:
        value = strict_json.loads(body)
    except strict_json.JSONError:
        return body
    if isinstance(value, list):
        return b""
    if isinstance(value, dict) and isinstance(value.get("messages"), list):
        rest = {key: item for key, item in value.items() if key != "messages"}
        if not any(isinstance(item, (str, list, dict)) for item in rest.values()):
            return b""  # numbers, booleans and nulls: no text in which internals could show
        return json.dumps(rest).encode()
    return body
