"""What a check's report carries: its requirements, those that held, and what explained a failure."""

from __future__ import annotations

from conformance import properties
from conformance.explanation import Explanation
from conformance.masking import REDACTOR
from conformance.results import (BY_EDGE, CHECKS, ENTRIES, FAILED, HELD, INCONCLUSIVE, NOTE, REASON, REASONS,
                                 REPRODUCED, STOPPED, THROTTLING, UNATTRIBUTED)

KEY = "tk_properties_test_only_3b1f9a"  # registered with the redactor by one test: no other test knows it


def explained(**fields) -> Explanation:
    return Explanation(**{"failed": [], "text": "x", **fields})


def test_a_report_keeps_what_the_test_wrote_and_replaces_what_the_plugin_sets():
    props = [(NOTE, "PAGE-PARTITION\tin windows"), (CHECKS, "OLD"), (FAILED, "OLD"), ("kill_row", "r")]
    assert properties.of_check(props, ["ENV-SHAPE", "MSG-SHAPE"], None, None, None) == [
        (NOTE, "PAGE-PARTITION\tin windows"), ("kill_row", "r"), (CHECKS, "ENV-SHAPE MSG-SHAPE")]


def test_the_call_says_which_rules_held_and_the_process_its_waits_and_edge_answers():
    assert properties.of_check([], ["A"], ["A"], "gw0 2 3.0", "gw0 nginx=1") == [
        (CHECKS, "A"), (HELD, "A"), (THROTTLING, "gw0 2 3.0"), (BY_EDGE, "gw0 nginx=1")]
    assert properties.of_check([], [], [], None, None) == [(CHECKS, ""), (HELD, "")]


def test_a_failure_carries_its_ids_reasons_entries_and_findings_without_a_key():
    REDACTOR.add(KEY)  # a key of the run, as startup registers it
    found = explained(failed=["PAGE-HAS-MORE", "PAGE-LENGTH"], entries=["e1", "e2"], inconclusive=["PAGE-TOTAL"],
                      reasons={"PAGE-HAS-MORE": f"key {KEY}", "PAGE-LENGTH": "short"}, unattributed=[f"ST999 {KEY}"])
    props = dict(properties.of_failure(found, f"broke with {KEY}", reproduced=False))
    assert props[FAILED] == "PAGE-HAS-MORE PAGE-LENGTH" and props[REPRODUCED] == "no"
    assert props[ENTRIES] == "e1 e2" and props[INCONCLUSIVE] == "PAGE-TOTAL"
    assert props[REASONS].splitlines()[1] == "PAGE-LENGTH\tshort"
    assert KEY not in props[REASON] + props[REASONS] + props[UNATTRIBUTED]
    assert STOPPED not in props


def test_a_failure_of_one_requirement_has_no_reasons_list_and_says_nothing_of_a_recheck_not_made():
    props = properties.of_failure(explained(failed=["ENV-SHAPE"], reasons={"ENV-SHAPE": "x"}), "why", None)
    assert props == [(FAILED, "ENV-SHAPE"), (REASON, "why")]
    assert properties.of_failure(explained(stopped="--max-requests"), "why", None)[-1] == (STOPPED, "--max-requests")


def test_a_flaky_failure_says_so_in_its_reason():
    assert properties.reason_of("ENV-SHAPE [MUST] x", False) == "ENV-SHAPE [MUST] x (did not reproduce: flaky)"
    assert properties.reason_of("ENV-SHAPE [MUST] x", True) == properties.reason_of("ENV-SHAPE [MUST] x", None)


def test_the_answer_is_asked_again_only_for_requirements_failed_that_are_not_all_known():
    assert properties.recheck_due(explained(failed=["A", "B"]), {"A": "ticket"})
    assert not properties.recheck_due(explained(failed=["A"]), {"A": "ticket"})
    assert not properties.recheck_due(explained(failed=["A"], stopped="--max-duration"), {})
    assert not properties.recheck_due(explained(unattributed=["ST999"]), {})


def test_a_failure_is_excused_only_when_every_requirement_it_broke_is_a_known_failure():
    known = {"A": "ticket 1", "B": "ticket 2"}
    assert properties.known_failure(explained(failed=["A", "B"]), known) == "known failure: A: ticket 1; B: ticket 2"
    assert properties.known_failure(explained(failed=["A", "C"]), known) is None
    assert properties.known_failure(explained(failed=["A"], unattributed=["ST999"]), known) is None
    assert properties.known_failure(explained(failed=["A"], stopped="--max-requests"), known) is None
    assert properties.known_failure(explained(), known) is None


def test_only_inconclusive_when_the_data_moved_and_nothing_else_went_wrong():
    assert properties.only_inconclusive(explained(inconclusive=["PAGE-TOTAL"]))
    assert not properties.only_inconclusive(explained(inconclusive=["PAGE-TOTAL"], failed=["ENV-SHAPE"]))
    assert not properties.only_inconclusive(explained())


def test_junit_shows_the_ids_failed_and_inconclusive():
    assert properties.for_junit(explained(failed=["A"], inconclusive=["B"])) == {FAILED: "A", INCONCLUSIVE: "B"}
    assert properties.for_junit(explained()) == {}


def test_a_skip_reason_is_its_message():
    assert properties.skip_reason(("f.py", 3, "Skipped: needs --foreign-api-key")) == "needs --foreign-api-key"
