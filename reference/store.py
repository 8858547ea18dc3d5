"""The reference server's data: the dataset in an in-memory SQLite database.

Real SQL on purpose: COUNT, ORDER BY, LIMIT and OFFSET are where real servers
go wrong, and mutants should break them the way real code would.
"""

from __future__ import annotations

import html
import json
import sqlite3
import unicodedata
from datetime import timedelta, timezone
from typing import Any

from conformance.dataset import Chat, ChatId, Dataset, parse_instant
from reference.variants import Switches

SCHEMA = """
CREATE TABLE tenants (name TEXT PRIMARY KEY, api_key TEXT NOT NULL UNIQUE);
-- ids have no declared type, so UUIDs stay text and org-token ids stay integers (and sort as numbers)
CREATE TABLE chats (id PRIMARY KEY, tenant TEXT NOT NULL REFERENCES tenants (name));
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,        -- insertion order
    chat_id NOT NULL REFERENCES chats (id),
    id NOT NULL,
    created_key TEXT NOT NULL,      -- the instant in UTC, fixed width: text order is time order
    body TEXT NOT NULL              -- the message as served, JSON
);
CREATE INDEX messages_by_time ON messages (chat_id, created_key, id);
"""

DIRECTIONS = {"asc": "ASC", "desc": "DESC"}
INT64_MAX = 2**63 - 1  # SQLite's integers; larger ids and offsets cannot match anything anyway
PLUS_2 = timezone(timedelta(hours=2))


def created_key(created_at: str) -> str:
    """'2024-01-15T12:30:00+02:00' -> '2024-01-15T10:30:00.000000', so '+02:00' and 'Z' sort by instant."""
    instant = parse_instant(created_at).astimezone(timezone.utc)
    return instant.replace(tzinfo=None).isoformat(timespec="microseconds")


def as_served(message: dict[str, Any], chat: Chat, switches: Switches) -> dict[str, Any]:
    """The message as this server stores and renders it: the dataset's, unless a variation says otherwise."""
    served = dict(message)
    instant = parse_instant(message["created_at"])
    if switches.on("offset-plus-0200") or switches.on("org-offset-plus-0200"):
        served["created_at"] = instant.astimezone(PLUS_2).isoformat()
    if switches.on("millis") or switches.on("org-millis"):
        # stored at millisecond precision, so it is also ordered at that precision
        utc = instant.astimezone(timezone.utc)
        served["created_at"] = utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if switches.on("extra-fields"):
        served |= {"chat_id": chat.id, "edited": False}
    if switches.on("org-extra-fields"):
        served |= {"edited": False, "attachments": []}
    if switches.on("org-metadata-extra-fields"):
        served["metadata"] = served["metadata"] | {"prompt_tokens": 0, "cached": False}
    if switches.on("org-response-time-float"):
        served["metadata"] = served["metadata"] | {"response_time": float(served["metadata"]["response_time"])}  # 0.0
    return served


def mutated(served: dict[str, Any], switches: Switches) -> dict[str, Any]:
    """Mutants of a message as rendered; the store still orders by the true instant."""
    out = dict(served)
    instant = parse_instant(served["created_at"])
    utc = instant.astimezone(timezone.utc).replace(tzinfo=None)
    if switches.on("created-at-naive") or switches.on("org-created-at-naive"):
        out["created_at"] = utc.isoformat()  # datetime.utcnow().isoformat(): no offset
    if switches.on("created-at-epoch"):
        out["created_at"] = int(instant.timestamp())
    if switches.on("created-at-wall-clock-z"):
        out["created_at"] = instant.replace(tzinfo=None).isoformat() + "Z"  # the local wall clock, called UTC
    if switches.on("sender-role-ai") and out["sender_role"] == "assistant":
        out["sender_role"] = "ai"
    if switches.on("metadata-null"):
        out["metadata"] = out["metadata"] or None  # an empty object is falsy
    if switches.on("metadata-as-string") or switches.on("org-metadata-string"):
        out["metadata"] = json.dumps(out["metadata"])  # the TEXT column, never parsed
    if switches.on("null-media-omitted"):
        out = {k: v for k, v in out.items() if v is not None}  # response_model_exclude_none
    if switches.on("media-null-as-empty-string"):
        out |= {k: out[k] or "" for k in ("media_type", "media_url")}
    if switches.on("content-truncated"):
        out["content"] = out["content"][:10_000]  # VARCHAR(10000)
    if switches.on("unicode-astral-replaced"):
        out["content"] = "".join(c if ord(c) <= 0xFFFF else "?" for c in out["content"])  # MySQL utf8 (3 bytes)
    if switches.on("unicode-nfc"):
        out["content"] = unicodedata.normalize("NFC", out["content"])
    if switches.on("content-trimmed"):
        out["content"] = out["content"].strip()
    if switches.on("content-html-escaped"):
        out["content"] = html.escape(out["content"])  # escaped for a template, served as JSON
    return org_mutated(out, switches)


def org_mutated(out: dict[str, Any], switches: Switches) -> dict[str, Any]:
    """Mutants of an org-token message as rendered."""
    original = out.get("metadata")
    metadata = dict(original) if isinstance(original, dict) else {}  # a copy: the dataset's stays as it is
    if switches.on("org-token-count-user-omitted") and out["role"] == "user":
        del metadata["token_count"]  # counted only for the assistant's replies
    if switches.on("org-response-time-omitempty") and not metadata["response_time"]:
        del metadata["response_time"]  # `json:"response_time,omitempty"`: a user message's 0 vanishes
    if switches.on("org-token-count-float"):
        metadata["token_count"] = float(metadata["token_count"])  # a REAL column: 12.0
    if switches.on("org-token-count-string"):
        metadata["token_count"] = str(metadata["token_count"])
    if switches.on("org-response-time-string"):
        metadata["response_time"] = str(metadata["response_time"])  # "812.5", the TEXT column
    if switches.on("org-response-time-seconds"):
        metadata["response_time"] = metadata["response_time"] / 1000  # stored in seconds, documented in ms
    if switches.on("org-role-omitted-when-user") and out["role"] == "user":
        del out["role"]  # response_model_exclude_defaults, with role defaulting to "user"
    if switches.on("org-ids-as-strings"):
        out["id"] = str(out["id"])  # a 64-bit id as a string, for JavaScript clients
    if switches.on("org-content-preview"):
        out["content"] = out["content"][:80]  # the chat list's 80-character preview column
    if switches.on("org-content-varchar-255"):
        out["content"] = out["content"][:255]  # a VARCHAR(255) column
    if isinstance(original, dict):
        out["metadata"] = metadata
    return out


class Store:
    def __init__(self, dataset: Dataset, switches: Switches) -> None:
        self._switches = switches
        # the server thread is not the one that builds the store; access is serialised by the event loop
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript(SCHEMA)
        self._db.executemany("INSERT INTO tenants VALUES (?, ?)", dataset.tenants.items())
        self._db.executemany("INSERT INTO chats VALUES (?, ?)", ((chat.id, chat.tenant) for chat in dataset.chats))
        for chat in dataset.chats:
            for message in chat.messages:
                served = as_served(message, chat, switches)
                body = json.dumps(mutated(served, switches), ensure_ascii=False)
                self._db.execute(
                    "INSERT INTO messages (chat_id, id, created_key, body) VALUES (?, ?, ?, ?)",
                    (chat.id, message["id"], created_key(served["created_at"]), body),
                )
        self._db.commit()

    def tenant_with_key(self, key: str | None) -> str | None:
        match = "api_key = :key"
        if self._switches.on("key-prefix") or self._switches.on("org-token-prefix"):
            match = "substr(api_key, 1, length(:key)) = :key"  # api_key.startswith(key): a truncated key passes
        if self._switches.on("key-extension") or self._switches.on("org-token-extension"):
            match = "api_key = substr(:key, 1, length(api_key))"  # key.startswith(api_key): a longer key passes
        if self._switches.on("key-case-insensitive") or self._switches.on("org-token-case-insensitive"):
            match = "api_key = :key COLLATE NOCASE"
        row = self._db.execute(f"SELECT name FROM tenants WHERE {match}", {"key": key}).fetchone()
        return row and row[0]

    def owner(self, chat_id: ChatId) -> str | None:
        """The chat's tenant, or None if there is no such chat."""
        if isinstance(chat_id, int) and chat_id > INT64_MAX and not self._switches.on("org-huge-id-500"):
            return None
        row = self._db.execute("SELECT tenant FROM chats WHERE id = ?", (chat_id,)).fetchone()
        return row and row[0]

    def _of_chat(self) -> str:
        """The WHERE clause for the messages of chat :chat of tenant :tenant."""
        if self._switches.on("no-chat-filter") or self._switches.on("org-no-chat-filter"):
            return "c.tenant = :tenant"
        # a chat's messages as a range of seq, off by one at the top
        if self._switches.on("foreign-message-leak") or self._switches.on("org-off-by-one-join"):
            return ("m.seq BETWEEN (SELECT MIN(seq) FROM messages WHERE chat_id = :chat)"
                    " AND (SELECT MAX(seq) + 1 FROM messages WHERE chat_id = :chat)")
        return "m.chat_id = :chat AND c.tenant = :tenant"

    def count(self, chat_id: ChatId, tenant: str) -> int:
        where = "c.tenant = :tenant" if self._switches.on("count-missing-chat-filter") else self._of_chat()
        sql = f"SELECT COUNT(*) FROM messages AS m JOIN chats AS c ON c.id = m.chat_id WHERE {where}"
        return self._db.execute(sql, {"chat": chat_id, "tenant": tenant}).fetchone()[0]

    def page(
        self, chat_id: ChatId, tenant: str, order: str = "asc", limit: int | None = None, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Messages by instant, ties by id, both in `order`: so desc is exactly asc reversed."""
        on = self._switches.on
        if on("order-ignored"):
            order = "asc"  # parsed and echoed, but it never reaches the query
        reverse_window = on("desc-window-from-oldest") and order == "desc"
        if reverse_window:
            order = "asc"  # the oldest `limit` messages, reversed below
        direction = DIRECTIONS[order]
        tiebreak = "m.seq" if on("tiebreak-insertion") or on("org-tiebreak-insertion") else "m.id"
        ties = DIRECTIONS["desc" if order == "asc" else "asc"] if on("unstable-ties") and offset % 2 else direction
        sort = f"m.created_key {direction}, {tiebreak} {ties}"  # unstable-ties: tie order depends on the request
        if on("desc-by-id") and order == "desc":
            sort = "m.id DESC"
        if on("insertion-order"):
            sort = f"m.seq {direction}"
        if on("slice-before-sort"):
            sort = "m.seq"  # LIMIT and OFFSET cut the table's order; only the page is sorted, below
        if on("order-by-text-timestamp"):
            sort = f"json_extract(m.body, '$.created_at') {direction}, m.id {direction}"  # '+02:00' sorts as text
        if on("desc-skips-newest") and order == "desc":
            offset += 1  # desc's offset converted with an off-by-one
        body, join = "m.body", "c.id = m.chat_id"
        if on("org-chat-id-row-id"):
            body = "json_set(m.body, '$.chat_id', c.rowid)"  # the chat's internal row id, not its public id
        if on("org-off-by-one-join"):
            body = "json_set(m.body, '$.chat_id', :chat)"  # the handler fills in the chat it was asked for
        if on("org-join-on-organisation"):
            join = "c.tenant = :tenant"  # joined on the organisation: each message once per chat of it
        sql = f"""
            SELECT {body}, m.created_key, m.seq FROM messages AS m JOIN chats AS c ON {join}
            WHERE {self._of_chat()}
            ORDER BY {sort}
            LIMIT :limit OFFSET :offset"""
        bounds = {
            "limit": -1 if limit is None else min(limit, INT64_MAX),  # LIMIT -1: no limit
            "offset": offset if on("offset-huge-500") else min(offset, INT64_MAX),  # unclamped: OverflowError
        }
        rows = self._db.execute(sql, {"chat": chat_id, "tenant": tenant, **bounds}).fetchall()
        if on("slice-before-sort"):
            rows.sort(key=lambda row: row[1], reverse=order == "desc")
        if reverse_window:
            rows.reverse()
        return [self._message(body, seq) for body, _, seq in rows]

    def _message(self, body: str, seq: int) -> dict[str, Any]:
        message = json.loads(body)
        if self._switches.on("integer-ids"):
            message["id"] = seq  # the primary key instead of the public id
        return message
