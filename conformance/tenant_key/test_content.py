"""Messages: exact content, field types and timestamps."""

from __future__ import annotations

import pytest

from conformance.rules import bodies, checks, pagination
from conformance.tenant_key.pages import id_of, read_page
from conformance.violations import citing, every


@checks(bodies.content_exact, pagination.chat_scoped, pagination.none_missing)
@pytest.mark.parametrize("role", ["populated", "hundred", "other"])
def test_messages_equal_the_dataset(walks, target, need, role, note):
    need("dataset", "api_key")
    chat = target.dataset.chat(role)
    result = walks(100, "asc", chat.id, target.api_key)
    expected = {m["id"]: m for m in chat.messages}
    content_exact = bodies.content_exact[target.profile]
    if not result.whole:  # a dataset chat too large to walk whole: its windows' content is checked, not that none is missing
        note(f"content checked on {result.describe_windows()}", bodies.content_exact, pagination.none_missing)
    with every() as each:
        with each:
            pagination.chat_scoped(result.ids, expected)
        with each:
            for page in result.pages:
                with citing(page.exchange):
                    for message in page.messages:
                        if id_of(message) in expected:  # another chat's message: chat_scoped says so
                            content_exact(message, expected[message["id"]])
        if result.whole:
            with each:
                pagination.none_missing(result.ids, expected)


def ids_of_chats(walks, target) -> dict:
    roles = [role for role in ("populated", "hundred", "other") if role in target.dataset.roles]
    return {target.dataset.roles[role]: walks(100, "asc", target.dataset.roles[role]).ids for role in roles}


@checks(pagination.ids_unique_in_chat)
def test_message_ids_are_unique_within_each_chat(walks, target, need):
    need("dataset", "api_key")
    pagination.ids_unique_in_chat(ids_of_chats(walks, target))


@checks(pagination.ids_unique)
def test_message_ids_are_unique_across_the_tenants_chats(walks, target, need):
    need("dataset", "api_key")
    pagination.ids_unique(ids_of_chats(walks, target))


@checks(bodies.created_at_precision)
def test_created_at_keeps_its_fraction_of_a_second(walks, target, need):
    need("dataset", "api_key")
    chat = target.dataset.chat("populated")
    expected = {m["id"]: m for m in chat.messages}
    for page in walks(100, "asc", chat.id, target.api_key).pages:
        with citing(page.exchange):
            for message in page.messages:
                if "id" in message and id_of(message) in expected:
                    bodies.created_at_precision[target.profile](message, expected[message["id"]])


@checks(bodies.page_messages, bodies.page_envelope)
def test_messages_have_the_documented_fields(client, target, need):
    need("api_key", "chat_id")
    read_page(client.get_messages(target.chat_id, {"limit": 100}, key=target.api_key))


@checks(bodies.created_at)
def test_created_at_is_rfc3339_with_an_offset(walks, need):
    need("api_key", "chat_id")
    for page in walks(100, "asc").pages:
        page.instants()
