"""Fixtures of the tenant-key checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from conformance.client import Client
from conformance.target import Target
from conformance.tenant_key.live import MARK_QUERY, Mark, Still, mark_of, moved, read_still
from conformance.tenant_key.pages import MAX_WALK_PAGES, Walk, read_page, walk

T = TypeVar("T")


class Walks:
    """Walks of a chat, each read once per session; in discovery mode between two marks of the chat, and read
    again while the chat grows under it (live.read_still). In dataset mode the dataset fixes the chat: no marks."""

    def __init__(self, client: Client, target: Target) -> None:
        self.client = client
        self.target = target
        self.cache: dict[tuple[Any, ...], Walk] = {}

    def __call__(self, size: int, order: str, chat_id: Any = None, key: str | None = None,
                 max_pages: int = MAX_WALK_PAGES) -> Walk:
        """A walk of the chat (the target's own by default), read once per session."""
        chat_id, key = self._chat(chat_id, key)
        whole = self.cache.get((chat_id, key, size, order, MAX_WALK_PAGES))
        if max_pages < MAX_WALK_PAGES and whole is not None and whole.moved is None:
            return dataclasses.replace(whole, pages=whole.pages[:max_pages])
        cache_key = (chat_id, key, size, order, max_pages)
        if cache_key not in self.cache:
            seen = self.still(lambda before: walk(self.client, chat_id, key, size, order, max_pages), chat_id, key)
            self.cache[cache_key] = dataclasses.replace(seen.value, marks=seen.marks, moved=seen.moved)
        return self.cache[cache_key]

    def together(self, *specs: tuple[Any, ...]) -> Still[list[Walk]]:
        """Walks of the target's chat to compare with each other, as (size, order[, max_pages]): the session's own
        if the chat did not change across them; else read again, back to back between two marks, while it grows.
        A walk that could not be read still on its own is not read again with others: the chat moves faster."""
        cached = [self(size, order, max_pages=rest[0] if rest else MAX_WALK_PAGES) for size, order, *rest in specs]
        restless = next((w.moved for w in cached if w.moved is not None), None)
        if restless is not None:
            return Still(cached, (), restless)
        how = moved([m for w in cached for m in w.marks])
        if how is None:
            return Still(cached, tuple(m for w in cached for m in w.marks))
        chat_id, key = self._chat(None, None)
        return self.still(lambda before: [walk(self.client, chat_id, key, *spec) for spec in specs])

    def still(self, read: Callable[[Mark | None], T], chat_id: Any = None, key: str | None = None) -> Still[T]:
        """read(the mark before it) held still on the chat (the target's own by default), as live.read_still."""
        chat_id, key = self._chat(chat_id, key)
        marker = None if self.target.dataset is not None else lambda: self.mark(chat_id, key)
        return read_still(read, marker)

    def mark(self, chat_id: Any, key: str) -> Mark:
        return mark_of(read_page(self.client.get_messages(chat_id, MARK_QUERY, key=key)))

    def _chat(self, chat_id: Any, key: str | None) -> tuple[Any, str]:
        return (self.target.chat_id if chat_id is None else chat_id,
                self.target.api_key if key is None else key)


@pytest.fixture(scope="session")
def walks(client: Client, target: Target) -> Walks:
    """walks(size, order, chat_id=target.chat_id, key=target.api_key): a walk, read once per session; see Walks."""
    return Walks(client, target)


@pytest.fixture
def own_chat(need: Callable[..., None]) -> None:
    """Skip unless a key and a chat of its tenant are known."""
    need("api_key", "chat_id")
