"""Pagination: totals, echoes, has_more arithmetic, the end of the chat, and walks that partition it."""

from __future__ import annotations

import pytest

from conformance.rules import answers, bodies, checks, ordering, pagination
from conformance.tenant_key.pages import EDGES, check_page, check_partition, check_walk, divisor_page_size, read_page
from conformance.violations import citing, every

WALK_RULES = (pagination.partition, pagination.total, answers.PAGE, ordering.ascending, ordering.descending,
              bodies.page_envelope, bodies.page_messages)


def size_for(walks, size):
    return divisor_page_size(walks(100, "asc").total) if size == "divisor" else size


@pytest.mark.usefixtures("own_chat")
@checks(*WALK_RULES)
@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("size", [100, "divisor", EDGES])
def test_walking_the_chat_returns_every_message_once(walks, target, size, order, note):
    """At the cap (100: a short last page unless it divides the chat), at a size that divides the chat (a full
    last page), and in pages cut where defects live (EDGES: inside every tie, one message before the end)."""
    result = walks(size_for(walks, size), order)
    full = [m["id"] for m in target.dataset.chat("populated").messages] if _is_dataset_chat(target) else None
    with every() as each:
        with each:
            check_walk(result)
        with each:
            check_partition(result, full)
    if not result.whole:
        # A chat too large to walk whole: each window proven a partition of its own range, not the chat.
        note(f"proven on {result.describe_windows()}", pagination.partition, pagination.total)


def _is_dataset_chat(target):
    return target.dataset is not None and target.chat_id == target.dataset.roles.get("populated")


@pytest.mark.usefixtures("own_chat")
@checks(pagination.total)
def test_total_counts_the_whole_chat(walks, target, need):
    need("dataset")
    expected = next(c for c in target.dataset.chats if c.id == target.chat_id)
    for order in ("asc", "desc"):
        page = walks(100, order).pages[0]
        with citing(page.exchange):
            pagination.total(len(expected.messages), page.total, f"the dataset's chat has {len(expected.messages)} messages")


@pytest.mark.usefixtures("own_chat")
@checks(answers.PAGE)
def test_page_ending_exactly_at_total_has_no_more(client, target, walks):
    total = walks(100, "asc").total
    offset, limit = (0, total) if 0 < total <= 100 else (max(0, total - 100), 100)
    if total == 0:
        pytest.skip("needs a chat with messages")
    page = read_page(client.get_messages(target.chat_id, {"offset": offset, "limit": limit}, key=target.api_key))
    check_page(page, offset, limit)


@checks(answers.PAGE)
def test_chat_of_exactly_100_messages_at_limit_100(client, target, need):
    need("dataset", "api_key")
    chat_id = target.dataset.roles["hundred"]
    page = read_page(client.get_messages(chat_id, {"limit": 100}, key=target.api_key))
    check_page(page, 0, 100)
    with citing(page.exchange):
        pagination.total(100, page.total, "the dataset's 'hundred' chat")


@pytest.mark.usefixtures("own_chat")
@checks(pagination.past_the_end)
@pytest.mark.parametrize("past", [0, 1, 1000, 10**9], ids=["at the end", "one past", "far past", "very far past"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_offset_at_or_past_the_end_is_an_empty_page(client, target, walks, past, order):
    def read(before):
        # The total read earlier: the mark's just before (discovery mode), else the session's walk's.
        total = walks(100, "asc").total if before is None else before.total
        exchange = client.get_messages(target.chat_id, {"offset": total + past, "order": order}, key=target.api_key)
        return total, read_page(exchange, pagination.past_the_end)

    seen = walks.still(read)
    total, page = seen.value
    offset = total + past
    with citing(page.exchange):
        if offset >= page.total:  # past the end by this answer's own total: a rule about one answer
            pagination.past_the_end(offset, page.total, len(page.messages), page.has_more)
        seen.inconclusive_if_moved(pagination.past_the_end, pagination.total)
        pagination.past_the_end(offset, total, len(page.messages), page.has_more)
        pagination.total(total, page.total, "the same chat's total read just before")


@checks(pagination.chat_scoped)
def test_pages_hold_only_messages_of_the_chat(walks, target, need):
    need("api_key", "chat_id")
    result = walks(100, "asc")
    if target.dataset is not None:
        chat = next((c for c in target.dataset.chats if c.id == target.chat_id), None)
        if chat is not None:
            pagination.chat_scoped(result.ids, [m["id"] for m in chat.messages])
            return
    if target.missing("foreign_api_key", "foreign_chat_id"):
        pytest.skip(target.missing("foreign_api_key", "foreign_chat_id"))
    # Discovery: the foreign tenant's chat must share no message with ours.
    theirs = walks(100, "asc", target.foreign_chat_id, target.foreign_api_key)
    pagination.chat_scoped(result.ids, set(result.ids) - set(theirs.ids))
