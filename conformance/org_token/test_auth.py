"""org-token authentication and tenancy: 401 for a missing or wrong token, 403 for another organisation's chat."""

from __future__ import annotations

import pytest

from conformance import invariants
from conformance.masking import Secret
from conformance.near_misses import NEAR_MISSES
from conformance.violations import evidence

UNKNOWN_CHAT = 987654321


def chat_or_unknown(target):
    return target.chat_id if target.chat_id is not None else UNKNOWN_CHAT


@pytest.mark.requirement("ORG-AUTH-MISSING-401")
def test_missing_token_is_answered_401(client, target):
    exchange = client.get_messages(chat_or_unknown(target))
    with evidence(exchange):
        invariants.status_is(exchange.status, [401], "ORG-AUTH-MISSING-401", "no Authorization header")


@pytest.mark.requirement("ORG-AUTH-INVALID-401")
@pytest.mark.parametrize("token", ["not-a-real-token-7c1d9e", "Bearer not-a-real-token-7c1d9e", "x", ""])
def test_invalid_token_is_answered_401(client, target, token):
    exchange = client.get_messages(chat_or_unknown(target), key=Secret(token))
    with evidence(exchange):
        invariants.status_is(exchange.status, [401], "ORG-AUTH-INVALID-401", "a token that is no organisation's")


@pytest.mark.requirement("ORG-AUTH-INVALID-401")
@pytest.mark.parametrize("variant", list(NEAR_MISSES))
def test_near_miss_of_a_valid_token_is_answered_401(client, target, need, variant):
    need("api_key", "chat_id")
    near = NEAR_MISSES[variant](target.api_key)
    if near == target.api_key:
        pytest.skip(f"the token has no {variant} variant")
    exchange = client.get_messages(target.chat_id, key=Secret(near))
    with evidence(exchange):
        invariants.status_is(exchange.status, [401], "ORG-AUTH-INVALID-401", f"a near miss of a valid token ({variant})")


@pytest.mark.requirement("ORG-AUTH-FOREIGN-403")
def test_own_chat_asked_with_a_foreign_token_is_answered_403(client, need, target):
    need("foreign_api_key", "chat_id")
    exchange = client.get_messages(target.chat_id, key=target.foreign_api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [403], "ORG-AUTH-FOREIGN-403", "a chat of another organisation")


@pytest.mark.requirement("ORG-AUTH-FOREIGN-403")
def test_foreign_chat_is_403_to_us_and_200_to_its_organisation(client, need, target):
    need("api_key", "foreign_api_key", "foreign_chat_id")
    own = client.get_messages(target.foreign_chat_id, key=target.foreign_api_key)
    with evidence(own):
        invariants.status_is(own.status, [200], "ORG-AUTH-FOREIGN-403", "the foreign chat asked by its own organisation")
    theirs = client.get_messages(target.foreign_chat_id, key=target.api_key)
    with evidence(theirs):
        invariants.status_is(theirs.status, [403], "ORG-AUTH-FOREIGN-403", "the same chat asked by another organisation")


@pytest.mark.requirement("ORG-AUTH-BEFORE-LOOKUP")
@pytest.mark.parametrize("chat", ["unknown", "foreign"])
@pytest.mark.parametrize("token", [None, "not-a-real-token-7c1d9e"], ids=["missing token", "invalid token"])
def test_bad_token_is_401_before_any_chat_lookup(client, target, need, chat, token):
    if chat == "foreign":
        need("foreign_chat_id")
    chat_id = UNKNOWN_CHAT if chat == "unknown" else target.foreign_chat_id
    exchange = client.get_messages(chat_id, key=Secret(token) if token else None)
    with evidence(exchange):
        invariants.status_is(exchange.status, [401], "ORG-AUTH-BEFORE-LOOKUP", f"a bad token on a {chat} chat")
