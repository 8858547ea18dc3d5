"""The reference server's handler: GET /api/v1/chats/{id}/messages, in small steps, one class per profile.

A request is admitted (`authenticate`, `parse_chat_id`, `parse_query`, `find_chat`, in the documented order of
the checks), its body built (`TenantKey.envelope` around a page of the store, or `OrgToken`'s bare array) and
answered as JSON (`respond_json`); a failed check is an ApiError, answered by `reject`. Every step is a method,
so that a mutant or a variation can replace exactly one (see reference/variants.py); none is named here.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from starlette.datastructures import QueryParams
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from conformance import parameters
from conformance.dataset import ChatId
from conformance.parameters import DEFAULTS
from reference.store import Message, Scope, Store, Window

DIGITS = re.compile(r"[0-9]+")  # an org-token chat id: not str.isdigit, which takes '²' and Arabic-Indic digits
UUID_FORM = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

BAD_OFFSET = "offset must be a non-negative integer"
BAD_LIMIT = "limit must be an integer between 1 and 100"
BAD_ORDER = "order must be 'asc' or 'desc'"
CHAT_NOT_FOUND = "Chat not found"
PERMISSION_DENIED = "Permission denied"


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class PathChatId:
    """How a profile's path carries the chat id: in which parameter, as what text (any other is a 400 with the
    message `malformed`), read how."""

    param: str
    form: re.Pattern[str]
    read: Callable[[str], ChatId]
    malformed: str


class Server:
    """The steps both profiles share; a subclass per profile fills in the rest."""

    path_chat_id: ClassVar[PathChatId]
    unauthorized: ClassVar[str]  # the 401's message

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def path(self) -> str:
        return f"/api/v1/chats/{{{self.path_chat_id.param}}}/messages"

    async def answer(self, request: Request) -> Response:
        try:
            scope, window = self.admit(request)
            return self.respond_json(self.body(request, scope, window))
        except ApiError as error:
            return self.reject(error)

    def admit(self, request: Request) -> tuple[Scope, Window]:
        """The messages to read and the page asked for, checked in this order: the credential (401), the chat id
        (400), the query (400), the chat (404; org-token: 403 for another organisation's). Else an ApiError."""
        tenant = self.authenticate(request)
        chat_id = self.parse_chat_id(self.raw_chat_id(request))
        window = self.parse_query(request.query_params)
        return self.find_chat(chat_id, tenant), window

    def authenticate(self, request: Request) -> str:
        tenant = self.store.tenant_with_key(self.credential(request))
        if tenant is None:
            raise ApiError(401, self.unauthorized)
        return tenant

    def raw_chat_id(self, request: Request) -> str:
        return request.path_params[self.path_chat_id.param]

    def parse_chat_id(self, raw: str) -> ChatId:
        if not self.path_chat_id.form.fullmatch(raw):
            raise ApiError(400, self.path_chat_id.malformed)
        return self.path_chat_id.read(raw)

    # ---------------------------------------------------------------- per profile
    # (declared here too, so that a defect both profiles have can name the step: `wraps=Server.find_chat`)

    def credential(self, request: Request) -> str | None:
        raise NotImplementedError

    def parse_query(self, params: QueryParams) -> Window:
        raise NotImplementedError

    def find_chat(self, chat_id: ChatId, tenant: str) -> Scope:
        raise NotImplementedError

    def body(self, request: Request, scope: Scope, window: Window) -> Any:
        raise NotImplementedError

    def error_body(self, status: int, message: str) -> Any:
        raise NotImplementedError

    # ---------------------------------------------------------------- responses

    def middleware(self) -> list[Middleware]:
        return []

    def reject(self, error: ApiError) -> Response:
        return self.respond_error(error.status, error.message)

    def respond_error(self, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return self.respond_json(self.error_body(status, message), status, headers)

    def respond_json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return JSONResponse(body, status, headers=headers, media_type="application/json")


class TenantKey(Server):
    """X-API-Key, UUID chat ids, a page of the chat in an envelope; another tenant's chat is not found (404)."""

    # Upper-case hex is the same UUID, so it finds the chat (read in its canonical lower case). Other spellings
    # uuid.UUID accepts (no hyphens, braces, urn:uuid:) are malformed here.
    path_chat_id = PathChatId("chat_id", UUID_FORM, lambda raw: str(uuid.UUID(raw)),
                              "chat_id must be a UUID, e.g. a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")
    unauthorized = "Invalid or missing API key"

    def credential(self, request: Request) -> str | None:
        return request.headers.get("x-api-key")

    def parse_query(self, params: QueryParams) -> Window:
        # A repeated parameter takes its last value (what QueryParams.get gives), as most frameworks do.
        return Window(
            offset=self.parse_offset(params.get("offset")),
            limit=self.parse_limit(params.get("limit")),
            order=self.parse_order(params.get("order")),
        )

    def parse_offset(self, raw: str | None) -> int:
        if raw is None:
            return DEFAULTS["offset"]
        value = self.integer(raw)
        if value is None:
            raise ApiError(400, BAD_OFFSET)
        return value

    def parse_limit(self, raw: str | None) -> int:
        return DEFAULTS["limit"] if raw is None else self.check_limit(self.integer(raw))

    def check_limit(self, value: int | None) -> int:
        """The limit asked for, if it is a page size the API serves."""
        if value is None or parameters.limit(value) is None:
            raise ApiError(400, BAD_LIMIT)
        return value

    def parse_order(self, raw: str | None) -> str:
        if raw is None:
            return DEFAULTS["order"]
        if parameters.order(raw) is None:
            raise ApiError(400, BAD_ORDER)
        return raw

    def integer(self, raw: str) -> int | None:
        """raw as an integer written in ASCII digits, else None."""
        return parameters.integer(raw)

    def find_chat(self, chat_id: ChatId, tenant: str) -> Scope:
        # another tenant's chat is "not found" too, so ids of others' chats do not leak
        if self.store.owner(chat_id) != tenant:
            raise ApiError(404, CHAT_NOT_FOUND)
        return Scope(chat_id, tenant)

    def body(self, request: Request, scope: Scope, window: Window) -> dict[str, Any]:
        total = self.store.count(scope)
        return self.envelope(window, total, self.store.page(scope, window))

    def envelope(self, window: Window, total: int, messages: list[Message]) -> dict[str, Any]:
        return {
            "messages": messages,
            "total": total,
            "offset": window.offset,
            "limit": window.limit,
            "has_more": window.offset + len(messages) < total,
        }

    def error_body(self, status: int, message: str) -> Any:
        return {"detail": message}


class OrgToken(Server):
    """Authorization, integer chat ids, every message as a bare array; another organisation's chat is 403."""

    path_chat_id = PathChatId("chatID", DIGITS, int, "Invalid chat ID")
    unauthorized = "Unauthorized"

    def credential(self, request: Request) -> str | None:
        """The header's whole value is the token; `Bearer <token>` is accepted too (scheme in any case)."""
        header = request.headers.get("authorization")
        if header is None:
            return None
        scheme, _, rest = header.partition(" ")
        return rest if scheme.lower() == "bearer" and rest else header

    def parse_query(self, params: QueryParams) -> Window:
        return Window()  # the query string is ignored: every message, oldest first

    def find_chat(self, chat_id: ChatId, tenant: str) -> Scope:
        owner = self.store.owner(chat_id)
        if owner is None:
            raise ApiError(404, CHAT_NOT_FOUND)
        if owner != tenant:
            raise ApiError(403, PERMISSION_DENIED)
        return Scope(chat_id, tenant)

    def body(self, request: Request, scope: Scope, window: Window) -> list[Message]:
        return self.store.page(scope, window)

    def error_body(self, status: int, message: str) -> Any:
        return {"error": message}


SERVERS: dict[str, type[Server]] = {"tenant-key": TenantKey, "org-token": OrgToken}
