"""org-token answers: the bare array, every message of the chat and nothing else, exact content."""

from __future__ import annotations

import pytest

from conformance.rules import Rule, bodies, chats, checks
from conformance.tenant_key import live
from conformance.violations import citing, go_on

def read_messages(exchange, status_rule: Rule = bodies.org_array):
    """The 200 body as a conforming array, else a Violation."""
    with citing(exchange):
        status_rule.expect(exchange.status, [200], "a chat of the caller's organisation")
        body = bodies.org_array(exchange.body)
    # Messages off their shape that can still be read leave the other rules to judge what they can.
    with go_on(when=bodies.readable(body)), citing(exchange):
        bodies.org_messages(body)
    return body


@pytest.fixture
def own_messages(client, target, need):
    need("api_key", "chat_id")
    exchange = client.get_messages(target.chat_id, key=target.api_key)
    return exchange, read_messages(exchange)


@checks(bodies.org_array, bodies.org_messages)
def test_answer_is_a_bare_array_of_messages(own_messages):
    exchange, body = own_messages
    assert isinstance(body, list)


@checks(chats.org_messages_name_chat)
def test_every_message_names_the_chat_of_the_path(own_messages, target):
    exchange, body = own_messages
    with citing(exchange):
        chats.org_messages_name_chat(body, target.chat_id)


@checks(chats.org_all_messages)
@pytest.mark.parametrize("role", ["populated", "other"])
def test_every_message_of_the_chat_once_and_no_other(client, target, need, role):
    need("dataset", "api_key")
    chat = target.dataset.chat(role)
    exchange = client.get_messages(chat.id, key=target.api_key)
    body = read_messages(exchange)
    with citing(exchange):
        chats.org_all_messages([m["id"] for m in body], [m["id"] for m in chat.messages])


@checks(chats.org_all_messages)
def test_two_calls_return_the_same_messages(client, target, need):
    need("api_key", "chat_id")
    path, headers = client.messages_path(target.chat_id), {target.auth_header: target.api_key}

    def read():  # on a chat that may be live (discovery mode), each read is sent: no answer is given again
        return tuple(client.get(path, None, headers, fresh=target.dataset is None) for _ in range(2))

    def ids(exchange):
        return [m["id"] for m in read_messages(exchange)]

    first, second = live.compare_still(read, lambda a, b: ids(a) == ids(b), ids, target.dataset is None,
                                       chats.org_all_messages)
    with citing(second):
        chats.org_all_messages(ids(second), ids(first))


@checks(bodies.content_exact)
@pytest.mark.parametrize("role", ["populated", "other", "foreign"])
def test_messages_equal_the_dataset(client, target, need, role):
    need("dataset", "api_key", *(["foreign_api_key"] if role == "foreign" else []))
    chat = target.dataset.chat(role)
    key = target.foreign_api_key if role == "foreign" else target.api_key
    exchange = client.get_messages(chat.id, key=key)
    body = read_messages(exchange)
    expected = {m["id"]: m for m in chat.messages}
    with citing(exchange):
        for message in body:
            if message["id"] in expected:
                bodies.content_exact[target.profile](message, expected[message["id"]])


@checks(bodies.created_at_precision)
def test_created_at_keeps_its_fraction_of_a_second(own_messages, target, need):
    need("dataset")
    exchange, body = own_messages
    expected = {m["id"]: m for m in target.dataset.chat("populated").messages}
    with citing(exchange):
        for message in body:
            if message.get("id") in expected:
                bodies.created_at_precision[target.profile](message, expected[message["id"]])


@checks(bodies.created_at)
def test_created_at_is_rfc3339(own_messages, target):
    exchange, body = own_messages
    with citing(exchange):
        for message in body:
            bodies.created_at[target.profile](message["created_at"])
