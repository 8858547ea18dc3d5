"""Each status said once: every report labels it from one table, and the gate counts as judged only pass and fail."""

from __future__ import annotations

from conformance import statuses
from conformance.results import RequirementResult


def test_every_status_a_result_can_have_is_in_the_table_with_a_meaning():
    assert RequirementResult.__dataclass_fields__["status"].default in statuses.STATUSES
    assert all(s.icon and s.label and s.meaning for s in statuses.STATUSES.values())


def test_neither_passed_nor_failed_is_every_status_but_pass_fail_and_known_failure():
    assert set(statuses.UNJUDGED) == set(statuses.STATUSES) - {"pass", "fail", "known-failure"}


def test_unverified_says_no_rule_of_it_ran_to_the_end():
    assert statuses.meaning("unverified").startswith("no rule of it ran to the end")
    assert "not run, or its checks stopped at another failure" not in statuses.meaning("unverified")


def test_a_status_of_another_version_is_shown_as_its_name():
    assert statuses.marked("pass") == "✅ pass" and statuses.label("skip") == "skipped"
    assert statuses.marked("someday") == statuses.label("someday") == "someday" and statuses.meaning("someday") == ""
