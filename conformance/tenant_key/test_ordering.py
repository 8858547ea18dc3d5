"""Ordering by created_at: asc oldest first, desc newest first, the same messages either way."""

from __future__ import annotations

import pytest

from conformance import invariants
from conformance.violations import evidence

pytestmark = pytest.mark.usefixtures("own_chat")


@pytest.mark.requirement("ORDER-ASC")
def test_asc_is_oldest_first_across_pages(walks):
    result = walks(7, "asc")
    invariants.is_sorted(result.instants(), "asc")


@pytest.mark.requirement("ORDER-ASC")
def test_default_order_is_oldest_first(client, target):
    from conformance.tenant_key.pages import read_page

    page = read_page(client.get_messages(target.chat_id, {"limit": 100}, key=target.api_key))
    with evidence(page.exchange):
        invariants.is_sorted(page.instants(), "asc")


@pytest.mark.requirement("ORDER-DESC")
def test_desc_is_newest_first_across_pages(walks):
    result = walks(7, "desc")
    invariants.is_sorted(result.instants(), "desc")


@pytest.mark.requirement("ORDER-DESC-NEWEST-FIRST")
@pytest.mark.parametrize("size", [7, 100])
def test_first_desc_page_holds_the_newest_messages(walks, size):
    everything = walks(100, "asc")
    first = walks(size, "desc").pages[0]
    on_page = set(first.ids)
    rest = [t for m, t in zip(everything.messages(), everything.instants()) if m["id"] not in on_page]
    with evidence(first.exchange):
        invariants.desc_starts_with_newest(first.instants(), rest)


@pytest.mark.requirement("ORDER-SAME-SET")
@pytest.mark.parametrize("size", [7, 100])
def test_desc_walk_has_the_same_messages_as_asc(walks, size):
    invariants.same_messages(walks(size, "asc").ids, walks(size, "desc").ids)
