"""Fixtures of the tenant-key checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from conformance.client import Client
from conformance.target import Target
from conformance.tenant_key.live import MARK_QUERY, Mark, Still, mark_of, moved, read_still
from conformance.tenant_key.pages import (EDGES, MAX_WALK_PAGES, Walk, edge_cuts, read_page, tie_groups, walk)
from conformance.timestamps import parse_rfc3339

T = TypeVar("T")


class Walks:
    """Walks of a chat, each read once per session; in discovery mode between two marks of the chat, and read
    again while the chat grows under it (live.read_still). In dataset mode the dataset fixes the chat: no marks.

    A size is a page size, or EDGES: pages of at most 100 cut where defects live (pages.edge_cuts), inside every
    group of messages with equal created_at (the dataset's; in discovery mode those the walk at 100 found) and one
    message before the end. A chat too large to walk whole is walked in windows (pages.windows_for); an EDGES walk
    in the windows of the walk at 100."""

    def __init__(self, client: Client, target: Target) -> None:
        self.client = client
        self.target = target
        self.cache: dict[tuple[Any, ...], Walk] = {}

    def __call__(self, size: Any, order: str, chat_id: Any = None, key: str | None = None,
                 max_pages: int = MAX_WALK_PAGES) -> Walk:
        """A walk of the chat (the target's own by default), read once per session."""
        chat_id, key = self._chat(chat_id, key)
        whole = self.cache.get((chat_id, key, size, order, MAX_WALK_PAGES))
        if max_pages < MAX_WALK_PAGES and whole is not None and whole.moved is None:
            return whole.first(max_pages)
        cache_key = (chat_id, key, size, order, max_pages)
        if cache_key not in self.cache:
            read = self.reader(size, order, chat_id, key, max_pages)
            seen = self.still(lambda before: read(), chat_id, key)
            self.cache[cache_key] = dataclasses.replace(seen.value, marks=seen.marks, moved=seen.moved)
        return self.cache[cache_key]

    def reader(self, size: Any, order: str, chat_id: Any, key: str, max_pages: int = MAX_WALK_PAGES
               ) -> Callable[[], Walk]:
        """What reads a walk of `size` (a page size or EDGES) once."""
        if size != EDGES:
            return lambda: walk(self.client, chat_id, key, size, order, max_pages)
        at_100 = self(100, "asc", chat_id, key)  # the chat's ties and windows, read first
        total, groups = self.ties(at_100, chat_id)
        windows = at_100.windows
        if order == "desc":
            groups = [(total - g1, total - g0) for g0, g1 in groups]
            windows = None if windows is None else tuple(sorted((total - b, total - a) for a, b in windows))
        cuts = edge_cuts(groups, total)
        return lambda: walk(self.client, chat_id, key, 100, order, max_pages, cuts, windows, label=EDGES)

    def ties(self, at_100: Walk, chat_id: Any) -> tuple[int, list[tuple[int, int]]]:
        """The chat's total and where its groups of messages with equal created_at are, by position in asc order:
        the dataset says so of its chats; else they are found in what the walk at 100 read (each window apart)."""
        dataset = self.target.dataset
        chat = next((c for c in dataset.chats if c.id == chat_id), None) if dataset is not None else None
        if chat is not None:
            return len(chat.messages), tie_groups([parse_rfc3339(m["created_at"]) for m in chat.messages])
        groups = [group for start, _, pages in at_100.by_window()
                  for group in tie_groups([t for page in pages for t in page.instants()], start)]
        return at_100.total, groups

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
        readers = [self.reader(size, order, chat_id, key, *rest) for size, order, *rest in specs]
        return self.still(lambda before: [read() for read in readers])

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
