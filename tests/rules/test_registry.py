"""conformance/rules/registry.py: a rule registered under its ids, bound to a profile, raising the violation
of its id with the exchange it read; the catalogue covered by rules."""

from __future__ import annotations

import datetime as dt
import types
from typing import Any

import pytest

from conformance.catalogue import requirements
from conformance.exchange import Exchange
from conformance.profiles import ORG_TOKEN, TENANT_KEY
from conformance.rules import REGISTRY, Rule, access, bodies, http, ids_of, pagination, params, reading, registry
from conformance.violations import Violation
from rule_inputs import ORG, TK, exchange, violates


# ------------------------------------------------------------------ the registry

def test_a_rule_with_one_id_is_called_directly_and_names_that_id():
    assert pagination.has_more(0, 1, 5, True) is None
    with violates("PAGE-HAS-MORE"):
        pagination.has_more(0, 1, 5, False)


def test_a_rule_with_one_id_may_also_be_bound_to_its_profile_but_not_to_another():
    pagination.has_more[TK](0, 1, 5, True)
    pagination.has_more[TENANT_KEY](0, 1, 5, True)
    with violates("PAGE-HAS-MORE"):
        pagination.has_more[TENANT_KEY](0, 1, 5, False)
    with pytest.raises(KeyError, match="has_more"):
        pagination.has_more[ORG]
    with pytest.raises(KeyError):
        http.error_is_object_of_strings[TENANT_KEY]


def test_a_rule_of_two_profiles_must_be_bound():
    # Unbound, it cannot tell which id to name; it refuses instead of guessing.
    with pytest.raises((TypeError, ValueError)):
        http.no_server_error(500)
    with pytest.raises((TypeError, ValueError)):
        access.missing_key_401.expect(200, [401], "no key")
    with pytest.raises(KeyError):
        http.no_server_error["no-such-profile"]


@pytest.mark.parametrize("profile", [TENANT_KEY, ORG_TOKEN], ids=lambda p: p.name)
def test_a_bound_rule_names_the_id_of_its_profile(profile):
    want = {TK: "HTTP-NO-5XX", ORG: "ORG-NO-5XX"}[profile.name]
    assert http.no_server_error.id_in(profile) == http.no_server_error.id_in(profile.name) == want
    for bound in (http.no_server_error[profile], http.no_server_error[profile.name]):
        assert bound.id == want
        bound(499)
        with violates(want):
            bound(500)
    with violates({TK: "AUTH-FOREIGN-404", ORG: "ORG-AUTH-FOREIGN-403"}[profile.name]):
        access.foreign_refused[profile].expect(200, [profile.foreign_status], "a chat of another tenant")


def test_a_rule_returns_what_it_read():
    assert bodies.org_array(b"[1, 2]") == [1, 2]
    assert bodies.created_at[ORG]("2024-01-15T10:30:00Z") == dt.datetime(2024, 1, 15, 10, 30, tzinfo=dt.timezone.utc)


def judge_status(seen: Any, *_: Any) -> None:
    status = seen.status if isinstance(seen, Exchange) else seen.exchange.status
    if status >= 500:
        registry.fail(f"answered {status}")


# Built, not registered: the registry's mechanics on a rule over an exchange (no rule of the catalogue takes one).
OVER_AN_EXCHANGE = Rule(judge_status, {TK: "HTTP-NO-5XX", ORG: "ORG-NO-5XX"})


@pytest.mark.parametrize("profile, req_id", [(TK, "HTTP-NO-5XX"), (ORG, "ORG-NO-5XX")])
def test_an_exchange_among_the_arguments_is_attached_as_evidence(profile, req_id):
    answer = exchange(503, b"down")
    with violates(req_id) as caught:
        OVER_AN_EXCHANGE[profile](answer)
    assert caught.value.exchange is answer
    with violates(req_id) as caught:
        OVER_AN_EXCHANGE[profile](types.SimpleNamespace(exchange=answer))  # e.g. a Page, which holds its exchange
    assert caught.value.exchange is answer
    OVER_AN_EXCHANGE[profile](exchange(200))
    assert not any(rule is OVER_AN_EXCHANGE for found in REGISTRY.values() for rule in found)


def test_a_violation_without_an_exchange_among_the_arguments_has_no_evidence():
    with violates("PAGE-HAS-MORE") as caught:
        pagination.has_more(0, 1, 5, False)
    assert caught.value.exchange is None


def test_a_reading_helper_outside_a_rule_raises_no_violation():
    # fail() belongs to the rule that calls it: on its own, a helper has no requirement to name.
    with pytest.raises(registry.Broken) as caught:
        reading.json_of(b"not json")
    assert not isinstance(caught.value, Violation)
    with violates("ENV-SHAPE"):
        bodies.page_envelope(b"not json")


def test_the_real_catalogue_passes_check_catalogue():
    registry.check_catalogue()


def test_every_requirement_of_the_catalogue_has_a_rule():
    missing = sorted(set(requirements()) - set(REGISTRY))
    assert not missing, f"requirements without a rule in conformance/rules/: {missing}"
    assert set(REGISTRY) <= set(requirements()) and all(REGISTRY.values())


def test_check_catalogue_names_a_requirement_without_a_rule(monkeypatch):
    dropped = next(iter(REGISTRY))
    monkeypatch.delitem(REGISTRY, dropped)
    with pytest.raises(LookupError, match=dropped):
        registry.check_catalogue()


def test_every_rule_names_ids_of_the_catalogue_each_under_its_own_profile():
    wrong = [f"{r!r}: {profile} → {req_id} (profile {requirements()[req_id].profile})"
             for found in REGISTRY.values() for r in found for profile, req_id in r.ids.items()
             if requirements()[req_id].profile != profile]
    assert not wrong, "rules registered under another profile's id:\n" + "\n".join(wrong)
    assert all(r in REGISTRY[req_id] for found in REGISTRY.values() for r in found for req_id in r.ids.values())


def test_registering_an_unknown_id_or_two_ids_of_one_profile_is_refused():
    before = {req_id: list(found) for req_id, found in REGISTRY.items()}
    with pytest.raises(LookupError, match="NO-SUCH-REQUIREMENT"):
        registry.rule("NO-SUCH-REQUIREMENT")(lambda: None)
    with pytest.raises(ValueError, match="two ids of one profile"):
        registry.rule("ENV-SHAPE", "MSG-SHAPE")(lambda: None)
    assert {req_id: list(found) for req_id, found in REGISTRY.items()} == before


@pytest.mark.parametrize("profile", [TENANT_KEY, ORG_TOKEN], ids=lambda p: p.name)
def test_ids_of_leaves_out_the_rules_a_profile_lacks(profile):
    rules = [http.no_server_error, pagination.has_more, bodies.org_array, access.invalid_key_401, access.near_miss_401]
    want = {TK: ["HTTP-NO-5XX", "PAGE-HAS-MORE", "AUTH-INVALID-401", "AUTH-KEY-EXACT"],
            ORG: ["ORG-NO-5XX", "ORG-BODY-ARRAY", "ORG-AUTH-INVALID-401"]}[profile.name]  # one id once, in order
    assert ids_of(rules, profile) == ids_of(rules, profile.name) == want
    assert ids_of([], profile) == []
    assert ids_of([pagination.has_more, params.defaults], ORG) == []
