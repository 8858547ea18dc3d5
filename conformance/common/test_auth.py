"""Authentication and tenancy, in every profile: 401 for a missing or wrong key, before any chat is looked up,
and another tenant's (organisation's) chat refused."""

from __future__ import annotations

import pytest

from conformance.masking import Secret
from conformance.near_misses import INVALID_KEY as INVALID, NEAR_MISSES, OTHER_CASE
from conformance.sends import sends
from conformance.rules import access, checks
from conformance.violations import citing


def chat_or_unknown(target):
    return target.chat_id if target.chat_id is not None else target.profile.no_such_chat


@checks(access.missing_key_401)
def test_missing_key_is_answered_401(client, target):
    exchange = client.get_messages(chat_or_unknown(target))
    with citing(exchange):
        access.missing_key_401[target.profile](exchange.status, f"no {target.auth_header} header")


@checks(access.invalid_key_401)
@pytest.mark.parametrize("key", [INVALID, f"Bearer {INVALID}", "x", "null", ""])
@sends(lambda target, key: (chat_or_unknown(target), None, Secret(key)), needs=())
def test_invalid_key_is_answered_401(answer, target, key):
    with citing(answer):
        access.invalid_key_401[target.profile](answer.status, f"a {target.auth_header} that is no tenant's key")


def near_miss(target, variant):
    near = NEAR_MISSES[variant](target.api_key)
    return (target.chat_id, None, Secret(near)) if near != target.api_key else f"the key has no {variant} variant"


@checks(access.near_miss_401)
@pytest.mark.parametrize("variant", list(NEAR_MISSES))
@sends(near_miss)
def test_near_miss_of_a_valid_key_is_answered_401(answer, target, variant):
    with citing(answer):
        access.near_miss_401[target.profile](answer.status, f"a near miss of a valid key ({variant})")


@checks(access.other_case_401)
def test_valid_key_in_other_letter_case_is_answered_401(client, target, need):
    need("api_key", "chat_id")
    other = OTHER_CASE(target.api_key)
    if other == target.api_key:
        pytest.skip("the key has no letters")
    exchange = client.get_messages(target.chat_id, key=Secret(other))
    with citing(exchange):
        access.other_case_401[target.profile](exchange.status, "a valid key in other letter case")


@checks(access.foreign_refused)
def test_own_chat_asked_with_a_foreign_key_is_refused(client, need, target):
    need("foreign_api_key", "chat_id")
    exchange = client.get_messages(target.chat_id, key=target.foreign_api_key)
    with citing(exchange):
        access.foreign_refused[target.profile](exchange.status, target.profile.foreign_status, "a chat of another tenant")


@checks(access.foreign_refused)
def test_foreign_chat_is_refused_to_us_and_200_to_its_tenant(client, need, target):
    need("api_key", "foreign_api_key", "foreign_chat_id")
    rule = access.foreign_refused[target.profile]
    own = client.get_messages(target.foreign_chat_id, key=target.foreign_api_key)
    with citing(own):
        rule.expect(own.status, [200], "the foreign chat asked by its own tenant")
    theirs = client.get_messages(target.foreign_chat_id, key=target.api_key)
    with citing(theirs):
        rule(theirs.status, target.profile.foreign_status, "the same chat asked by another tenant")


@checks(access.foreign_like_unknown)
def test_foreign_chat_is_answered_as_a_chat_that_does_not_exist(client, need, target):
    need("api_key", "foreign_chat_id")
    foreign = client.get_messages(target.foreign_chat_id, key=target.api_key)
    unknown = client.get_messages(target.profile.no_such_chat, key=target.api_key)
    with citing(foreign):
        access.foreign_like_unknown((foreign.status, foreign.body, target.foreign_chat_id),
                                    (unknown.status, unknown.body, target.profile.no_such_chat))


def bad_key_on(target, chat, key):
    if chat == "foreign" and target.missing("foreign_chat_id"):
        return target.missing("foreign_chat_id")
    chat_id = target.profile.no_such_chat if chat == "unknown" else target.foreign_chat_id
    return chat_id, None, Secret(key) if key else None


@checks(access.key_before_lookup)
@pytest.mark.parametrize("chat", ["unknown", "foreign"])
@pytest.mark.parametrize("key", [None, INVALID], ids=["missing key", "invalid key"])
@sends(bad_key_on, needs=())
def test_bad_key_is_401_before_any_chat_lookup(answer, target, chat, key):
    with citing(answer):
        access.key_before_lookup[target.profile](answer.status, f"a bad key on a {chat} chat")


@checks(access.key_or_parameter_refused)
@pytest.mark.parametrize("key", [None, INVALID], ids=["missing key", "invalid key"])
@pytest.mark.parametrize("query", [{"limit": "101"}, {"offset": "-1"}, {"order": "sideways"}])
@sends(lambda target, query, key: (chat_or_unknown(target), query, Secret(key) if key else None), needs=())
def test_bad_key_and_bad_parameter_is_rejected(answer, query, key):
    with citing(answer):
        access.key_or_parameter_refused(answer.status, "a bad key and an invalid parameter")
