"""The verdict never claims more than the run saw: stopped runs, unattributed findings, the gate."""

from __future__ import annotations

import pytest

from conformance import verdicts
from conformance.client import BudgetExhausted, DurationExceeded
from conformance.fuzzing import GeneratedCaseFailed
from conformance.profiles import TENANT_KEY, profile
from conformance.report import render_markdown, report_data
from conformance.results import CHECKS, FAILED, STOPPED, UNATTRIBUTED, Results
from conformance.violations import Violation

PROPERTY_TEST_IDS = "HTTP-NO-5XX HTTP-STATUS-DOCUMENTED ENV-SHAPE PAGE-HAS-MORE ORDER-ASC"


def record(results: Results, nodeid: str, exc: BaseException | None, checks: str) -> None:
    """What the plugin records for a test that passed (exc None) or failed with exc."""
    props = {CHECKS: checks}
    if exc is None:
        results.record(nodeid, "passed", props, "")
        return
    explained = verdicts.explain(exc, profile(results.profile))
    props[FAILED] = " ".join(explained.failed)
    if explained.unattributed:
        props[UNATTRIBUTED] = "\n".join(explained.unattributed)
    if explained.stopped:
        props[STOPPED] = explained.stopped
    results.record(nodeid, "failed", props, verdicts.first_line(explained.text))


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
    explained = verdicts.explain(DurationExceeded("run time limit reached: 4 s (--max-duration)"), TENANT_KEY)
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
    explained = verdicts.explain(finding, TENANT_KEY)
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
