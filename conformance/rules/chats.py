"""Rules about which chat is read: unknown and malformed ids, empty chats, messages of the chat and no other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from conformance.rules.reading import expect_status
from conformance.rules.registry import fail, rule


@rule("CHAT-UNKNOWN-404", "ORG-CHAT-UNKNOWN-404")
def unknown_is_404(status: int, what: str, allowed: Sequence[int] = (404,)) -> None:
    expect_status(status, allowed, what)


@rule("CHAT-MALFORMED-ID", "ORG-CHAT-MALFORMED-ID")
def malformed_id_refused(status: int, what: str, allowed: Sequence[int]) -> None:
    """A chat id that is none of the variant's (no UUID, no integer): refused with `allowed` (IMPL-MALFORMED-ID)."""
    expect_status(status, allowed, what)


@rule("ORG-CHAT-ID-INVALID-400")
def malformed_id_400(status: int, what: str) -> None:
    """Seed 002's own answer to a chat id that is not an integer: 400 "Invalid chat ID" (a SHOULD; 404 is allowed)."""
    expect_status(status, [400], what)


@rule("CHAT-EMPTY", "ORG-EMPTY-CHAT")
def empty_chat(body: Any, messages_key: str | None) -> None:
    """An existing chat without messages: no messages (under `messages_key`, or the body itself); a page says
    total 0 and has_more false too."""
    messages = body.get(messages_key) if messages_key else body
    if messages:
        fail(f"an empty chat answered {len(messages)} messages")
    if messages_key and (body.get("total") != 0 or body.get("has_more") is not False):
        fail(f"an empty chat must give total 0 and has_more false; got total {body.get('total')!r}, "
             f"has_more {body.get('has_more')!r}")


@rule("ORG-MSG-CHAT-ID")
def org_messages_name_chat(messages: Sequence[Mapping[str, Any]], chat_id: int) -> None:
    for message in messages:
        if message.get("chat_id") != chat_id or isinstance(message.get("chat_id"), bool):
            fail(f"message {message.get('id')!r} has chat_id {message.get('chat_id')!r}; "
                 f"the path asked for chat {chat_id}")


@rule("ORG-ALL-MESSAGES")
def org_all_messages(returned_ids: Sequence[Any], expected_ids: Iterable[Any]) -> None:
    duplicates = sorted(k for k, n in Counter(returned_ids).items() if n > 1)
    if duplicates:
        fail(f"message(s) returned more than once: {duplicates[:5]}")
    expected = set(expected_ids)
    missing, extra = sorted(expected - set(returned_ids)), sorted(set(returned_ids) - expected)
    if missing or extra:
        fail(f"{len(missing)} message(s) of the chat missing (e.g. {missing[:3]}), "
             f"{len(extra)} not of the chat included (e.g. {extra[:3]})")
