"""The Schemathesis layer's own logic, without Schemathesis sending anything: which chat and key a generated case
goes with, and which requirement a Schemathesis finding breaks in each profile (conformance/fuzzing.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from conformance import fuzzing
from conformance.exchange import Exchange
from conformance.profiles import ORG_TOKEN, TENANT_KEY
from conformance.target import Target
from conformance.violations import Violation
from harness import shipped_dataset

DATASET = shipped_dataset("tenant-key")


def target(dataset=DATASET, foreign_key: str | None = "tk_foreign", **ids) -> Target:
    return Target("http://127.0.0.1:9", TENANT_KEY, "X-API-Key", False, api_key="tk_primary",
                  foreign_api_key=foreign_key, dataset=dataset, **ids)


def case(query=None, chat="c-drawn", phase="fuzzing", negative_path=False):
    return SimpleNamespace(path_parameters={"chat_id": chat}, query=query or {},
                           meta=SimpleNamespace(is_negative_at=lambda where: negative_path and where == "path",
                                                phase=SimpleNamespace(name=SimpleNamespace(value=phase))))


def exchange(status: int) -> Exchange:
    return Exchange(url="http://127.0.0.1:9/api/v1/chats/c/messages", request_headers=(), status=status,
                    headers={"content-type": "application/json"}, body=b"{}")


def test_cases_go_to_the_known_chats_the_first_being_the_coverage_phases():
    ids = dict(chat_id="c1", empty_chat_id="c2", foreign_chat_id="c3")
    roles = fuzzing.known_chats(target(dataset=None, **ids))
    assert roles == [("populated", "c1"), ("empty", "c2"), ("foreign", "c3")]
    assert fuzzing.known_chats(target(dataset=None, chat_id="c1")) == [("populated", "c1")]
    with_dataset = fuzzing.known_chats(target(**{k: DATASET.roles[r] for k, r in
                                                 (("chat_id", "populated"), ("empty_chat_id", "empty"))}))
    assert [r for r, _ in with_dataset][:2] == ["populated", "empty"] and len(with_dataset) >= len(DATASET.roles) - 1


def test_the_choice_of_chat_and_key_is_a_function_of_the_case():
    roles = [("populated", "c1"), ("empty", "c2")]
    picks = [fuzzing.choose(case({"limit": n}), target(), roles) for n in range(60)]
    assert picks == [fuzzing.choose(case({"limit": n}), target(), roles) for n in range(60)]  # runs repeat
    assert {p.key_name for p in picks} == {"primary", "foreign", "none"}
    assert {p.chat_role for p in picks} == {"populated", "empty", "unknown"}
    assert all(p.chat_id == "c-drawn" for p in picks if p.chat_role == "unknown")
    without_foreign = [fuzzing.choose(case({"limit": n}), target(foreign_key=None), roles) for n in range(60)]
    assert "foreign" not in {p.key_name for p in without_foreign}


def test_the_coverage_phase_reads_the_first_chat_and_a_drawn_path_is_sent_as_drawn():
    roles = [("populated", "c1"), ("empty", "c2")]
    assert fuzzing.choose(case(phase="coverage"), target(), roles) == fuzzing.Pick("c1", "populated", "primary")
    assert fuzzing.choose(case(negative_path=True), target(), roles) == fuzzing.Pick("c-drawn", "drawn", "primary")


@pytest.mark.parametrize("code, status, profile, ids", [
    ("ST101", 500, TENANT_KEY, ["HTTP-NO-5XX"]), ("ST101", 500, ORG_TOKEN, ["ORG-NO-5XX"]),
    ("ST103", 418, TENANT_KEY, ["HTTP-STATUS-DOCUMENTED"]), ("ST105", 200, TENANT_KEY, ["HTTP-CONTENT-TYPE-JSON"]),
    ("ST105", 404, TENANT_KEY, None),  # the main variant's docs give no media type of an error
    ("ST105", 404, ORG_TOKEN, ["ORG-HTTP-CONTENT-TYPE-JSON"]),
    ("ST999", 200, TENANT_KEY, []),  # a finding of no requirement: reported as itself
])
def test_a_finding_breaks_the_requirement_of_its_code_in_the_profile(code, status, profile, ids):
    assert fuzzing.requirements_of(SimpleNamespace(code=code), exchange(status), profile, {}) == ids


def test_a_body_finding_names_the_part_of_the_body_it_is_in():
    finding = SimpleNamespace(code="ST108", instance_path=["messages", 0, "id"])
    assert fuzzing.requirements_of(finding, exchange(200), TENANT_KEY, {}) == ["MSG-SHAPE"]
    assert fuzzing.requirements_of(SimpleNamespace(code="ST108", instance_path=[]), exchange(200), TENANT_KEY,
                                   {}) == ["ENV-SHAPE"]


def test_a_negative_request_answered_200_breaks_the_refusal_of_its_parameter():
    finding = SimpleNamespace(code="ST201", message="Invalid component: parameter `order` in query - not one of")
    assert fuzzing.requirements_of(finding, exchange(200), TENANT_KEY, {"order": "up"}) == ["PARAM-ORDER-INVALID-400"]
    assert fuzzing.requirements_of(finding, exchange(200), TENANT_KEY, {"limit": ["1", "2"]}) is None


def test_our_own_checks_findings_name_the_ids_they_raised():
    raised = SimpleNamespace(code="ST901", exception=Violation("PAGE-HAS-MORE", "x"), message="")
    assert fuzzing.requirements_of(raised, exchange(200), TENANT_KEY, {}) == ["PAGE-HAS-MORE"]
    said = SimpleNamespace(code="ST901", exception=None, message="ORDER-ASC: out of order")
    assert fuzzing.requirements_of(said, exchange(200), TENANT_KEY, {}) == ["ORDER-ASC"]


def test_the_schema_is_derandomized_unless_a_seed_is_given_and_never_writes_a_database():
    schema = fuzzing.load_schema(TENANT_KEY, fuzzing.FuzzSettings(examples=7))
    generation = schema.config.generation
    assert generation.max_examples == 7 and generation.deterministic and generation.database == "none"
    assert not fuzzing.load_schema(TENANT_KEY, fuzzing.FuzzSettings(seed=3)).config.generation.deterministic
