"""HTTP, in every profile: answers are JSON, error answers meet every rule of an error answer (answers.ERROR: the
profile's error shape, no internals), and requests no client should send get no server error.

`odd_input` is drawn from the run's profile (Profile.odd_inputs; the plugin parametrizes it).
"""

from __future__ import annotations

import pytest

from conformance.masking import Secret
from conformance.near_misses import INVALID_KEY
from conformance.sends import sends
from conformance.rules import access, answers, checks, http
from conformance.violations import citing

# Requests every profile refuses: label → the probe (chat, query, key), or why this target cannot send it.
ERRORS = {
    "no key": lambda target: (target.chat_id, None, None),
    "invalid key": lambda target: (target.chat_id, None, Secret(INVALID_KEY)),
    "unknown chat": lambda target: (target.profile.no_such_chat, None, target.api_key),
    "malformed chat id": lambda target: (target.profile.malformed_chat_ids[0], None, target.api_key),
    "another tenant's chat": lambda target: target.missing("foreign_chat_id") or (
        target.foreign_chat_id, None, target.api_key),
}
OWN_CHAT = "the caller's own chat"
REQUESTS = {OWN_CHAT: lambda target: (target.chat_id, None, target.api_key), **ERRORS}


def odd(target, odd_input):
    chat_id = odd_input.chat_id if odd_input.chat_id is not None else target.chat_id
    return chat_id, list(odd_input.query) or None, target.api_key


@checks(http.json_content_type, http.error_media_type)
@pytest.mark.parametrize("label", list(REQUESTS))
@sends(lambda target, label: REQUESTS[label](target))
def test_every_answer_is_application_json(answer, target, label):
    with citing(answer):
        http.json_content_type[target.profile](answer.content_type, answer.status)
        if answer.status >= 400 and http.error_media_type.id_in(target.profile):  # where the docs give errors one
            http.error_media_type[target.profile](answer.content_type)


@checks(answers.ERROR)
@pytest.mark.parametrize("label", list(ERRORS))
@sends(lambda target, label: ERRORS[label](target))
def test_every_error_answer_meets_the_rules_of_an_error(answer, target, label):
    with citing(answer):
        if answer.status < 400:
            pytest.skip(f"{label} was not answered with an error ({answer.status}); other checks judge that")
        answers.judge(answers.ERROR, answer, target.profile)


@checks(access.refusal_carries_no_message)
@pytest.mark.parametrize("label", list(ERRORS))
@sends(lambda target, label: ERRORS[label](target))
def test_no_refusal_carries_a_message_of_the_dataset(answer, target, label, need):
    need("dataset")
    with citing(answer):
        access.refusal_carries_no_message[target.profile](
            answer.status, answer.body, (m for chat in target.dataset.chats for m in chat.messages))


@checks(http.no_server_error, http.status_documented)
@sends(odd)
def test_odd_input_is_answered_without_a_server_error(answer, target, odd_input):
    with citing(answer):
        http.no_server_error[target.profile](answer.status)
        if not (odd_input.provocative and 400 <= answer.status < 500):  # any refusal of it will do
            http.status_documented[target.profile](answer.status, target.profile.name)


@checks(http.no_internals_in_5xx, http.no_internals)
@sends(odd)
def test_no_answer_to_odd_input_exposes_internals(answer, target, odd_input):
    with citing(answer):
        http.no_internals_in_5xx[target.profile](answer.status, answer.body)
        http.no_internals[target.profile](answer.body, carries_messages=answer.status == 200)
