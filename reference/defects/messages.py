"""Mutants of the message as served: its fields, its timestamp, its content, its metadata.

Most get the served message wrong in one way, as a function of the right one (`WRONG_MESSAGES`), applied where
the store renders a message; the store still orders by the true instant.
"""

from __future__ import annotations

import html
import json
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

from starlette.requests import Request

from conformance.dataset import parse_instant
from reference.server import OrgToken, TenantKey
from reference.store import Message, Scope, Store, Window
from reference.variants import Step, patch, returns

Wrong = Callable[[Message], Message]


def changed(key: str, change: Callable[[Any], Any]) -> Wrong:
    """message[key] put through `change`; a new dict, so the dataset's message stays as it is."""
    return lambda message: message | {key: change(message[key])}


def created_at(written: Callable[[datetime], Any]) -> Wrong:
    return changed("created_at", lambda text: written(parse_instant(text)))


def in_metadata(key: str, change: Callable[[Any], Any]) -> Wrong:
    return changed("metadata", lambda metadata: metadata | {key: change(metadata[key])})


def dropped(key: str, when: Callable[[Message], bool], inside: str | None = None) -> Wrong:
    """Without message[key] (or message[inside][key]) where `when` holds."""
    def drop(fields: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in fields.items() if name != key}

    def wrong(message: Message) -> Message:
        if not when(message):
            return message
        return drop(message) if inside is None else message | {inside: drop(message[inside])}

    return wrong


def is_user(message: Message) -> bool:
    return message["role"] == "user"


def sql_server_datetime(t: datetime) -> str:
    """SQL Server's legacy DATETIME: time kept in 1/300 s ticks, written .000, .003 or .007."""
    utc = t.astimezone(timezone.utc)
    ticks = round((utc.second * 1_000_000 + utc.microsecond) * 300 / 1_000_000)
    kept = utc.replace(second=0, microsecond=0) + timedelta(seconds=ticks / 300)
    return kept.strftime("%Y-%m-%dT%H:%M:%S.") + f"{kept.microsecond // 1000:03d}Z"


WRONG_MESSAGES: dict[str, Wrong] = {
    # both
    "created-at-ticks-1-300": created_at(sql_server_datetime),
    # tenant-key
    "created-at-naive": created_at(lambda t: t.astimezone(timezone.utc).replace(tzinfo=None).isoformat()),  # utcnow()
    "created-at-epoch": created_at(lambda t: int(t.timestamp())),
    "created-at-wall-clock-z": created_at(lambda t: t.replace(tzinfo=None).isoformat() + "Z"),  # local, called UTC
    "sender-role-ai": changed("sender_role", lambda role: "ai" if role == "assistant" else role),
    "metadata-null": changed("metadata", lambda metadata: metadata or None),  # an empty object is falsy
    "metadata-as-string": changed("metadata", json.dumps),  # the TEXT column, never parsed
    "null-media-omitted": lambda message: {k: v for k, v in message.items() if v is not None},  # exclude_none
    "media-null-as-empty-string": lambda message: message | {k: message[k] or "" for k in ("media_type", "media_url")},
    "content-truncated": changed("content", lambda text: text[:10_000]),  # VARCHAR(10000)
    "unicode-astral-replaced": changed(  # MySQL's utf8, 3 bytes a character
        "content", lambda text: "".join(c if ord(c) <= 0xFFFF else "?" for c in text)),
    "unicode-nfc": changed("content", partial(unicodedata.normalize, "NFC")),
    "content-trimmed": changed("content", str.strip),
    "content-html-escaped": changed("content", html.escape),  # escaped for a template, served as JSON
    # org-token
    "org-token-count-user-omitted": dropped("token_count", is_user, inside="metadata"),  # counted for replies only
    "org-response-time-omitempty": dropped(  # `json:"response_time,omitempty"`: a user message's 0 vanishes
        "response_time", lambda message: not message["metadata"]["response_time"], inside="metadata"),
    "org-token-count-float": in_metadata("token_count", float),  # a REAL column: 12.0
    "org-token-count-string": in_metadata("token_count", str),
    "org-response-time-string": in_metadata("response_time", str),  # "812.5", the TEXT column
    "org-response-time-seconds": in_metadata("response_time", lambda ms: ms / 1000),  # documented in ms
    "org-role-omitted-when-user": dropped("role", is_user),  # excluded as the model's default value
    "org-ids-as-strings": changed("id", str),  # a 64-bit id as a string, for JavaScript clients
    "org-content-preview": changed("content", lambda text: text[:80]),  # the chat list's preview column
    "org-content-varchar-255": changed("content", lambda text: text[:255]),
}


def served_wrong(wrong: Wrong) -> Step:
    def render(self: Store, right: Step, message: Message) -> Message:
        return wrong(right(message))

    return render


for name, wrong in WRONG_MESSAGES.items():
    patch(name, wraps=Store.render)(served_wrong(wrong))


@patch("integer-ids", wraps=Store.message)
def integer_ids(self: Store, message: Step, body: str, seq: int) -> Message:
    return message(body, seq) | {"id": seq}  # the primary key instead of the public id


@patch("mongo-object-ids", wraps=Store.message)
def mongo_object_ids(self: Store, message: Step, body: str, seq: int) -> Message:
    served = message(body, seq)
    return served | {"id": {"$oid": served["id"]}}  # bson.json_util's ObjectId, written as an object


patch("org-chat-id-row-id", replaces=Store.served_column)(  # the chat's internal row id, not its public id
    returns("json_set(m.body, '$.chat_id', c.rowid)"))


@patch("org-chat-id-string", wraps=OrgToken.body)
def chat_id_string(self: OrgToken, body: Step, request: Request, scope: Scope, window: Window) -> Any:
    return [message | {"chat_id": self.raw_chat_id(request)} for message in body(request, scope, window)]


@patch("org-envelope", wraps=OrgToken.body)
def org_envelope(self: OrgToken, body: Step, request: Request, scope: Scope, window: Window) -> Any:
    return {"messages": body(request, scope, window)}


@patch("message-ids-per-chat", wraps=TenantKey.envelope)
def message_ids_per_chat(self: TenantKey, envelope: Step, window: Window, total: int, messages: list[Message]) -> Any:
    """The id shown is the message's place in its chat (msg-1, msg-2, …): every chat has a msg-1."""
    first = window.offset + 1 if window.order == "asc" else total - window.offset
    step = 1 if window.order == "asc" else -1
    numbered = [m | {"id": f"msg-{first + step * i}"} for i, m in enumerate(messages)]
    return envelope(window, total, numbered)


@patch("message-ids-by-second", wraps=TenantKey.envelope)
def message_ids_by_second(self: TenantKey, envelope: Step, window: Window, total: int, messages: list[Message]) -> Any:
    """The id shown is made from the chat and the second the message was written: two messages of one chat written
    in the same second share it."""
    stamped = [m | {"id": f"{m['chat_id'] if 'chat_id' in m else 'c'}-{str(m['created_at'])[:19]}"} for m in messages]
    return envelope(window, total, stamped)
