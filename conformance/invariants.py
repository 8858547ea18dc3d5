"""The rules, one small pure function each. No HTTP here: callers pass what they saw.

Every function returns quietly or raises a Violation naming its requirement id. The targeted
pytest checks and the Schemathesis custom checks are thin adapters over these functions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from conformance import spec, strict_json
from conformance.timestamps import parse_rfc3339
from conformance.violations import Violation

# Python frames (also inside a JSON string, where quotes are escaped), Java and Node frames.
STACK_TRACE = re.compile(
    r'Traceback \(most recent call last\)|File \\?"[^"\\]+\\?", line \d+'
    r"|\bat [\w.$/]+\([\w.]+:\d+\)|\bat \S+ \((?:/|file:)[^)]*:\d+:\d+\)"
)


# ------------------------------------------------------------------ values

def parse_instant(value: Any, req: str = "MSG-CREATED-AT-RFC3339") -> dt.datetime:
    """An RFC 3339 date-time with an offset, as an aware datetime (sub-microsecond digits dropped)."""
    try:
        return parse_rfc3339(value)
    except ValueError as exc:
        raise Violation(req, f"created_at: {exc}") from None


def created_at_is_rfc3339(value: Any, req: str = "MSG-CREATED-AT-RFC3339") -> None:
    parse_instant(value, req)


def json_body(body: bytes, req: str) -> Any:
    """The body as strict JSON: not UTF-8, not JSON, NaN, a duplicate key or nesting too deep breaks `req`."""
    try:
        return strict_json.loads(body)
    except strict_json.JSONError as exc:
        raise Violation(req, f"the body is not JSON ({exc})") from None


# ------------------------------------------------------------------ HTTP

def status_is(status: int, expected: Iterable[int], req: str, what: str) -> None:
    expected = tuple(expected)
    if status not in expected:
        wanted = " or ".join(str(s) for s in expected)
        raise Violation(req, f"{what}: expected status {wanted}, got {status}")


def content_type_is_json(content_type: str, req: str = "HTTP-CONTENT-TYPE-JSON") -> None:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise Violation(req, f"Content-Type is {content_type or 'missing'!r}, expected application/json")


def status_is_documented(status: int, profile: str, req: str = "HTTP-STATUS-DOCUMENTED") -> None:
    documented = sorted(spec.documented_statuses(profile))
    if status not in documented:
        raise Violation(req, f"status {status} is not one the docs list ({', '.join(map(str, documented))})")


def not_a_server_error(status: int, req: str = "HTTP-NO-5XX") -> None:
    if status >= 500:
        raise Violation(req, f"the request was answered {status}, a server error")


def error_body_is_json_object(body: bytes, req: str = "HTTP-ERROR-JSON") -> None:
    value = json_body(body, req)
    if not isinstance(value, dict):
        raise Violation(req, f"the error body is JSON but a {type(value).__name__}, not an object")


def error_body_has_no_stack_trace(body: bytes, req: str = "HTTP-NO-STACK-TRACE") -> None:
    match = STACK_TRACE.search(body.decode("utf-8", errors="replace"))
    if match:
        raise Violation(req, f"the error body exposes a stack trace ({match.group(0)!r})")


def error_body_is_object_of_strings(body: bytes, req: str = "ORG-ERROR-BODY") -> None:
    value = json_body(body, req)
    if not isinstance(value, dict):
        raise Violation(req, f"the error body is a JSON {type(value).__name__}, not an object")
    bad = {k: v for k, v in value.items() if not isinstance(v, str)}
    if bad:
        raise Violation(req, f"error body values must be strings; these are not: {bad!r}")


# ------------------------------------------------------------------ shapes (from the OpenAPI file)

def page_conforms(page: Any) -> None:
    """The envelope (ENV-SHAPE) and each message (MSG-SHAPE) against openapi.yaml's MessagePage."""
    for error in spec.schema_errors("tenant-key", "MessagePage", page):
        path = list(error.absolute_path)
        where = "/".join(str(p) for p in path) or "(body)"
        req = "MSG-SHAPE" if len(path) >= 2 and path[0] == "messages" else "ENV-SHAPE"
        raise Violation(req, f"at {where}: {error.message}")


def org_body_conforms(body: Any) -> None:
    """ORG-BODY-ARRAY and ORG-MSG-SHAPE against org-token.yaml."""
    if not isinstance(body, list):
        raise Violation("ORG-BODY-ARRAY", f"the 200 body is a JSON {type(body).__name__}, not an array")
    for index, message in enumerate(body):
        for error in spec.schema_errors("org-token", "Message", message):
            where = "/".join(str(p) for p in [index, *error.absolute_path])
            raise Violation("ORG-MSG-SHAPE", f"at {where}: {error.message}")


# ------------------------------------------------------------------ one page

def offset_is_echoed(requested: int, echoed: Any) -> None:
    if echoed != requested or isinstance(echoed, bool):
        raise Violation("PAGE-OFFSET-ECHO", f"the request used offset {requested}; the body says offset {echoed!r}")


def limit_is_echoed(requested: int, echoed: Any) -> None:
    if echoed != requested or isinstance(echoed, bool):
        raise Violation("PAGE-LIMIT-ECHO", f"the request used limit {requested}; the body says limit {echoed!r}")


def has_more_is_consistent(offset: int, page_len: int, total: int, has_more: Any) -> None:
    expected = offset + page_len < total
    if has_more is not expected:
        raise Violation(
            "PAGE-HAS-MORE",
            f"has_more is {has_more!r} but offset {offset} + {page_len} messages "
            f"{'<' if expected else '>='} total {total}, so it must be {str(expected).lower()}",
        )


def page_length_is_right(limit: int, offset: int, total: int, page_len: int) -> None:
    expected = min(limit, max(0, total - offset))
    if page_len != expected:
        raise Violation(
            "PAGE-LENGTH",
            f"the page holds {page_len} messages; with limit {limit}, offset {offset} and total {total} "
            f"it must hold min(limit, max(0, total - offset)) = {expected}",
        )


def total_is(expected: int, got: Any, why: str) -> None:
    if got != expected or isinstance(got, bool):
        raise Violation("PAGE-TOTAL", f"total is {got!r}, expected {expected} ({why})")


def is_sorted(instants: Sequence[dt.datetime], order: str) -> None:
    """ORDER-ASC / ORDER-DESC: created_at non-decreasing (asc) or non-increasing (desc)."""
    req = "ORDER-DESC" if order == "desc" else "ORDER-ASC"
    for index in range(1, len(instants)):
        before, after = instants[index - 1], instants[index]
        if (after < before) if order != "desc" else (after > before):
            raise Violation(
                req,
                f"messages {index - 1} and {index} are out of {order} order by created_at: "
                f"{before.isoformat()} then {after.isoformat()}",
            )


def desc_starts_with_newest(first_page: Sequence[dt.datetime], rest: Iterable[dt.datetime]) -> None:
    """ORDER-DESC-NEWEST-FIRST: nothing outside the first desc page is newer than anything on it."""
    if not first_page:
        return
    oldest_on_page = min(first_page)
    newer = [t for t in rest if t > oldest_on_page]
    if newer:
        raise Violation(
            "ORDER-DESC-NEWEST-FIRST",
            f"the first desc page reaches back to {oldest_on_page.isoformat()}, but {len(newer)} newer "
            f"message(s) are not on it (newest: {max(newer).isoformat()})",
        )


def pages_partition(pages: Sequence[Sequence[str]], total: int, full: Iterable[str] | None = None) -> None:
    """PAGE-PARTITION: the pages of one walk hold every message exactly once."""
    seen = [message_id for page in pages for message_id in page]
    duplicates = sorted(k for k, n in Counter(seen).items() if n > 1)
    if duplicates:
        raise Violation("PAGE-PARTITION", f"{len(duplicates)} message(s) appear on more than one page, e.g. {duplicates[:3]}")
    if full is not None:
        missing = sorted(set(full) - set(seen))
        if missing:
            raise Violation("PAGE-PARTITION", f"{len(missing)} message(s) of the chat never appear on any page, e.g. {missing[:3]}")
    if len(seen) != total:
        raise Violation("PAGE-PARTITION", f"the walk returned {len(seen)} distinct messages; total says {total}")


def same_messages(asc_ids: Iterable[str], desc_ids: Iterable[str]) -> None:
    asc, desc = set(asc_ids), set(desc_ids)
    if asc != desc:
        only_asc, only_desc = sorted(asc - desc), sorted(desc - asc)
        raise Violation(
            "ORDER-SAME-SET",
            f"asc and desc walks differ: {len(only_asc)} only in asc (e.g. {only_asc[:2]}), "
            f"{len(only_desc)} only in desc (e.g. {only_desc[:2]})",
        )


def messages_belong_to_chat(returned_ids: Iterable[str], chat_ids: Iterable[str], req: str = "PAGE-CHAT-SCOPED") -> None:
    strangers = sorted(set(returned_ids) - set(chat_ids))
    if strangers:
        raise Violation(req, f"{len(strangers)} message(s) returned are not in this chat, e.g. {strangers[:3]}")


# ------------------------------------------------------------------ exact content

def same_value(a: Any, b: Any) -> bool:
    """JSON equality ignoring key order and number formatting (1 == 1.0), but not bool vs number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def holds_value(got: Any, want: Any) -> bool:
    """same_value, except that objects may carry keys beyond the wanted ones (IMPL-EXTRA-FIELDS)."""
    if isinstance(got, dict) and isinstance(want, dict):
        return all(k in got and holds_value(got[k], v) for k, v in want.items())
    return same_value(got, want)


def message_matches(returned: Mapping[str, Any], expected: Mapping[str, Any], req: str = "MSG-CONTENT-EXACT") -> None:
    """Every value the dataset has, returned equal; created_at as the same instant. Extra fields are allowed.

    A created_at that does not parse is not compared: its format is a rule of its own (MSG-CREATED-AT-RFC3339,
    ORG-CREATED-AT-RFC3339), which must not turn into a content failure.
    """
    for name, want in expected.items():
        if name not in returned:
            raise Violation(req, f"message {expected.get('id')!r}: field {name!r} is missing")
        got = returned[name]
        if name == "created_at":
            if not _same_instant(got, want):
                raise Violation(req, f"message {expected.get('id')!r}: created_at {got!r} is not the instant {want!r}")
        elif not holds_value(got, want):
            raise Violation(req, f"message {expected.get('id')!r}: {name} differs: expected {_short(want)}, got {_short(got)}")


def _same_instant(a: Any, b: Any) -> bool:
    """Within a millisecond: a store of millisecond precision keeps the instant (IMPL-TIMESTAMP-FORMAT)."""
    try:
        return abs(parse_instant(a) - parse_instant(b)) < dt.timedelta(milliseconds=1)
    except Violation:
        return True


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} chars)"


# ------------------------------------------------------------------ org-token

def org_messages_name_chat(messages: Sequence[Mapping[str, Any]], chat_id: int) -> None:
    for message in messages:
        if message.get("chat_id") != chat_id or isinstance(message.get("chat_id"), bool):
            raise Violation(
                "ORG-MSG-CHAT-ID",
                f"message {message.get('id')!r} has chat_id {message.get('chat_id')!r}; the path asked for chat {chat_id}",
            )


def org_all_messages(returned_ids: Sequence[Any], expected_ids: Iterable[Any]) -> None:
    duplicates = sorted(k for k, n in Counter(returned_ids).items() if n > 1)
    if duplicates:
        raise Violation("ORG-ALL-MESSAGES", f"message(s) returned more than once: {duplicates[:5]}")
    expected = set(expected_ids)
    missing, extra = sorted(expected - set(returned_ids)), sorted(set(returned_ids) - expected)
    if missing or extra:
        raise Violation(
            "ORG-ALL-MESSAGES",
            f"{len(missing)} message(s) of the chat missing (e.g. {missing[:3]}), "
            f"{len(extra)} not of the chat included (e.g. {extra[:3]})",
        )
