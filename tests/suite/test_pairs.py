"""A server with two defects is told both: every requirement either defect breaks alone is reported (pairs.yaml)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from conformance.catalogue import requirements
from harness import PROFILE_ARGS, run_suite, serve
from reference.variants import pairs

PAIRS = pairs()


@pytest.mark.slow
@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p.profile}:{p.name}" for p in PAIRS])
def test_both_defects_of_a_pair_are_reported(pair):
    with serve(pair.profile, mutant=pair.name) as url:
        run = run_suite(*PROFILE_ARGS[pair.profile], *pair.suite_args, base_url=url)
    declared = set(pair.violates)
    assert run.report, f"the suite wrote no report:\n{run.output[-3000:]}"
    assert declared <= run.failed(), (
        f"{pair.name} ({pair.description}): expected failures {sorted(declared)}, the suite failed "
        f"{sorted(run.failed())}, missed {sorted(declared - run.failed())}\n{run.output[-3000:]}")
    must = any(requirements()[r].level == "MUST" for r in declared)
    assert run.returncode == (1 if must else 0), f"exit {run.returncode}: {run.report['summary']}"
    junit = ET.fromstring(run.files["junit.xml"])
    listed = {i for p in junit.iter("property") if p.get("name") == "conformance_failed_requirements"
              for i in p.get("value").split()}
    assert declared <= listed, f"junit lists {sorted(listed)}"
    reasons = {r["id"]: r["reasons"] for r in run.report["requirements"]}
    for req_id in declared:  # each with what broke it
        assert any(reason.startswith(f"{req_id} [") for reason in reasons[req_id]), reasons[req_id]


def test_every_pair_joins_two_declared_mutants_and_runs_in_a_profile():
    names = [p.name for p in PAIRS]
    assert len(PAIRS) >= 8 and {p.profile for p in PAIRS} == set(PROFILE_ARGS)
    assert all(name.count("+") == 1 for name in names)
