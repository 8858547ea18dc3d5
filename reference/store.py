"""The reference server's data: the dataset in an in-memory SQLite database.

Real SQL on purpose: COUNT, ORDER BY, LIMIT and OFFSET are where real servers
go wrong, and mutants should break them the way real code would. So each piece
a real server could get wrong (how a key is matched, which rows belong to a
chat, the ORDER BY, how a message is stored and served) is a method of its own,
which a mutant or a variation replaces whole (see reference/variants.py).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import timezone
from typing import Any

from conformance.dataset import Chat, ChatId, Dataset, parse_instant

Message = dict[str, Any]

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


@dataclass(frozen=True)
class Scope:
    """The messages to read: those of chat `chat_id` as `tenant` (org-token: organisation) may see them."""

    chat_id: ChatId
    tenant: str

    def params(self) -> dict[str, Any]:
        return {"chat": self.chat_id, "tenant": self.tenant}


@dataclass(frozen=True)
class Window:
    """Which of them: `limit` messages (None: all) after the first `offset`, in `order` of time."""

    offset: int = 0
    limit: int | None = None
    order: str = "asc"


def created_key(created_at: str) -> str:
    """'2024-01-15T12:30:00+02:00' -> '2024-01-15T10:30:00.000000', so '+02:00' and 'Z' sort by instant."""
    instant = parse_instant(created_at).astimezone(timezone.utc)
    return instant.replace(tzinfo=None).isoformat(timespec="microseconds")


class Store:
    def __init__(self, dataset: Dataset) -> None:
        # the server thread is not the one that builds the store; access is serialised by the event loop
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript(SCHEMA)
        self._db.executemany("INSERT INTO tenants VALUES (?, ?)", dataset.tenants.items())
        self._db.executemany("INSERT INTO chats VALUES (?, ?)", ((chat.id, chat.tenant) for chat in dataset.chats))
        for chat in dataset.chats:
            for message in chat.messages:
                self.insert(message, chat)
        self._db.commit()

    def insert(self, message: Message, chat: Chat) -> None:
        """Keep one more message of the chat, after those already kept."""
        stored = self.stored(message, chat)
        self._db.execute(
            "INSERT INTO messages (chat_id, id, created_key, body) VALUES (?, ?, ?, ?)",
            (chat.id, message["id"], created_key(stored["created_at"]),
             json.dumps(self.render(stored), ensure_ascii=False)),
        )

    # ---------------------------------------------------------------- a message, kept and served

    def stored(self, message: Message, chat: Chat) -> Message:
        """The message as this server keeps it (its created_at is what it is ordered by): the dataset's."""
        return dict(message)

    def render(self, message: Message) -> Message:
        """The stored message as the API serves it: unchanged."""
        return message

    def message(self, body: str, seq: int) -> Message:
        """A message read back; seq, the row id, is internal."""
        return json.loads(body)

    # ---------------------------------------------------------------- keys and chats

    def tenant_with_key(self, key: str | None) -> str | None:
        return self._first(f"SELECT name FROM tenants WHERE {self.key_match()}", {"key": key})

    def key_match(self) -> str:
        """The key is the whole stored key, case included."""
        return "api_key = :key"

    def owner(self, chat_id: ChatId) -> str | None:
        """The chat's tenant, or None if there is no such chat."""
        if not self.fits_sqlite(chat_id):
            return None
        return self._first("SELECT tenant FROM chats WHERE id = :chat", {"chat": chat_id})

    def fits_sqlite(self, chat_id: ChatId) -> bool:
        """Whether SQLite can be asked for this id; above its 64-bit integers it raises OverflowError."""
        return not isinstance(chat_id, int) or chat_id <= INT64_MAX

    # ---------------------------------------------------------------- the messages of a chat

    def of_chat(self) -> str:
        """The WHERE clause for the messages of chat :chat of tenant :tenant."""
        return "m.chat_id = :chat AND c.tenant = :tenant"

    def join(self) -> str:
        return "c.id = m.chat_id"

    def count(self, scope: Scope) -> int:
        sql = f"SELECT COUNT(*) FROM messages AS m JOIN chats AS c ON {self.join()} WHERE {self.of_chat()}"
        return self._first(sql, scope.params())

    def page(self, scope: Scope, window: Window) -> list[Message]:
        """Messages by instant, ties by id, both in the window's order: so desc is exactly asc reversed."""
        return self.select(scope, window, self.order_by(window))

    def order_by(self, window: Window) -> str:
        direction = DIRECTIONS[window.order]
        return f"m.created_key {direction}, {self.tie_break()} {direction}"

    def tie_break(self) -> str:
        """What orders messages of the same instant: any fixed order would do; the id is the documented one."""
        return "m.id"

    def select(self, scope: Scope, window: Window, order_by: str) -> list[Message]:
        sql = f"""
            SELECT {self.served_column()}, m.seq FROM messages AS m JOIN chats AS c ON {self.join()}
            WHERE {self.of_chat()}
            ORDER BY {order_by}
            LIMIT :limit OFFSET :offset"""
        rows = self._db.execute(sql, scope.params() | self.bounds(window)).fetchall()
        return [self.message(body, seq) for body, seq in rows]

    def served_column(self) -> str:
        return "m.body"

    def bounds(self, window: Window) -> dict[str, int]:
        """LIMIT and OFFSET as SQLite takes them: LIMIT -1 is no limit; beyond 64 bits it raises OverflowError."""
        return {
            "limit": -1 if window.limit is None else min(window.limit, INT64_MAX),
            "offset": min(window.offset, INT64_MAX),
        }

    def _first(self, sql: str, params: dict[str, Any]) -> Any:
        """The first column of the first row, or None."""
        row = self._db.execute(sql, params).fetchone()
        return row and row[0]
