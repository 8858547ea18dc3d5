"""Messages and HTTP: exact content, field types, timestamps, content type and error bodies."""

from __future__ import annotations

import uuid

import pytest

from conformance.masking import Secret
from conformance.probes import probe
from conformance.rules import bodies, checks, http, pagination
from conformance.tenant_key.pages import read_page
from conformance.violations import evidence

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


def labelled(target, label):
    """The probe of a labelled request: one of ERROR_REQUESTS or ODD_REQUESTS, else a plain 200 page."""
    if label in ODD_REQUESTS:
        return target.chat_id, ODD_REQUESTS[label], target.api_key
    chat, query, key = ERROR_REQUESTS.get(label, ("chat_id", None, "api_key"))
    chat_id = UNKNOWN_CHAT if chat == "unknown" else target.chat_id
    secret = Secret("not-a-real-key-7c1d9e") if key == "invalid" else (target.api_key if key else None)
    return chat_id, query, secret


@checks(bodies.content_exact, pagination.chat_scoped, pagination.none_missing)
@pytest.mark.parametrize("role", ["populated", "hundred", "other"])
def test_messages_equal_the_dataset(walks, target, need, role, note):
    need("dataset", "api_key")
    chat = target.dataset.chat(role)
    result = walks(100, "asc", chat.id, target.api_key)
    expected = {m["id"]: m for m in chat.messages}
    pagination.chat_scoped(result.ids, expected)
    content_exact = bodies.content_exact[target.profile]
    for page in result.pages:
        with evidence(page.exchange):
            for message in page.messages:
                content_exact(message, expected[message["id"]])
    if result.whole:
        pagination.none_missing(result.ids, expected)
    else:  # a dataset chat too large to walk whole: what its windows hold is checked, not that nothing is missing
        note(f"content checked on {result.describe_windows()}", bodies.content_exact, pagination.none_missing)


@checks(pagination.ids_unique)
def test_message_ids_are_unique_across_the_tenants_chats(walks, target, need):
    need("dataset", "api_key")
    roles = [role for role in ("populated", "hundred", "other") if role in target.dataset.roles]
    pagination.ids_unique({target.dataset.roles[role]: walks(100, "asc", target.dataset.roles[role]).ids for role in roles})


@checks(bodies.created_at_precision)
def test_created_at_keeps_its_fraction_of_a_second(walks, target, need):
    need("dataset", "api_key")
    chat = target.dataset.chat("populated")
    expected = {m["id"]: m for m in chat.messages}
    for page in walks(100, "asc", chat.id, target.api_key).pages:
        with evidence(page.exchange):
            for message in page.messages:
                if message.get("id") in expected:
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


@checks(http.json_content_type)
@pytest.mark.parametrize("label", ["200 page", *ERROR_REQUESTS])
@probe(labelled)
def test_every_answer_is_application_json(answer, target, label):
    with evidence(answer):
        http.json_content_type[target.profile](answer.content_type, answer.status)


@checks(http.no_internals_in_5xx, http.no_internals)
@pytest.mark.parametrize("label", [*ERROR_REQUESTS, *ODD_REQUESTS])
@probe(labelled)
def test_no_body_exposes_internals(answer, target, label):
    with evidence(answer):
        http.no_internals_in_5xx[target.profile](answer.status, answer.body)
        http.no_internals[target.profile](answer.body)


@checks(http.no_server_error, http.status_documented)
@pytest.mark.parametrize("label", list(ODD_REQUESTS))
@probe(labelled)
def test_odd_input_is_answered_without_a_server_error(answer, target, label):
    with evidence(answer):
        http.no_server_error[target.profile](answer.status)
        http.status_documented[target.profile](answer.status, target.profile.name)
