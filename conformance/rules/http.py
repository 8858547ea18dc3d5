"""Rules about any answer: it comes, it is no server error, its status is documented, it is JSON, errors say no internals."""

from __future__ import annotations

import re
from typing import Any

from conformance import spec
from conformance.rules.reading import json_of
from conformance.rules.registry import fail, rule

# Python frames (also inside a JSON string, where quotes are escaped), Java and Node frames.
STACK_TRACE = re.compile(
    r'Traceback \(most recent call last\)|File \\?"[^"\\]+\\?", line \d+'
    r"|\bat [\w.$/]+\([\w.]+:\d+\)|\bat \S+ \((?:/|file:)[^)]*:\d+:\d+\)"
)


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


@rule("HTTP-CONTENT-TYPE-JSON", "ORG-HTTP-CONTENT-TYPE-JSON")
def json_content_type(content_type: str) -> None:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        fail(f"Content-Type is {content_type or 'missing'!r}, expected application/json")


@rule("HTTP-ERROR-JSON")
def error_is_json_object(body: bytes) -> None:
    value = json_of(body)
    if not isinstance(value, dict):
        fail(f"the error body is JSON but a {type(value).__name__}, not an object")


@rule("ORG-ERROR-BODY")
def error_is_object_of_strings(body: bytes) -> None:
    value: Any = json_of(body)
    if not isinstance(value, dict):
        fail(f"the error body is a JSON {type(value).__name__}, not an object")
    bad = {k: v for k, v in value.items() if not isinstance(v, str)}
    if bad:
        fail(f"error body values must be strings; these are not: {bad!r}")


@rule("HTTP-NO-STACK-TRACE")
def no_stack_trace(body: bytes) -> None:
    match = STACK_TRACE.search(body.decode("utf-8", errors="replace"))
    if match:
        fail(f"the error body exposes a stack trace ({match.group(0)!r})")
