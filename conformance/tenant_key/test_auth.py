"""Authentication and tenancy: 401 for a missing or wrong key, 404 for another tenant's chat."""

from __future__ import annotations

import uuid

import pytest

from conformance import invariants
from conformance.masking import Secret
from conformance.near_misses import NEAR_MISSES
from conformance.violations import evidence

UNKNOWN_CHAT = str(uuid.UUID("5f0c6d1e-0b8a-4c3e-9d7f-2a1b3c4d5e6f"))


def chat_or_unknown(target):
    return target.chat_id if target.chat_id is not None else UNKNOWN_CHAT


@pytest.mark.requirement("AUTH-MISSING-401")
def test_missing_key_is_answered_401(client, target):
    exchange = client.get_messages(chat_or_unknown(target))
    with evidence(exchange):
        invariants.status_is(exchange.status, [401], "AUTH-MISSING-401", "no X-API-Key header")


@pytest.mark.requirement("AUTH-INVALID-401")
@pytest.mark.parametrize("key", ["not-a-real-key-7c1d9e", "x", "null", ""])
def test_invalid_key_is_answered_401(client, target, key):
    exchange = client.get_messages(chat_or_unknown(target), key=Secret(key))
    with evidence(exchange):
        invariants.status_is(exchange.status, [401], "AUTH-INVALID-401", "an X-API-Key that is no tenant's key")


@pytest.mark.requirement("AUTH-KEY-EXACT")
@pytest.mark.parametrize("variant", list(NEAR_MISSES))
def test_near_miss_of_a_valid_key_is_answered_401(client, target, need, variant):
    need("api_key", "chat_id")
    near = NEAR_MISSES[variant](target.api_key)
    if near == target.api_key:
        pytest.skip(f"the key has no {variant} variant (e.g. no letters to change case)")
    exchange = client.get_messages(target.chat_id, key=Secret(near))
    with evidence(exchange):
        invariants.status_is(exchange.status, [401], "AUTH-KEY-EXACT", f"a near miss of a valid key ({variant})")


@pytest.mark.requirement("AUTH-FOREIGN-404")
def test_own_chat_asked_with_a_foreign_key_is_answered_404(client, need, target):
    need("foreign_api_key", "chat_id")
    exchange = client.get_messages(target.chat_id, key=target.foreign_api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [404], "AUTH-FOREIGN-404", "a chat of another tenant")


@pytest.mark.requirement("AUTH-FOREIGN-404")
def test_foreign_chat_is_404_to_us_and_200_to_its_tenant(client, need, target):
    need("api_key", "foreign_api_key", "foreign_chat_id")
    own = client.get_messages(target.foreign_chat_id, key=target.foreign_api_key)
    with evidence(own):
        invariants.status_is(own.status, [200], "AUTH-FOREIGN-404", "the foreign chat asked by its own tenant")
    theirs = client.get_messages(target.foreign_chat_id, key=target.api_key)
    with evidence(theirs):
        invariants.status_is(theirs.status, [404], "AUTH-FOREIGN-404", "the same chat asked by another tenant")


@pytest.mark.requirement("AUTH-BEFORE-LOOKUP")
@pytest.mark.parametrize("key", [None, "not-a-real-key-7c1d9e"], ids=["missing key", "invalid key"])
def test_bad_key_on_an_unknown_chat_is_401_not_404(client, key):
    exchange = client.get_messages(UNKNOWN_CHAT, key=Secret(key) if key else None)
    with evidence(exchange):
        invariants.status_is(exchange.status, [401], "AUTH-BEFORE-LOOKUP", "a bad key on a chat that does not exist")


@pytest.mark.requirement("AUTH-BEFORE-LOOKUP")
def test_bad_key_on_a_foreign_chat_is_401(client, need, target):
    need("foreign_chat_id")
    exchange = client.get_messages(target.foreign_chat_id, key=Secret("not-a-real-key-7c1d9e"))
    with evidence(exchange):
        invariants.status_is(exchange.status, [401], "AUTH-BEFORE-LOOKUP", "an invalid key on an existing chat")


@pytest.mark.requirement("AUTH-PARAM-PRECEDENCE")
@pytest.mark.parametrize("key", [None, "not-a-real-key-7c1d9e"], ids=["missing key", "invalid key"])
@pytest.mark.parametrize("query", [{"limit": "101"}, {"offset": "-1"}, {"order": "sideways"}])
def test_bad_key_and_bad_parameter_is_rejected(client, target, query, key):
    exchange = client.get_messages(chat_or_unknown(target), query, key=Secret(key) if key else None)
    with evidence(exchange):
        invariants.status_is(exchange.status, [400, 401], "AUTH-PARAM-PRECEDENCE", "a bad key and an invalid parameter")
