"""Rules of offset pagination (tenant-key): echoes, has_more arithmetic, page length, total, the end, walks."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from conformance.rules.answers import PAGE
from conformance.rules.reading import same_instants
from conformance.rules.registry import fail, rule


@rule("PAGE-OFFSET-ECHO", on=PAGE, reads=lambda paged: (paged.offset, paged.page.offset))
def offset_echoed(requested: int, echoed: Any) -> None:
    if echoed != requested or isinstance(echoed, bool):
        fail(f"the request used offset {requested}; the body says offset {echoed!r}")


@rule("PAGE-LIMIT-ECHO", on=PAGE, reads=lambda paged: (paged.limit, paged.page.limit))
def limit_echoed(requested: int, echoed: Any) -> None:
    if echoed != requested or isinstance(echoed, bool):
        fail(f"the request used limit {requested}; the body says limit {echoed!r}")


@rule("PAGE-LENGTH", on=PAGE,
      reads=lambda paged: (paged.limit, paged.offset, paged.page.total, len(paged.page.messages)))
def length(limit: int, offset: int, total: int, page_len: int) -> None:
    expected = min(limit, max(0, total - offset))
    if page_len != expected:
        fail(f"the page holds {page_len} messages; with limit {limit}, offset {offset} and total {total} "
             f"it must hold min(limit, max(0, total - offset)) = {expected}")


@rule("PAGE-HAS-MORE", on=PAGE,
      reads=lambda paged: (paged.offset, len(paged.page.messages), paged.page.total, paged.page.has_more))
def has_more(offset: int, page_len: int, total: int, has_more: Any) -> None:
    expected = offset + page_len < total
    if has_more is not expected:
        fail(f"has_more is {has_more!r} but offset {offset} + {page_len} messages "
             f"{'<' if expected else '>='} total {total}, so it must be {str(expected).lower()}")


@rule("PAGE-TOTAL")
def total(expected: int, got: Any, why: str) -> None:
    if got != expected or isinstance(got, bool):
        fail(f"total is {got!r}, expected {expected} ({why})")


@rule("PAGE-OFFSET-PAST-END")
def past_the_end(offset: int, total: int, page_len: int, has_more: Any) -> None:
    """An offset at or past the end: an empty page and has_more false."""
    if page_len or has_more is not False:
        fail(f"offset {offset} ≥ total {total}: expected an empty page and has_more false, "
             f"got {page_len} messages and has_more {has_more!r}")


@rule("PAGE-PARTITION")
def partition(pages: Sequence[Sequence[str]], total: int, full: Iterable[str] | None = None) -> None:
    """The pages of one walk hold every message exactly once (and all of `full`, when the chat is known)."""
    seen = list(itertools.chain.from_iterable(pages))
    _once_each(seen)
    if full is not None:
        none_missing(seen, full)
    if len(seen) != total:
        fail(f"the walk returned {len(seen)} distinct messages; total says {total}")


@rule("PAGE-PARTITION")
def partition_windows(windows: Sequence[tuple[int, int, Sequence[Sequence[str]]]], total: int) -> None:
    """A walk of a chat too large to walk whole, in windows (start, end, the ids of each page): the pages of each
    window hold every message of its range of offsets exactly once, and no message is in two windows."""
    _once_each([message_id for _, _, pages in windows for page in pages for message_id in page])
    for start, end, pages in windows:
        expected = max(0, min(end, total) - start)
        got = len({message_id for page in pages for message_id in page})
        if got != expected:
            fail(f"the pages of offsets {start} to {min(end, total) - 1} returned {got} distinct messages; "
                 f"with total {total} that range holds {expected}")


def _once_each(seen: Sequence[str]) -> None:
    if len(set(seen)) == len(seen):  # the common case, at once: counted only to say which repeat
        return
    duplicates = sorted(k for k, n in Counter(seen).items() if n > 1)
    fail(f"{len(duplicates)} message(s) appear on more than one page, e.g. {duplicates[:3]}")


@rule("PAGE-PARTITION")
def none_missing(returned: Iterable[str], expected: Iterable[str]) -> None:
    missing = sorted(set(expected) - set(returned))
    if missing:
        fail(f"{len(missing)} message(s) of the chat never appear on any page, e.g. {missing[:3]}")


@rule("PAGE-CHAT-SCOPED")
def chat_scoped(returned: Iterable[str], chat: Iterable[str]) -> None:
    strangers = sorted(set(returned) - set(chat))
    if strangers:
        fail(f"{len(strangers)} message(s) returned are not in this chat, e.g. {strangers[:3]}")


@rule("MSG-ID-UNIQUE")
def ids_unique_in_chat(ids_by_chat: Mapping[Any, Sequence[str]]) -> None:
    """No id is given to two messages of one chat."""
    for chat, ids in ids_by_chat.items():
        if len(set(ids)) == len(ids):  # the common case, at once
            continue
        seen: set[str] = set()
        for message_id in ids:
            if message_id in seen:
                fail(f"message id {message_id!r} is given twice in chat {chat}")
            seen.add(message_id)


@rule("MSG-ID-UNIQUE-ACROSS-CHATS")
def ids_unique(ids_by_chat: Mapping[Any, Sequence[str]]) -> None:
    """No id is given to messages of two of the tenant's chats (each chat's ids unique: ids_unique_in_chat)."""
    owners: dict[str, Any] = {}
    for chat, ids in ids_by_chat.items():
        for message_id in dict.fromkeys(ids):
            if owners.get(message_id, chat) != chat:
                fail(f"message id {message_id!r} is given in chats {owners[message_id]} and {chat}")
            owners[message_id] = chat


# Two reads of one static stretch of a chat in one order (captured traffic compares them): the same messages at the
# same offsets, else pages read at different times or sizes cannot partition it.
reads_agree = rule("PAGE-PARTITION", name="reads_agree")(same_instants)
