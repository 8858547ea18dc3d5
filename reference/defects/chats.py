"""Mutants of the chat: its id, whether it exists, whether it is empty, which rows are its messages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from conformance.dataset import ChatId
from reference.server import CHAT_NOT_FOUND, PERMISSION_DENIED, ApiError, OrgToken, Server, TenantKey
from reference.store import Message, Scope, Store, Window
from reference.variants import Step, patch, returns

# ---------------------------------------------------------------- its id


@patch("malformed-id-500", replaces=Server.parse_chat_id)
def converted_unchecked(self: Server, raw: str) -> ChatId:
    return self.path_chat_id.read(raw)  # no pattern check: uuid.UUID() or int() raises ValueError, a 500


@patch("org-non-integer-id-404", wraps=Server.parse_chat_id)
def non_integer_looked_up(self: OrgToken, parse_chat_id: Step, raw: str) -> ChatId:
    try:
        return parse_chat_id(raw)
    except ApiError:
        raise ApiError(404, CHAT_NOT_FOUND) from None  # looked up as text, which names no chat


@patch("org-non-integer-id-422", wraps=Server.parse_chat_id)
def non_integer_422(self: OrgToken, parse_chat_id: Step, raw: str) -> ChatId:
    try:
        return parse_chat_id(raw)
    except ApiError:
        raise ApiError(422, "chatID: value is not a valid integer") from None  # the framework's path validation


patch("org-huge-id-500", replaces=Store.fits_sqlite)(returns(True))  # beyond 64 bits, SQLite's OverflowError

# ---------------------------------------------------------------- whether it exists, whether it is empty


@patch("unknown-chat-empty-200", wraps=Server.find_chat)
def unknown_chat_empty(self: Server, find_chat: Step, chat_id: ChatId, tenant: str) -> Scope:
    if self.store.owner(chat_id) is None:
        return Scope(chat_id, tenant)  # no existence check: an unknown chat is just a chat without messages
    return find_chat(chat_id, tenant)


@patch("org-unknown-chat-403", wraps=OrgToken.find_chat)
def unknown_chat_403(self: OrgToken, find_chat: Step, chat_id: ChatId, tenant: str) -> Scope:
    if self.store.owner(chat_id) is None:
        raise ApiError(403, PERMISSION_DENIED)  # `WHERE id = ? AND org = ?`: unknown and foreign look alike
    return find_chat(chat_id, tenant)


@patch("empty-chat-404", wraps=TenantKey.body)
def empty_chat_404(self: TenantKey, body: Step, request: Request, scope: Scope, window: Window) -> Any:
    if not self.store.count(scope):  # meant for a chat that does not exist
        raise ApiError(404, CHAT_NOT_FOUND)
    return body(request, scope, window)


@patch("org-empty-chat-404", wraps=OrgToken.body)
def org_empty_chat_404(self: OrgToken, body: Step, request: Request, scope: Scope, window: Window) -> Any:
    messages = body(request, scope, window)
    if not messages:  # meant for a chat that does not exist
        raise ApiError(404, CHAT_NOT_FOUND)
    return messages


@patch("org-empty-chat-null", wraps=OrgToken.body)
def org_empty_chat_null(self: OrgToken, body: Step, request: Request, scope: Scope, window: Window) -> Any:
    return body(request, scope, window) or None  # a Go nil slice: `var out []Message` marshals to null


@patch("org-empty-chat-204", wraps=Server.respond_json)
def empty_chat_204(self: OrgToken, respond_json: Step, body: Any, status: int = 200,
                   headers: dict[str, str] | None = None) -> Response:
    if status == 200 and body == []:
        return Response(status_code=204)  # "nothing to return": No Content, no body, no Content-Type
    return respond_json(body, status, headers)


# ---------------------------------------------------------------- which rows are its messages

# a chat's messages as a range of seq, off by one at the top: the next chat's first message is in it
SEQ_RANGE = ("m.seq BETWEEN (SELECT MIN(seq) FROM messages WHERE chat_id = :chat)"
             " AND (SELECT MAX(seq) + 1 FROM messages WHERE chat_id = :chat)")

patch("no-chat-filter", replaces=Store.of_chat)(returns("c.tenant = :tenant"))
patch("foreign-message-leak", replaces=Store.of_chat)(returns(SEQ_RANGE))
patch("org-off-by-one-join", replaces=Store.of_chat)(returns(SEQ_RANGE))
# ... where the handler writes the chat it was asked for on every message, so only the dataset shows it
patch("org-off-by-one-join", replaces=Store.served_column)(returns("json_set(m.body, '$.chat_id', :chat)"))
patch("org-join-on-organisation", replaces=Store.join)(returns("c.tenant = :tenant"))  # each message once per chat


@patch("org-first-20", wraps=Store.page)
def first_20(self: Store, page: Step, scope: Scope, window: Window) -> list[Message]:
    return page(scope, replace(window, limit=20))  # the repository method's default LIMIT 20, kept


@patch("foreign-chat-named", wraps=TenantKey.find_chat)
def foreign_chat_named(self: TenantKey, find_chat: Step, chat_id: ChatId, tenant: str) -> Scope:
    owner = self.store.owner(chat_id)
    if owner is not None and owner != tenant:  # still 404, but the message tells an existing chat apart
        raise ApiError(404, "Chat belongs to another tenant")
    return find_chat(chat_id, tenant)
