"""A check runs every rule it can and reports every one broken: violations.every, go_on, Violations."""

from __future__ import annotations

import pytest

from conformance.profiles import TENANT_KEY
from conformance.rules import answers
from conformance.violations import Inconclusive, Violation, Violations, every, flatten, gathering, go_on, merged


def broke(req: str, detail: str = "x") -> None:
    raise Violation(req, detail)


def test_every_block_runs_and_every_finding_is_raised_together():
    ran = []
    with pytest.raises(Violations) as raised:
        with every() as each:
            for req in ("A-ONE", "B-TWO", "C-THREE"):
                with each:
                    ran.append(req)
                    if req != "B-TWO":
                        broke(req)
    assert ran == ["A-ONE", "B-TWO", "C-THREE"]
    assert [f.requirement for f in flatten(raised.value)] == ["A-ONE", "C-THREE"]
    assert isinstance(raised.value, AssertionError)  # a Schemathesis check raising it fails like any other


def test_one_finding_is_raised_as_itself_and_a_requirement_broken_twice_once():
    with pytest.raises(Violation) as raised:
        with every() as each:
            for page in range(3):
                with each:
                    broke("A-ONE", f"page {page}")
    assert raised.value.detail == "page 0"  # its first evidence
    assert [f.requirement for f in merged([Violation("A", "1"), Violation("B", "2"), Violation("A", "3")])] == ["A", "B"]


def test_inconclusive_rules_travel_with_the_broken_ones():
    with pytest.raises(Violations) as raised:
        with every() as each:
            with each:
                raise Inconclusive((), "the chat moved")
            with each:
                broke("A-ONE")
    kinds = [type(f).__name__ for f in flatten(raised.value)]
    assert kinds == ["Inconclusive", "Violation"]


def test_an_error_that_is_no_finding_is_not_swallowed():
    with pytest.raises(KeyError):
        with every() as each:
            with each:
                raise KeyError("a fault of the suite")


def test_go_on_hands_the_finding_to_the_test_and_the_code_after_it_runs():
    after = []
    with gathering() as test:
        with go_on():
            broke("A-ONE")
        after.append("ran")
        with go_on(when=False), pytest.raises(Violation):
            broke("B-TWO")  # what follows cannot go on without it: raised as it is
    assert after == ["ran"] and [f.requirement for f in test.found] == ["A-ONE"]


def test_go_on_outside_a_test_raises_as_it_is():
    with pytest.raises(Violation):
        with go_on():
            broke("A-ONE")


class _Page:
    """What the PAGE rules read of a page: offset and limit echoed wrong, nothing else."""

    def __init__(self) -> None:
        self.messages, self.total, self.offset, self.limit, self.has_more = (), 0, 7, 3, False
        self.exchange = None

    def instants(self) -> list:
        return []


def test_judging_a_page_runs_every_rule_of_its_kind():
    with pytest.raises(Violations) as raised:
        answers.judge(answers.PAGE, answers.Paged(_Page(), offset=0, limit=50), TENANT_KEY)
    assert {f.requirement for f in flatten(raised.value)} == {"PAGE-OFFSET-ECHO", "PAGE-LIMIT-ECHO"}
