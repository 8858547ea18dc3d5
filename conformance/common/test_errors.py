"""Error answers, in every profile: each meets every rule of an error answer (answers.ERROR): its body in the
profile's error shape, and no internals shown."""

from __future__ import annotations

import pytest

from conformance.masking import Secret
from conformance.probes import probe
from conformance.rules import answers, checks
from conformance.violations import evidence

INVALID = "not-a-real-key-7c1d9e"

# Requests every profile refuses: label → the probe (chat, query, key), or why this target cannot send it.
ERRORS = {
    "no key": lambda target: (target.chat_id, None, None),
    "invalid key": lambda target: (target.chat_id, None, Secret(INVALID)),
    "unknown chat": lambda target: (target.profile.no_such_chat, None, target.api_key),
    "malformed chat id": lambda target: (target.profile.malformed_chat_ids[0], None, target.api_key),
    "another tenant's chat": lambda target: target.missing("foreign_chat_id") or (
        target.foreign_chat_id, None, target.api_key),
}


@checks(answers.ERROR)
@pytest.mark.parametrize("label", list(ERRORS))
@probe(lambda target, label: ERRORS[label](target))
def test_every_error_answer_meets_the_rules_of_an_error(answer, target, label):
    with evidence(answer):
        if answer.status < 400:
            pytest.skip(f"{label} was not answered with an error ({answer.status}); other checks judge that")
        answers.judge(answers.ERROR, answer, target.profile)
