"""Mutants of who may read what: the key (org-token: the token), its tenant (organisation), the chat's owner."""

from __future__ import annotations

from starlette.requests import Request

from conformance.dataset import ChatId
from reference import tokens
from reference.alternatives.auth import organisation
from reference.server import CHAT_NOT_FOUND, PERMISSION_DENIED, ApiError, OrgToken, Server, TenantKey
from reference.store import Scope, Store, Window
from reference.variants import Step, patch, returns

# ---------------------------------------------------------------- the key


@patch("missing-key-422", wraps=Server.authenticate)
def missing_key_422(self: TenantKey, authenticate: Step, request: Request) -> str:
    if self.credential(request) is None:
        raise ApiError(422, "x-api-key: field required")  # a required header, validated by the framework
    return authenticate(request)


@patch("org-missing-token-403", wraps=Server.authenticate)
def missing_token_403(self: OrgToken, authenticate: Step, request: Request) -> str:
    if self.credential(request) is None:
        raise ApiError(403, PERMISSION_DENIED)  # no organisation in the request: "not allowed"
    return authenticate(request)


@patch("missing-key-200", wraps=Server.authenticate)
def missing_key_trusted(self: Server, authenticate: Step, request: Request) -> str:
    if self.credential(request) is None:  # "no key: an internal caller", trusted as the chat's own tenant
        return self.store.owner(self.parse_chat_id(self.raw_chat_id(request))) or authenticate(request)
    return authenticate(request)


@patch("invalid-key-403", wraps=Server.authenticate)
def invalid_key_403(self: Server, authenticate: Step, request: Request) -> str:
    try:
        return authenticate(request)
    except ApiError as error:
        if self.credential(request) is None:
            raise
        raise ApiError(403, error.message) from None


# The WHERE clause that finds the tenant of the key :key, each a near miss of `api_key = :key`.
KEY_MATCHES = {
    "key-prefix": "substr(api_key, 1, length(:key)) = :key",  # api_key.startswith(key): a truncated key passes
    "key-extension": "api_key = substr(:key, 1, length(api_key))",  # key.startswith(api_key): a longer key passes
    "key-case-insensitive": "api_key = :key COLLATE NOCASE",
}
for name, sql in KEY_MATCHES.items():
    patch(name, replaces=Store.key_match)(returns(sql))


# ---------------------------------------------------------------- the chat's owner


@patch("chat-lookup-before-key", wraps=Server.admit)
def chat_lookup_before_key(self: Server, admit: Step, request: Request) -> tuple[Scope, Window]:
    if self.store.owner(self.parse_chat_id(self.raw_chat_id(request))) is None:
        raise ApiError(404, CHAT_NOT_FOUND)
    return admit(request)


@patch("foreign-chat-200", wraps=Server.find_chat)
def foreign_chat_200(self: Server, find_chat: Step, chat_id: ChatId, tenant: str) -> Scope:
    return find_chat(chat_id, self.store.owner(chat_id) or tenant)  # read as the chat's own tenant


@patch("foreign-chat-403", wraps=TenantKey.find_chat)
def foreign_chat_403(self: TenantKey, find_chat: Step, chat_id: ChatId, tenant: str) -> Scope:
    if self.store.owner(chat_id) not in (None, tenant):
        raise ApiError(403, CHAT_NOT_FOUND)
    return find_chat(chat_id, tenant)


@patch("org-foreign-chat-404", wraps=OrgToken.find_chat)
def foreign_chat_404(self: OrgToken, find_chat: Step, chat_id: ChatId, tenant: str) -> Scope:
    try:
        return find_chat(chat_id, tenant)
    except ApiError as error:
        if error.status != 403:
            raise
        raise ApiError(404, CHAT_NOT_FOUND) from None  # the tenant-key habit: hide that the chat exists


@patch("refusal-leaks-messages", wraps=Server.find_chat)
def refusal_leaks_messages(self: Server, find_chat: Step, chat_id: ChatId, tenant: str) -> Scope:
    try:
        return find_chat(chat_id, tenant)
    except ApiError as error:
        owner = self.store.owner(chat_id)
        if owner is None:
            raise
        # A "helpful" refusal: what the chat holds, written into the error message (another tenant's data)
        last = self.store.page(Scope(chat_id, owner), Window(0, 1, "desc"))
        shown = "; ".join(f"{m['id']}: {m['content']}" for m in last)
        raise ApiError(error.status, f"{error.message} (latest message {shown})") from None


# ---------------------------------------------------------------- the token read as a JWT (org-token)


@patch("org-jwt-alg-none", replaces=Store.tenant_with_key)
def jwt_alg_from_the_token(self: Store, key: str | None) -> str | None:
    read = tokens.parts(key)
    if read is not None and read[0].get("alg") == "none":  # the token's own header chooses how it is verified
        return organisation(self, read[1])
    return organisation(self, tokens.verified(key))


@patch("org-jwt-signature-unchecked", replaces=Store.tenant_with_key)
def jwt_claims_unverified(self: Store, key: str | None) -> str | None:
    read = tokens.parts(key)  # decoded, never verified (jwt.decode(token, options={"verify_signature": False}))
    return organisation(self, read[1] if read is not None else None)
