"""Variations of the messages: how they are stored (which is also what they are ordered by) and tied; what they
say; a chat that grows while it is read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from conformance.dataset import Chat, Dataset, parse_instant
from reference.server import Server, TenantKey
from reference.store import Message, Store, Window
from reference.variants import Step, patch, returns

PLUS_2 = timezone(timedelta(hours=2))


def plus_0200(message: Message, chat: Chat) -> Message:
    return message | {"created_at": parse_instant(message["created_at"]).astimezone(PLUS_2).isoformat()}


def millis(message: Message, chat: Chat) -> Message:
    # stored at millisecond precision, so it is also ordered at that precision
    utc = parse_instant(message["created_at"]).astimezone(timezone.utc)
    return message | {"created_at": utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"}


def whole_seconds(message: Message, chat: Chat) -> Message:
    # a DATETIME column without fractions: they are dropped (truncated, not rounded), and ordered so
    utc = parse_instant(message["created_at"]).astimezone(timezone.utc)
    return message | {"created_at": utc.strftime("%Y-%m-%dT%H:%M:%SZ")}


def metadata_with(extra: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Message, Chat], Message]:
    return lambda message, chat: message | {"metadata": message["metadata"] | extra(message["metadata"])}


# Each keeps the dataset's message otherwise: (message, its chat) -> the message as stored.
STORED: dict[str, Callable[[Message, Chat], Message]] = {
    "offset-plus-0200": plus_0200,
    "millis": millis,
    "whole-second-timestamps": whole_seconds,
    "extra-fields": lambda message, chat: message | {"chat_id": chat.id, "edited": False},
    "org-extra-fields": lambda message, chat: message | {"edited": False, "attachments": []},
    "org-metadata-extra-fields": metadata_with(lambda metadata: {"prompt_tokens": 0, "cached": False}),
    "org-response-time-float": metadata_with(lambda metadata: {"response_time": float(metadata["response_time"])}),
}


def stored_as(alternative: Callable[[Message, Chat], Message]) -> Step:
    def stored(self: Store, keep: Step, message: Message, chat: Chat) -> Message:
        return alternative(keep(message, chat), chat)

    return stored


for name, alternative in STORED.items():
    patch(name, wraps=Store.stored)(stored_as(alternative))

patch("tiebreak-insertion", replaces=Store.tie_break)(returns("m.seq"))


@patch("extra-fields", wraps=TenantKey.envelope)
def next_offset(self: TenantKey, envelope: Step, window: Window, total: int, messages: list[Message]) -> dict[str, Any]:
    body = envelope(window, total, messages)
    return body | {"next_offset": window.offset + len(messages) if body["has_more"] else None}


# ---------------------------------------------------------------- a live chat: new messages while the suite reads it

LIVE_EVERY = 30  # requests between two new messages


@dataclass
class LiveChat:
    """The dataset's populated chat, which gains a message, newer than any, every LIVE_EVERY requests."""

    chat: Chat
    newest: datetime
    requests: int = 0
    added: int = 0

    def next_message(self) -> Message:
        """A new message in the form of the chat's own (org-token: integer ids, naming their chat)."""
        self.added += 1
        self.newest += timedelta(seconds=1)
        created_at = self.newest.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
        if isinstance(self.chat.id, int):
            return {"id": 900_000_000 + self.added, "chat_id": self.chat.id, "role": "assistant",
                    "content": f"live message {self.added}", "created_at": created_at,
                    "metadata": {"response_time": 0, "token_count": 3}}
        return {"id": f"msg-live-{self.added:04d}", "content": f"live message {self.added}",
                "sender_role": "assistant", "media_type": None, "media_url": None,
                "created_at": created_at, "metadata": {}}


@patch("live-chat", wraps=Store.__init__)
def with_live_chat(self: Store, init: Step, dataset: Dataset) -> None:
    init(dataset)
    chat = dataset.chat("populated")
    self.live = LiveChat(chat, max(parse_instant(message["created_at"]) for message in chat.messages))


@patch("live-chat", wraps=Server.answer)
async def growing(self: Server, answer: Step, request: Request) -> Response:
    live: LiveChat = self.store.live
    live.requests += 1
    if live.requests % LIVE_EVERY == 0:
        self.store.insert(live.next_message(), live.chat)
    return await answer(request)


# ---------------------------------------------------------------- messages that quote a server's internals

QUOTED = (
    'Why does this fail?\nTraceback (most recent call last):\n  File "/app/main.py", line 12, in <module>\n'
    "    run()\nValueError: bad input",
    'psql answers: ERROR: invalid input syntax for type integer: "abc" (SQLSTATE 22P02)',
    "it crashed with\npanic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.main()\n"
    "\t/app/main.go:12 +0x1d",
)


@patch("messages-quote-internals", wraps=Store.stored)
def quoting_internals(self: Store, stored: Step, message: Message, chat: Chat) -> Message:
    kept = stored(message, chat)
    return kept | {"content": f"{QUOTED[sum(str(kept['id']).encode()) % len(QUOTED)]}\n\n{kept['content']}"}
