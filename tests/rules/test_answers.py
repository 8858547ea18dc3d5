"""conformance/rules/answers.py: the kinds of answer (a page, an error) hold every rule registered on them; a rule's
probe declares the requests that show it."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.catalogue import requirements
from conformance.profiles import ORG_TOKEN, TENANT_KEY
from conformance.rules import REGISTRY, answers, http, ids_of, params, registry
from conformance.violations import flatten
from rule_inputs import ORG, TK, exchange, violates


# ------------------------------------------------------------------ kinds of answer: rules every such answer meets

def page_with(messages: list[dict[str, Any]], total: int, offset: int, limit: int, has_more: bool) -> Any:
    from conformance.tenant_key.pages import Page

    return Page(exchange(), tuple(messages), total, offset, limit, has_more)


def stamped(*seconds: int) -> list[dict[str, Any]]:
    return [{"id": f"m{s}", "created_at": f"2024-01-01T00:00:{s:02d}Z"} for s in seconds]


# The rules of each kind are read from the registry, never listed here: a rule added `on=` a kind is held to these
# tests without an edit of this file.
def test_each_kind_holds_registered_rules_of_the_profiles_that_have_such_answers():
    for kind in (answers.PAGE, answers.ERROR):
        assert kind.rules, f"no rule is registered on {kind}"
        assert len({r.name for r in kind.rules}) == len(kind.rules), f"two rules of {kind} share a name"
        assert all(r in REGISTRY[req_id] for r in kind.rules for req_id in r.ids.values())
    # A page is the tenant-key envelope: org-token answers a bare array, so no rule of a page has an org-token id.
    assert all(set(r.ids) == {TK} for r in answers.PAGE.rules)
    assert ids_of([answers.PAGE], ORG) == []
    # Both profiles answer errors: each has error rules, and each bound to its own profile's ids.
    for profile in (TK, ORG):
        bound = answers.applicable(answers.ERROR, profile)
        assert bound and [b.id for b in bound] == ids_of([answers.ERROR], profile)
        assert all(requirements()[b.id].profile == profile for b in bound)
    assert registry.expand([http.no_server_error, answers.PAGE])[1:] == list(answers.PAGE.rules)


def test_a_page_that_meets_every_rule_of_its_kind_passes_them_all():
    seen: list[tuple[str, bool]] = []
    paged = answers.Paged(page_with(stamped(1, 2), 5, 0, 2, True), 0, 2, "asc")
    with registry.watched(lambda req_id, held: seen.append((req_id, held))):
        answers.judge(answers.PAGE, paged, TENANT_KEY)
    applying = [r.id_in(TK) for r in answers.PAGE.rules if r.reads is None or r.reads(paged) is not None]
    assert "ORDER-DESC" not in applying  # a rule whose reads= gives None does not apply: here, desc to an asc page
    assert all(held for _, held in seen), seen
    # Each applying rule ran, in the order of registration (a rule may run others it reads with, as the order
    # rules read each created_at with its own rule).
    assert [req_id for req_id, _ in seen if req_id in applying] == applying


@pytest.mark.parametrize("page, asked, req_id", [
    (page_with(stamped(1, 2), 5, 1, 2, True), (0, 2, "asc"), "PAGE-OFFSET-ECHO"),
    (page_with(stamped(1, 2), 5, 0, 3, True), (0, 2, "asc"), "PAGE-LIMIT-ECHO"),
    (page_with(stamped(1), 5, 0, 2, True), (0, 2, "asc"), "PAGE-LENGTH"),
    (page_with(stamped(1, 2), 2, 0, 2, True), (0, 2, "asc"), "PAGE-HAS-MORE"),
    (page_with(stamped(2, 1), 2, 0, 2, False), (0, 2, "asc"), "ORDER-ASC"),
    (page_with(stamped(1, 2), 2, 0, 2, False), (0, 2, "desc"), "ORDER-DESC"),
])
def test_a_page_breaking_one_rule_of_its_kind_names_that_rule_with_its_exchange(page, asked, req_id):
    with violates(req_id) as caught:
        answers.judge(answers.PAGE, answers.Paged(page, *asked), TENANT_KEY)
    assert caught.value.exchange is page.exchange


@pytest.mark.parametrize("profile, body, req_ids", [
    (TENANT_KEY, b"[]", {"HTTP-ERROR-JSON"}), (ORG_TOKEN, b'{"error": 5}', {"ORG-ERROR-BODY"}),
    # a trace in a 500 breaks the rule of 5xx answers and the rule of every answer: both are reported
    (TENANT_KEY, b'{"error": "Traceback (most recent call last):"}', {"HTTP-5XX-NO-INTERNALS", "HTTP-NO-STACK-TRACE"}),
    (ORG_TOKEN, b'{"error": "Traceback (most recent call last):"}', {"ORG-5XX-NO-INTERNALS", "ORG-NO-INTERNALS"}),
])
def test_an_error_answer_is_held_to_the_error_rules_of_its_profile(profile, body, req_ids):
    with pytest.raises(AssertionError) as caught:
        answers.judge(answers.ERROR, exchange(500, body), profile)
    assert {f.requirement for f in flatten(caught.value)} == req_ids
    answers.judge(answers.ERROR, exchange(500, b'{"error": "internal"}'), profile)


def test_a_rule_of_a_kind_that_reads_nothing_of_an_answer_passes_it_by():
    # no_internals_in_5xx reads only 5xx answers: a 404 with a trace breaks the SHOULD, not the MUST.
    with violates("HTTP-NO-STACK-TRACE"):
        answers.judge(answers.ERROR, exchange(404, b'{"error": "Traceback (most recent call last):"}'), TENANT_KEY)


def test_a_rule_may_declare_the_requests_that_show_it():
    probed = {r.name: [answers.query_text(q) for q in r.probe.queries] for r in registry.PROBED}
    assert probed["limit_above_max_refused"] == ["limit=101", "limit=1000", "limit=999999"]
    assert set(probed) >= {"limit_invalid_refused", "offset_invalid_refused", "order_invalid_refused"}
    assert all(probed.values()), "a probe must ask something"


def test_the_answer_to_a_rules_probe_is_read_for_its_status_and_query():
    rule = params.offset_invalid_refused
    query = rule.probe.queries[0]
    rule[TENANT_KEY].on(answers.Probed(exchange(400, b"{}"), query))
    with violates("PARAM-OFFSET-INVALID-400") as caught:
        rule[TENANT_KEY].on(answers.Probed(exchange(200, b"{}"), query))
    assert "offset=-1" in caught.value.detail and caught.value.exchange is not None
