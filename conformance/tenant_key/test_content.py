"""Messages and HTTP: exact content, field types, timestamps, content type and error bodies."""

from __future__ import annotations

import uuid

import pytest

from conformance import invariants
from conformance.masking import Secret
from conformance.tenant_key.pages import read_page
from conformance.violations import Violation, evidence

UNKNOWN_CHAT = str(uuid.UUID(int=0x5EED_0002, version=4))

# Requests that each answer with one status: (label, chat, query, key), chat and key named by target attribute.
ERROR_REQUESTS = {
    "400 limit=101": ("chat_id", {"limit": "101"}, "api_key"),
    "400 offset=-1": ("chat_id", {"offset": "-1"}, "api_key"),
    "401 no key": ("chat_id", None, None),
    "401 invalid key": ("chat_id", None, "invalid"),
    "404 unknown chat": ("unknown", None, "api_key"),
}
ODD_REQUESTS = {
    "limit=1e309": {"limit": "1e309"},
    "limit=99999999999999999999999": {"limit": "99999999999999999999999"},
    "offset=99999999999999999999999": {"offset": "99999999999999999999999"},
    "limit=NaN": {"limit": "NaN"},
    "offset=0x10": {"offset": "0x10"},
    "order=%00": {"order": "\x00"},
    "order=desc;drop": {"order": "desc'; DROP TABLE messages; --"},
    "limit repeated": [("limit", "5"), ("limit", "500")],
}


def send(client, target, chat, query, key):
    chat_id = UNKNOWN_CHAT if chat == "unknown" else getattr(target, chat)
    secret = Secret("not-a-real-key-7c1d9e") if key == "invalid" else (getattr(target, key) if key else None)
    return client.get_messages(chat_id, query, key=secret)


@pytest.mark.requirement("MSG-CONTENT-EXACT", "PAGE-CHAT-SCOPED", "PAGE-PARTITION")
@pytest.mark.parametrize("role", ["populated", "hundred", "other"])
def test_messages_equal_the_dataset(walks, target, need, role):
    need("dataset", "api_key")
    chat = target.dataset.chat(role)
    result = walks(100, "asc", chat.id, target.api_key)
    expected = {m["id"]: m for m in chat.messages}
    invariants.messages_belong_to_chat(result.ids, expected, "PAGE-CHAT-SCOPED")
    for page in result.pages:
        with evidence(page.exchange):
            for message in page.messages:
                invariants.message_matches(message, expected[message["id"]])
    missing = sorted(set(expected) - set(result.ids))
    if missing:
        raise Violation("PAGE-PARTITION", f"{len(missing)} message(s) of the dataset never returned, e.g. {missing[:3]}")


@pytest.mark.requirement("MSG-SHAPE", "ENV-SHAPE")
def test_messages_have_the_documented_fields(client, target, need):
    need("api_key", "chat_id")
    read_page(client.get_messages(target.chat_id, {"limit": 100}, key=target.api_key))


@pytest.mark.requirement("MSG-CREATED-AT-RFC3339")
def test_created_at_is_rfc3339_with_an_offset(walks, need):
    need("api_key", "chat_id")
    for page in walks(100, "asc").pages:
        with evidence(page.exchange):
            for message in page.messages:
                invariants.created_at_is_rfc3339(message["created_at"])


@pytest.mark.requirement("HTTP-CONTENT-TYPE-JSON")
@pytest.mark.parametrize("label", ["200 page", *ERROR_REQUESTS])
def test_every_answer_is_application_json(client, target, need, label):
    chat, query, key = ERROR_REQUESTS.get(label, ("chat_id", None, "api_key"))
    need(*(n for n in ("chat_id", key) if n in ("chat_id", "api_key")))
    exchange = send(client, target, chat, query, key)
    with evidence(exchange):
        invariants.content_type_is_json(exchange.content_type)


@pytest.mark.requirement("HTTP-ERROR-JSON")
@pytest.mark.parametrize("label", list(ERROR_REQUESTS))
def test_error_bodies_are_json_objects(client, target, need, label):
    chat, query, key = ERROR_REQUESTS[label]
    need(*(n for n in ("chat_id", key) if n in ("chat_id", "api_key")))
    exchange = send(client, target, chat, query, key)
    with evidence(exchange):
        if exchange.status < 400:
            pytest.skip(f"{label} was not answered with an error ({exchange.status}); other checks judge that")
        invariants.error_body_is_json_object(exchange.body)


@pytest.mark.requirement("HTTP-NO-STACK-TRACE")
@pytest.mark.parametrize("label", [*ERROR_REQUESTS, *ODD_REQUESTS])
def test_error_bodies_expose_no_stack_trace(client, target, need, label):
    need("api_key", "chat_id")
    if label in ERROR_REQUESTS:
        exchange = send(client, target, *ERROR_REQUESTS[label])
    else:
        exchange = client.get_messages(target.chat_id, ODD_REQUESTS[label], key=target.api_key)
    with evidence(exchange):
        invariants.error_body_has_no_stack_trace(exchange.body)


@pytest.mark.requirement("HTTP-NO-5XX", "HTTP-STATUS-DOCUMENTED")
@pytest.mark.parametrize("label", list(ODD_REQUESTS))
def test_odd_input_is_answered_without_a_server_error(client, target, need, label):
    need("api_key", "chat_id")
    exchange = client.get_messages(target.chat_id, ODD_REQUESTS[label], key=target.api_key)
    with evidence(exchange):
        invariants.not_a_server_error(exchange.status)
        invariants.status_is_documented(exchange.status, "tenant-key")
