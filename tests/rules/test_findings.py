"""conformance/rules/findings.py: a Schemathesis finding maps to the requirement id the profile has for it (what
the old fuzzing.requirements_of gave)."""

from __future__ import annotations

import pytest

from conformance.profiles import ORG_TOKEN, TENANT_KEY
from conformance.profiles import profile as profile_named
from conformance.rules import findings, ids_of
from rule_inputs import cases

CASES = cases(__file__)


BUILTIN_CODES = CASES["builtin_codes"]


@pytest.mark.parametrize("code, pair", BUILTIN_CODES.items())
def test_a_builtin_finding_breaks_the_id_the_profile_had_for_its_code(code, pair):
    assert set(findings.BUILTIN) == set(BUILTIN_CODES)
    for profile, req_id in pair.items():
        assert ids_of([findings.BUILTIN[code]], profile) == [req_id]


BODY_FINDINGS = [(profile_named(c["profile"]), c["outcome"], c["depth"], c["id"]) for c in CASES["body_findings"]]


@pytest.mark.parametrize("profile, outcome, depth, req_id", BODY_FINDINGS,
                         ids=[f"{p.name}-{o}-{d}" for p, o, d, _ in BODY_FINDINGS])
def test_body_rule_gives_the_id_of_the_body_part_the_finding_is_in(profile, outcome, depth, req_id):
    assert findings.body_rule(outcome, depth, profile.item_depth, profile.name) == req_id
    assert set(findings.BODY_CODES) == {"ST108", "ST109"}


def test_the_profiles_item_depths_are_where_a_message_begins():
    assert (TENANT_KEY.item_depth, ORG_TOKEN.item_depth) == (2, 1)  # messages/<n>/… and <n>/…


REJECTED = "Invalid data should have been rejected\nExpected: 400, 401, 404\nInvalid component: "
NEGATIVE_FINDINGS = [(profile_named(c["profile"]), c["query"], REJECTED * c["rejected"] + c["message"], c["ids"])
                     for c in CASES["negative_findings"]]


@pytest.mark.parametrize("profile, query, message, req_ids", NEGATIVE_FINDINGS,
                         ids=[f"{p.name}-{i}" for i, (p, *_) in enumerate(NEGATIVE_FINDINGS)])
def test_negative_rules_give_the_id_of_the_parameter_the_finding_names(profile, query, message, req_ids):
    assert findings.NEGATIVE == "ST201"
    assert ids_of(findings.negative_rules(query, message), profile) == req_ids
