"""Ordering by created_at: asc oldest first, desc newest first, the same messages either way."""

from __future__ import annotations

import pytest

from conformance.rules import checks, ordering
from conformance.tenant_key.pages import read_page
from conformance.violations import evidence

pytestmark = pytest.mark.usefixtures("own_chat")


@checks(ordering.ascending)
def test_asc_is_oldest_first_across_pages(walks):
    ordering.ascending(walks(7, "asc").instants())


@checks(ordering.ascending)
def test_default_order_is_oldest_first(client, target):
    page = read_page(client.get_messages(target.chat_id, {"limit": 100}, key=target.api_key))
    with evidence(page.exchange):
        ordering.ascending(page.instants())


@checks(ordering.descending)
def test_desc_is_newest_first_across_pages(walks):
    ordering.descending(walks(7, "desc").instants())


@checks(ordering.newest_first)
@pytest.mark.parametrize("size", [7, 100])
def test_first_desc_page_holds_the_newest_messages(walks, size):
    everything = walks(100, "asc")
    first = walks(size, "desc").pages[0]
    on_page = set(first.ids)
    rest = [t for m, t in zip(everything.messages(), everything.instants()) if m["id"] not in on_page]
    with evidence(first.exchange):
        ordering.newest_first(first.instants(), rest)


@checks(ordering.same_set)
@pytest.mark.parametrize("size", [7, 100])
def test_desc_walk_has_the_same_messages_as_asc(walks, size):
    ordering.same_set(walks(size, "asc").ids, walks(size, "desc").ids)
