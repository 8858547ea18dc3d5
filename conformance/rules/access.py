"""Rules of authentication and tenancy: who may read which chat, and what the others are told."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from conformance.rules.reading import expect_status, set_aside
from conformance.rules.registry import fail, rule


@rule("AUTH-MISSING-401", "ORG-AUTH-MISSING-401")
def missing_key_401(status: int, what: str = "no key", allowed: Sequence[int] = (401,)) -> None:
    expect_status(status, allowed, what)


@rule("AUTH-INVALID-401", "ORG-AUTH-INVALID-401")
def invalid_key_401(status: int, what: str = "a key that is no tenant's") -> None:
    expect_status(status, [401], what)


@rule("AUTH-KEY-EXACT", "ORG-AUTH-INVALID-401")
def near_miss_401(status: int, what: str) -> None:
    """A key that differs from a valid one in the least way is no key."""
    expect_status(status, [401], what)


@rule("ORG-AUTH-JWT-FORGED-401")
def forged_token_401(status: int, what: str) -> None:
    """A token anyone holding one JWT can build without the secret (conformance/forgeries.py) is no token."""
    expect_status(status, [401], what)


@rule("AUTH-KEY-CASE", "ORG-AUTH-KEY-CASE")
def other_case_401(status: int, what: str) -> None:
    """A valid key in other letter case is no key (a case-insensitive column matches it: a SHOULD)."""
    expect_status(status, [401], what)


@rule("AUTH-FOREIGN-404", "ORG-AUTH-FOREIGN-403")
def foreign_refused(status: int, refused_with: int | Sequence[int], what: str) -> None:
    """Another tenant's chat is refused with the profile's status (tenant-key 404, org-token 403)."""
    expect_status(status, [refused_with] if isinstance(refused_with, int) else refused_with, what)


@rule("AUTH-BEFORE-LOOKUP", "ORG-AUTH-BEFORE-LOOKUP")
def key_before_lookup(status: int, what: str) -> None:
    expect_status(status, [401], what)


@rule("AUTH-PARAM-PRECEDENCE")
def key_or_parameter_refused(status: int, what: str) -> None:
    expect_status(status, [400, 401], what)


@rule("AUTH-FOREIGN-INDISTINGUISHABLE")
def foreign_like_unknown(foreign: tuple[int, bytes, Any], unknown: tuple[int, bytes, Any]) -> None:
    """(status, body, chat id) of another tenant's chat and of no chat: the same answer, ids set aside."""
    (status, body, chat_id), (unknown_status, unknown_body, unknown_id) = foreign, unknown
    if status != unknown_status:
        fail(f"another tenant's chat is answered {status}, a chat that does not exist {unknown_status}")
    if set_aside(body, chat_id) != set_aside(unknown_body, unknown_id):
        fail(f"another tenant's chat is answered {body[:200]!r}, a chat that does not exist {unknown_body[:200]!r}")


MIN_CONTENT = 12  # characters: a shorter content ("ok", "Thanks!") may be in any text by chance
MIN_ID = 5  # characters of an id written alone (org-token's ids are integers; "12" is in many a text)


@rule("AUTH-REFUSAL-NO-DATA", "ORG-AUTH-REFUSAL-NO-DATA")
def refusal_carries_no_message(status: int, body: bytes, messages: Iterable[Mapping[str, Any]]) -> None:
    """A refusal (no key, a key of no tenant, another tenant's chat, no such chat) shows no message of any chat:
    neither an id nor a content, as written or inside the JSON strings of the body."""
    if status == 200:
        return
    text = body.decode("utf-8", errors="replace")
    try:
        text += "\n" + "\n".join(_strings(json.loads(body)))
    except ValueError:
        pass
    for message in messages:
        content, message_id = str(message.get("content", "")), str(message.get("id", ""))
        if len(content) >= MIN_CONTENT and content in text:
            fail(f"the {status} answer carries the content of message {message_id!r}")
        if len(message_id) >= MIN_ID and re.search(rf"(?<![\w-]){re.escape(message_id)}(?![\w-])", text):
            fail(f"the {status} answer carries the id of message {message_id!r}")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
