"""The verdict never claims more than the run saw: stopped runs, unattributed findings, the gate."""

from __future__ import annotations

import pytest

from conformance import explanation
from conformance.fuzzing import GeneratedCaseFailed
from conformance.profiles import TENANT_KEY, profile
from conformance.report import render_markdown, report_data
from conformance.results import (
    CHECKS,
    FAILED,
    INCONCLUSIVE,
    STOPPED,
    UNATTRIBUTED,
    Results,
)
from conformance.rules import ordering, pagination
from conformance.transport.budget import Throttling
from conformance.transport.errors import BudgetExhausted, DurationExceeded
from conformance.violations import Inconclusive, Violation

PROPERTY_TEST_IDS = "HTTP-NO-5XX HTTP-STATUS-DOCUMENTED ENV-SHAPE PAGE-HAS-MORE ORDER-ASC"


def record(results: Results, nodeid: str, exc: BaseException | None, checks: str) -> None:
    """What the plugin records for a test that passed (exc None) or failed with exc."""
    props = {CHECKS: checks}
    if exc is None:
        results.record(nodeid, "passed", props, "")
        return
    explained = explanation.explain(exc, profile(results.profile))
    if explained.inconclusive:  # as the plugin reports it: skipped, its moved requirements inconclusive
        props[INCONCLUSIVE] = " ".join(explained.inconclusive)
        results.record(nodeid, "skipped", props, explained.text)
        return
    props[FAILED] = " ".join(explained.failed)
    if explained.unattributed:
        props[UNATTRIBUTED] = "\n".join(explained.unattributed)
    if explained.stopped:
        props[STOPPED] = explained.stopped
    results.record(nodeid, "failed", props, explanation.first_line(explained.text))


def test_a_complete_run_with_every_check_passed_passes_the_gate():
    results = Results("tenant-key", {})
    record(results, "t::a", None, "PAGE-HAS-MORE ORDER-ASC")
    assert results.complete and results.passed_gate("must")
    assert not results.summary_line().startswith("INCOMPLETE")


def test_a_run_stopped_by_its_budget_is_incomplete_and_never_passes_the_gate():
    results = Results("tenant-key", {})
    record(results, "t::a", None, "PAGE-HAS-MORE ORDER-ASC")
    record(results, "t::b", BudgetExhausted("request budget exhausted: 40 requests sent (--max-requests); the rest"),
           "PAGE-PARTITION")
    assert not results.complete and not results.passed_gate("must")
    assert results.by_id["PAGE-PARTITION"].status == "unverified"  # not run: neither failed nor passed
    assert not results.unattributed_failures
    assert results.summary_line().startswith("INCOMPLETE (request budget exhausted: 40 requests sent (--max-requests))")
    data = report_data(results, "http://127.0.0.1:1", "dataset", "must")
    assert data["complete"] is False and data["passed_gate"] is False and data["stopped"].startswith("request budget")
    assert "**Incomplete: request budget exhausted" in render_markdown(data)


def test_a_duration_stop_is_a_stop_too():
    explained = explanation.explain(DurationExceeded("run time limit reached: 4 s (--max-duration)"), TENANT_KEY)
    assert explained.failed == [] and explained.stopped and "--max-duration" in explained.stopped


def test_an_unmapped_schemathesis_finding_is_reported_as_itself_and_blames_no_requirement():
    results = Results("tenant-key", {})
    finding = GeneratedCaseFailed([], "ST999 Something new\n  details", ["ST999 Something new"])
    record(results, "t::test_generated_requests_meet_the_contract", finding, PROPERTY_TEST_IDS)
    assert not [r for r in results.by_id.values() if r.status == "fail"]
    assert results.unattributed_failures == ["t::test_generated_requests_meet_the_contract: ST999 Something new"]
    assert results.complete and not results.passed_gate("must")
    assert "1 finding under no requirement" in results.summary_line()
    markdown = render_markdown(report_data(results, "http://127.0.0.1:1", "dataset", "must"))
    assert "ST999 Something new" in markdown


def test_a_mapped_and_an_unmapped_finding_fail_the_mapped_requirement_only_and_both_are_reported():
    results = Results("tenant-key", {})
    finding = GeneratedCaseFailed(["HTTP-NO-5XX"], "ST101 ...", ["ST999 Something new"])
    explained = explanation.explain(finding, TENANT_KEY)
    assert "HTTP-NO-5XX [MUST]" in explained.text and "ST999 Something new (a Schemathesis finding" in explained.text
    record(results, "t::p", finding, PROPERTY_TEST_IDS)
    assert [r.requirement.id for r in results.by_id.values() if r.status == "fail"] == ["HTTP-NO-5XX"]
    assert results.unattributed_failures


def test_an_error_of_the_suite_itself_blames_no_requirement_of_the_target():
    results = Results("tenant-key", {})
    record(results, "t::p", KeyError("messages"), PROPERTY_TEST_IDS)
    assert not [r for r in results.by_id.values() if r.status == "fail"]
    assert results.unattributed_failures and "unexpected error: KeyError" in results.unattributed_failures[0]
    assert not results.passed_gate("must")


def test_a_violation_fails_its_requirement_and_leaves_the_others_of_the_test_unverified():
    results = Results("tenant-key", {})
    record(results, "t::w", Violation("PAGE-HAS-MORE", "has_more is True"), "PAGE-HAS-MORE ORDER-ASC")
    assert results.by_id["PAGE-HAS-MORE"].status == "fail"
    assert results.by_id["ORDER-ASC"].status == "unverified"
    assert not results.unattributed_failures


@pytest.mark.parametrize("level", ["must", "should"])
def test_a_run_that_checked_nothing_does_not_pass_the_gate(level):
    assert not Results("tenant-key", {}).passed_gate(level)


WALK_IDS = "PAGE-PARTITION PAGE-TOTAL PAGE-LENGTH PAGE-HAS-MORE ORDER-ASC"
MOVED = Inconclusive((pagination.total, pagination.partition), "the chat changed while it was read: total 240 ...")


def test_a_check_the_chat_moved_under_leaves_its_rules_across_reads_inconclusive_and_passes_the_rest():
    explained = explanation.explain(MOVED, TENANT_KEY)
    assert explained.failed == [] and explained.inconclusive == ["PAGE-TOTAL", "PAGE-PARTITION"]
    assert not explained.unattributed and not explained.stopped
    assert explained.text.startswith("inconclusive (PAGE-TOTAL, PAGE-PARTITION): the chat changed")
    results = Results("tenant-key", {})
    record(results, "t::walk[1-asc]", MOVED, WALK_IDS)
    statuses = {i: results.by_id[i].status for i in WALK_IDS.split()}
    assert statuses == {"PAGE-PARTITION": "inconclusive", "PAGE-TOTAL": "inconclusive", "PAGE-LENGTH": "pass",
                        "PAGE-HAS-MORE": "pass", "ORDER-ASC": "pass"}
    assert results.by_id["PAGE-TOTAL"].reasons == [explanation.explain(MOVED, TENANT_KEY).text]


@pytest.mark.parametrize("first_passed", [True, False], ids=["pass then inconclusive", "inconclusive then pass"])
def test_inconclusive_outranks_a_pass_of_the_same_requirement_in_any_order(first_passed):
    results = Results("tenant-key", {})
    reports = [("t::walk[100-asc]", None), ("t::walk[1-asc]", MOVED)]
    for nodeid, exc in reports if first_passed else reversed(reports):
        record(results, nodeid, exc, WALK_IDS)
    assert results.by_id["PAGE-PARTITION"].status == "inconclusive"  # a walk of one size proved it, not all
    assert results.by_id["PAGE-HAS-MORE"].status == "pass"


@pytest.mark.parametrize("fail_first", [True, False], ids=["fail then inconclusive", "inconclusive then fail"])
def test_a_failure_outranks_inconclusive_in_any_order(fail_first):
    results = Results("tenant-key", {})
    reports = [("t::same-set[100]", Violation("ORDER-SAME-SET", "asc and desc walks differ")),
               ("t::same-set[7]", Inconclusive((ordering.same_set,), "the chat changed while it was read"))]
    for nodeid, exc in reports if fail_first else reversed(reports):
        record(results, nodeid, exc, "ORDER-SAME-SET")
    assert results.by_id["ORDER-SAME-SET"].status == "fail"
    assert not results.passed_gate("must")


def test_inconclusive_requirements_are_counted_apart_and_do_not_fail_the_gate():
    results = Results("tenant-key", {})
    record(results, "t::walk[1-asc]", MOVED, WALK_IDS)
    record(results, "t::other", None, "PAGE-OFFSET-ECHO")
    results.record("t::skipped", "skipped", {CHECKS: "MSG-CONTENT-EXACT"}, "needs dataset mode")
    assert results.counts() == {"MUST": (4, 4)}  # judged: the three the walk passed, and the echo
    line = results.summary_line()
    assert line.startswith("MUST 4/4 · 2 inconclusive (2 MUST) · 1 skipped · ")  # then the unverified rest
    assert results.passed_gate("must") and results.passed_gate("should")
    data = report_data(results, "http://127.0.0.1:1", "discovery", "must")
    assert data["passed_gate"] is True and data["summary"] == line
    assert data["inconclusive"] == ["PAGE-TOTAL", "PAGE-PARTITION"]
    by_id = {r["id"]: r for r in data["requirements"]}
    assert by_id["PAGE-TOTAL"]["status"] == "inconclusive" and "the chat changed" in by_id["PAGE-TOTAL"]["reasons"][0]
    markdown = render_markdown(data)
    assert "**2 inconclusive** (PAGE-TOTAL, PAGE-PARTITION): the data changed while it was read" in markdown
    assert "| PAGE-TOTAL | MUST | ❔ inconclusive" in markdown


def test_a_run_with_nothing_but_inconclusive_requirements_checked_nothing():
    results = Results("tenant-key", {})
    record(results, "t::same-set[7]", Inconclusive((ordering.same_set,), "moved"), "ORDER-SAME-SET")
    assert results.by_id["ORDER-SAME-SET"].status == "inconclusive"
    assert not results.passed_gate("must")


def test_rules_that_ran_and_held_in_a_failed_test_pass_and_the_others_stay_unverified_saying_why():
    from conformance.results import HELD

    results = Results("tenant-key", {})
    explained = explanation.explain(Violation("PAGE-HAS-MORE", "off by one"), TENANT_KEY)
    results.record("t::walk", "failed", {CHECKS: "PAGE-HAS-MORE PAGE-LENGTH PAGE-PARTITION", FAILED: " ".join(
        explained.failed), HELD: "PAGE-LENGTH"}, explanation.first_line(explained.text))
    statuses = {i: results.by_id[i].status for i in ("PAGE-HAS-MORE", "PAGE-LENGTH", "PAGE-PARTITION")}
    assert statuses == {"PAGE-HAS-MORE": "fail", "PAGE-LENGTH": "pass", "PAGE-PARTITION": "unverified"}
    assert "before its rules ran" in results.by_id["PAGE-PARTITION"].reasons[0]


def test_a_should_failure_never_hides_a_must_the_gate_fails_on_a_must_left_unverified():
    results = Results("tenant-key", {})
    record(results, "t::errors", Violation("HTTP-NO-STACK-TRACE", "a traceback"), "HTTP-NO-STACK-TRACE HTTP-NO-5XX")
    assert results.by_id["HTTP-NO-STACK-TRACE"].status == "fail"  # a SHOULD: a warning at the MUST gate
    assert not results.failing("must") and results.complete
    assert [r.requirement.id for r in results.unverified("must")] == ["HTTP-NO-5XX"]
    assert not results.passed_gate("must")
    assert report_data(results, "http://127.0.0.1:1", "dataset", "must")["unverified_gated"] == ["HTTP-NO-5XX"]
    record(results, "t::odd", None, "HTTP-NO-5XX")  # another test judged it
    assert results.passed_gate("must") and not results.passed_gate("should")


def test_a_target_gone_silent_stops_the_run_and_fails_http_answers():
    from conformance.transport.errors import TargetSilent

    results = Results("tenant-key", {})
    record(results, "t::a", TargetSilent("the target stopped answering: 3 requests in a row"), "PAGE-TOTAL")
    assert not results.complete and results.by_id["HTTP-ANSWERS"].status == "fail"
    assert results.by_id["PAGE-TOTAL"].status == "unverified"


def test_each_failed_requirement_of_one_test_keeps_its_own_reason():
    from conformance.results import REASONS
    from conformance.violations import Violations

    results = Results("tenant-key", {})
    explained = explanation.explain(Violations([Violation("PAGE-OFFSET-ECHO", "offset 49"),
                                             Violation("PAGE-LIMIT-ECHO", "limit 3")]), TENANT_KEY)
    assert explained.failed == ["PAGE-OFFSET-ECHO", "PAGE-LIMIT-ECHO"]
    props = {CHECKS: "PAGE-OFFSET-ECHO PAGE-LIMIT-ECHO", FAILED: " ".join(explained.failed),
             REASONS: "\n".join(f"{k}\t{v}" for k, v in explained.reasons.items())}
    results.record("t::page", "failed", props, explanation.first_line(explained.text))
    assert "limit 3" in results.by_id["PAGE-LIMIT-ECHO"].reasons[0]
    assert "offset 49" in results.by_id["PAGE-OFFSET-ECHO"].reasons[0]


# ------------------------------------------------------------------ reporting, across processes

def test_throttling_is_summed_over_processes_keeping_each_ones_latest():
    results = Results("org-token", {})
    for value in ("gw0 1 1.000", "gw1 2 2.500", "gw0 3 3.000", "gw0 2 2.000", "main 1 0.100"):
        results.note_throttling(value)
    assert results.throttling == Throttling(6, pytest.approx(5.6))
    assert "throttled 6× (6 s waited)" in results.summary_line()


def test_an_unthrottled_run_says_nothing_of_it():
    assert "throttled" not in Results("org-token", {}).summary_line()
