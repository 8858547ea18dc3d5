"""org-token answers: the bare array, every message of the chat and nothing else, exact content, errors."""

from __future__ import annotations

import pytest

from conformance import invariants
from conformance.masking import Secret
from conformance.violations import Violation, evidence

UNKNOWN_CHAT = 987654321
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


def read_messages(exchange, status_rule="ORG-BODY-ARRAY"):
    """The 200 body as a conforming array, else a Violation."""
    with evidence(exchange):
        invariants.status_is(exchange.status, [200], status_rule, "a chat of the caller's organisation")
        body = invariants.json_body(exchange.body, "ORG-BODY-ARRAY")
        invariants.org_body_conforms(body)
    return body


@pytest.fixture
def own_messages(client, target, need):
    need("api_key", "chat_id")
    exchange = client.get_messages(target.chat_id, key=target.api_key)
    return exchange, read_messages(exchange)


@pytest.mark.requirement("ORG-BODY-ARRAY", "ORG-MSG-SHAPE")
def test_answer_is_a_bare_array_of_messages(own_messages):
    exchange, body = own_messages
    assert isinstance(body, list)


@pytest.mark.requirement("ORG-MSG-CHAT-ID")
def test_every_message_names_the_chat_of_the_path(own_messages, target):
    exchange, body = own_messages
    with evidence(exchange):
        invariants.org_messages_name_chat(body, target.chat_id)


@pytest.mark.requirement("ORG-ALL-MESSAGES")
@pytest.mark.parametrize("role", ["populated", "other"])
def test_every_message_of_the_chat_once_and_no_other(client, target, need, role):
    need("dataset", "api_key")
    chat = target.dataset.chat(role)
    exchange = client.get_messages(chat.id, key=target.api_key)
    body = read_messages(exchange)
    with evidence(exchange):
        invariants.org_all_messages([m["id"] for m in body], [m["id"] for m in chat.messages])


@pytest.mark.requirement("ORG-ALL-MESSAGES")
def test_two_calls_return_the_same_messages(client, target, need):
    need("api_key", "chat_id")
    first = read_messages(client.get_messages(target.chat_id, key=target.api_key))
    second_exchange = client.get_messages(target.chat_id, key=target.api_key)
    second = read_messages(second_exchange)
    with evidence(second_exchange):
        invariants.org_all_messages([m["id"] for m in second], [m["id"] for m in first])


@pytest.mark.requirement("ORG-CONTENT-EXACT")
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
                invariants.message_matches(message, expected[message["id"]], "ORG-CONTENT-EXACT")


@pytest.mark.requirement("ORG-CREATED-AT-RFC3339")
def test_created_at_is_rfc3339(own_messages):
    exchange, body = own_messages
    with evidence(exchange):
        for message in body:
            invariants.created_at_is_rfc3339(message["created_at"], "ORG-CREATED-AT-RFC3339")


@pytest.mark.requirement("ORG-EMPTY-CHAT")
def test_empty_chat_is_an_empty_array(client, target, need):
    need("api_key", "empty_chat_id")
    exchange = client.get_messages(target.empty_chat_id, key=target.api_key)
    body = read_messages(exchange, "ORG-EMPTY-CHAT")
    with evidence(exchange):
        if body != []:
            raise Violation("ORG-EMPTY-CHAT", f"an empty chat answered {len(body)} messages")


@pytest.mark.requirement("ORG-CHAT-UNKNOWN-404")
@pytest.mark.parametrize("chat_id", [UNKNOWN_CHAT, 0])
def test_unknown_chat_is_404(client, target, need, chat_id):
    need("api_key")
    exchange = client.get_messages(chat_id, key=target.api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [404], "ORG-CHAT-UNKNOWN-404", "an integer id that names no chat")


@pytest.mark.requirement("ORG-CHAT-ID-INVALID-400")
@pytest.mark.parametrize("chat_id", ["abc", "1.5", "12abc", "1e3"])
def test_non_integer_chat_id_is_400(client, target, need, chat_id):
    need("api_key")
    exchange = client.get_messages(chat_id, key=target.api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [400], "ORG-CHAT-ID-INVALID-400", f"chat id {chat_id!r}")


@pytest.mark.requirement("ORG-HTTP-CONTENT-TYPE-JSON")
@pytest.mark.parametrize("label", ["200 messages", *ERROR_REQUESTS])
def test_every_answer_is_application_json(client, target, need, label):
    chat, token = ERROR_REQUESTS.get(label, ("chat_id", "api_key"))
    need(*(n for n in (chat, token) if n in ("chat_id", "api_key", "foreign_chat_id")))
    exchange = send(client, target, chat, token)
    with evidence(exchange):
        invariants.content_type_is_json(exchange.content_type, "ORG-HTTP-CONTENT-TYPE-JSON")


@pytest.mark.requirement("ORG-ERROR-BODY")
@pytest.mark.parametrize("label", list(ERROR_REQUESTS))
def test_error_bodies_are_objects_of_strings(client, target, need, label):
    chat, token = ERROR_REQUESTS[label]
    need(*(n for n in (chat, token) if n in ("chat_id", "api_key", "foreign_chat_id")))
    exchange = send(client, target, chat, token)
    with evidence(exchange):
        if exchange.status < 400:
            pytest.skip(f"{label} was not answered with an error ({exchange.status}); other checks judge that")
        invariants.error_body_is_object_of_strings(exchange.body)


@pytest.mark.requirement("ORG-NO-5XX", "ORG-STATUS-DOCUMENTED")
@pytest.mark.parametrize("chat_id", ["99999999999999999999999", "-1", "0x10", "1;DROP TABLE chats", "%00"])
def test_odd_chat_ids_are_answered_without_a_server_error(client, target, need, chat_id):
    need("api_key")
    exchange = client.get_messages(chat_id, key=target.api_key)
    with evidence(exchange):
        invariants.not_a_server_error(exchange.status, "ORG-NO-5XX")
        invariants.status_is_documented(exchange.status, "org-token", "ORG-STATUS-DOCUMENTED")
