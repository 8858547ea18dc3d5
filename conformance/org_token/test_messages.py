"""org-token answers: the bare array, every message of the chat and nothing else, exact content, errors."""

from __future__ import annotations

import pytest

from conformance.masking import Secret
from conformance.profiles import ORG_TOKEN
from conformance.rules import Rule, bodies, chats, checks, http
from conformance.violations import evidence

UNKNOWN_CHAT = ORG_TOKEN.no_such_chat
ERROR_REQUESTS = {  # label: (chat, token)
    "400 invalid chat id": ("not-an-integer", "api_key"),
    "401 no token": ("chat_id", None),
    "401 invalid token": ("chat_id", "invalid"),
    "403 foreign chat": ("foreign_chat_id", "api_key"),
    "404 unknown chat": ("unknown", "api_key"),
}


def send(client, target, chat, token):
    chat_id = {"unknown": UNKNOWN_CHAT, "not-an-integer": "not-an-integer"}.get(chat) or getattr(target, chat)
    key = Secret("not-a-real-token-7c1d9e") if token == "invalid" else (getattr(target, token) if token else None)
    return client.get_messages(chat_id, key=key)


def read_messages(exchange, status_rule: Rule = bodies.org_array):
    """The 200 body as a conforming array, else a Violation."""
    with evidence(exchange):
        status_rule.expect(exchange.status, [200], "a chat of the caller's organisation")
        body = bodies.org_array(exchange.body)
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
    with evidence(exchange):
        chats.org_messages_name_chat(body, target.chat_id)


@checks(chats.org_all_messages)
@pytest.mark.parametrize("role", ["populated", "other"])
def test_every_message_of_the_chat_once_and_no_other(client, target, need, role):
    need("dataset", "api_key")
    chat = target.dataset.chat(role)
    exchange = client.get_messages(chat.id, key=target.api_key)
    body = read_messages(exchange)
    with evidence(exchange):
        chats.org_all_messages([m["id"] for m in body], [m["id"] for m in chat.messages])


@checks(chats.org_all_messages)
def test_two_calls_return_the_same_messages(client, target, need):
    need("api_key", "chat_id")
    first = read_messages(client.get_messages(target.chat_id, key=target.api_key))
    second_exchange = client.get_messages(target.chat_id, key=target.api_key)
    second = read_messages(second_exchange)
    with evidence(second_exchange):
        chats.org_all_messages([m["id"] for m in second], [m["id"] for m in first])


@checks(bodies.content_exact)
@pytest.mark.parametrize("role", ["populated", "other", "foreign"])
def test_messages_equal_the_dataset(client, target, need, role):
    need("dataset", "api_key", *(["foreign_api_key"] if role == "foreign" else []))
    chat = target.dataset.chat(role)
    key = target.foreign_api_key if role == "foreign" else target.api_key
    exchange = client.get_messages(chat.id, key=key)
    body = read_messages(exchange)
    expected = {m["id"]: m for m in chat.messages}
    with evidence(exchange):
        for message in body:
            if message["id"] in expected:
                bodies.content_exact[target.profile](message, expected[message["id"]])


@checks(bodies.created_at_precision)
def test_created_at_keeps_its_fraction_of_a_second(own_messages, target, need):
    need("dataset")
    exchange, body = own_messages
    expected = {m["id"]: m for m in target.dataset.chat("populated").messages}
    with evidence(exchange):
        for message in body:
            if message.get("id") in expected:
                bodies.created_at_precision[target.profile](message, expected[message["id"]])


@checks(bodies.created_at)
def test_created_at_is_rfc3339(own_messages, target):
    exchange, body = own_messages
    with evidence(exchange):
        for message in body:
            bodies.created_at[target.profile](message["created_at"])


@checks(http.json_content_type)
@pytest.mark.parametrize("label", ["200 messages", *ERROR_REQUESTS])
def test_every_answer_is_application_json(client, target, need, label):
    chat, token = ERROR_REQUESTS.get(label, ("chat_id", "api_key"))
    need(*(n for n in (chat, token) if n in ("chat_id", "api_key", "foreign_chat_id")))
    exchange = send(client, target, chat, token)
    with evidence(exchange):
        http.json_content_type[target.profile](exchange.content_type, exchange.status)


ODD_CHAT_IDS = ["99999999999999999999999", "-1", "0x10", "1;DROP TABLE chats", "%00"]


@checks(http.no_internals_in_5xx, http.no_internals)
@pytest.mark.parametrize("label", [*ERROR_REQUESTS, *ODD_CHAT_IDS])
def test_no_body_exposes_internals(client, target, need, label):
    need("api_key")
    if label in ERROR_REQUESTS:
        chat, token = ERROR_REQUESTS[label]
        need(*(n for n in (chat, token) if n in ("chat_id", "api_key", "foreign_chat_id")))
        exchange = send(client, target, chat, token)
    else:
        exchange = client.get_messages(label, key=target.api_key)
    with evidence(exchange):
        http.no_internals_in_5xx[target.profile](exchange.status, exchange.body)
        http.no_internals[target.profile](exchange.body)


@checks(http.no_server_error, http.status_documented)
@pytest.mark.parametrize("chat_id", ODD_CHAT_IDS)
def test_odd_chat_ids_are_answered_without_a_server_error(client, target, need, chat_id):
    need("api_key")
    exchange = client.get_messages(chat_id, key=target.api_key)
    with evidence(exchange):
        http.no_server_error[target.profile](exchange.status)
        http.status_documented[target.profile](exchange.status, target.profile.name)
