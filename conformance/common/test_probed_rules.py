"""Rules that declare the requests showing them (`@rule(..., probe=asking(...))`, conformance/rules/): each
request is sent to the caller's own chat with its key, and its answer handed to its rule. One test per request;
a rule the run's profile lacks is left out."""

from __future__ import annotations

import pytest

from conformance.sends import sends
from conformance.rules import answers, checks
from conformance.rules.registry import PROBED

CASES = [pytest.param(rule, query, marks=checks(rule), id=f"{rule.name}:{answers.query_text(query)}")
         for rule in PROBED for query in rule.probe.queries]


@pytest.mark.parametrize(("rule", "query"), CASES)
@sends(lambda target, query: (target.chat_id, list(query), target.api_key))
def test_the_answer_to_a_rules_own_request_meets_it(answer, target, rule, query):
    rule[target.profile].on(answers.Probed(answer, query))
