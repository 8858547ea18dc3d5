"""Ordering by created_at: asc oldest first, desc newest first, the same messages either way."""

from __future__ import annotations

import pytest

from conformance.rules import checks, ordering
from conformance.tenant_key.pages import EDGES, id_of, read_page
from conformance.violations import citing

pytestmark = pytest.mark.usefixtures("own_chat")


@checks(ordering.ascending)
def test_asc_is_oldest_first_across_pages(walks):
    ordering.ascending(walks(EDGES, "asc").order_instants())


@checks(ordering.ascending)
def test_default_order_is_oldest_first(client, target):
    page = read_page(client.get_messages(target.chat_id, {"limit": 100}, key=target.api_key))
    with citing(page.exchange):
        ordering.ascending(page.instants())


@checks(ordering.descending)
def test_desc_is_newest_first_across_pages(walks):
    ordering.descending(walks(EDGES, "desc").order_instants())


@checks(ordering.newest_first)
@pytest.mark.parametrize("size", [7, 100])
def test_first_desc_page_holds_the_newest_messages(walks, size):
    seen = walks.together((100, "asc"), (size, "desc", 1))
    everything, desc = seen.value
    first = desc.pages[0]
    with citing(first.exchange):
        seen.inconclusive_if_moved(ordering.newest_first)
        on_page = set(first.ids)
        rest = [t for m, t in zip(everything.messages(), everything.instants()) if id_of(m) not in on_page]
        ordering.newest_first(first.instants(), rest)


@checks(ordering.same_set)
@pytest.mark.parametrize("size", [EDGES, 100])
def test_desc_walk_has_the_same_messages_as_asc(walks, size):
    seen = walks.together((size, "asc"), (size, "desc"))
    seen.inconclusive_if_moved(ordering.same_set)
    asc, desc = seen.value
    ordering.same_set(asc.ids, desc.ids)
