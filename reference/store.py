"""The reference server's data: the dataset in an in-memory SQLite database.

Real SQL on purpose: COUNT, ORDER BY, LIMIT and OFFSET are where real servers
go wrong, and mutants should break them the way real code would.
"""

from __future__ import annotations

import json
import sqlite3
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
    if switches.on("offset-plus-0200"):
        served["created_at"] = instant.astimezone(PLUS_2).isoformat()
    if switches.on("millis"):
        # stored at millisecond precision, so it is also ordered at that precision
        utc = instant.astimezone(timezone.utc)
        served["created_at"] = utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if switches.on("extra-fields"):
        served |= {"chat_id": chat.id, "edited": False}
    if switches.on("org-extra-fields"):
        served |= {"edited": False, "attachments": []}
    return served


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
                self._db.execute(
                    "INSERT INTO messages (chat_id, id, created_key, body) VALUES (?, ?, ?, ?)",
                    (chat.id, message["id"], created_key(served["created_at"]), json.dumps(served, ensure_ascii=False)),
                )
        self._db.commit()

    def tenant_with_key(self, key: str | None) -> str | None:
        row = self._db.execute("SELECT name FROM tenants WHERE api_key = ?", (key,)).fetchone()
        return row and row[0]

    def owner(self, chat_id: ChatId) -> str | None:
        """The chat's tenant, or None if there is no such chat."""
        if isinstance(chat_id, int) and chat_id > INT64_MAX:
            return None
        row = self._db.execute("SELECT tenant FROM chats WHERE id = ?", (chat_id,)).fetchone()
        return row and row[0]

    def count(self, chat_id: ChatId, tenant: str) -> int:
        sql = "SELECT COUNT(*) FROM messages AS m JOIN chats AS c ON c.id = m.chat_id WHERE m.chat_id = ? AND c.tenant = ?"
        return self._db.execute(sql, (chat_id, tenant)).fetchone()[0]

    def page(
        self, chat_id: ChatId, tenant: str, order: str = "asc", limit: int | None = None, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Messages by instant, ties by id, both in `order`: so desc is exactly asc reversed."""
        direction = DIRECTIONS[order]
        tiebreak = "m.seq" if self._switches.on("tiebreak-insertion") or self._switches.on("org-tiebreak-insertion") else "m.id"
        sql = f"""
            SELECT m.body FROM messages AS m JOIN chats AS c ON c.id = m.chat_id
            WHERE m.chat_id = ? AND c.tenant = ?
            ORDER BY m.created_key {direction}, {tiebreak} {direction}
            LIMIT ? OFFSET ?"""
        bounds = (-1 if limit is None else min(limit, INT64_MAX), min(offset, INT64_MAX))  # LIMIT -1: no limit
        return [json.loads(body) for (body,) in self._db.execute(sql, (chat_id, tenant, *bounds))]
