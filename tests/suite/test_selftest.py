"""The suite proves itself: every mutant is caught for the right reason; every legitimate server passes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from conformance.catalogue import requirements
from conformance.profiles import TENANT_KEY
from conformance.tenant_key.live import ACROSS_READS
from harness import PROFILE_ARGS, discovery_args, load_switches, run_suite, serve

MUTANTS = load_switches("mutants")
VARIATIONS = load_switches("variations")


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=[f"{m['profile']}:{m['name']}" for m in MUTANTS])
def test_mutant_is_caught_naming_its_requirements(mutant, record_property):
    """Each (mutant, profile): a defect both profiles have must be caught in each, under that profile's ids."""
    with serve(mutant["profile"], mutant=mutant["name"]) as url:
        run = run_suite(*PROFILE_ARGS[mutant["profile"]], *mutant["suite_args"], base_url=url)
    declared = set(mutant["violates"])
    caught = declared & run.failed()
    record_property("kill_row", f"{mutant['name']}|{mutant['profile']}|{' '.join(sorted(declared))}|"
                                f"{' '.join(sorted(caught))}")
    assert declared, f"mutant {mutant['name']} declares no requirement it violates"
    assert run.report, f"the suite wrote no report:\n{run.output[-3000:]}"
    assert caught == declared, (
        f"mutant {mutant['name']} ({mutant['description']}): expected failures {sorted(declared)}, "
        f"the suite failed {sorted(run.failed())}\n{run.output[-3000:]}"
    )
    # The defect is named under requirements: no check of the suite broke on it (an error of its own, unattributed).
    assert not run.report["unattributed_findings"], run.report["unattributed_findings"]
    if any(requirements()[r].level == "MUST" for r in declared):
        assert run.returncode == 1, f"a MUST violation must fail the run (exit {run.returncode})"
    else:
        assert run.returncode == 0, f"a defect of SHOULDs only is warned on; the run passes (exit {run.returncode})"
        # and hides no MUST: each was judged, though the SHOULD failed in the same checks
        assert run.report["unverified_gated"] == [], run.report["summary"]


# The plain reference server of each profile, then every legitimate variation in each of its profiles, in each
# mode it declares: (label, profile, variation, mode)
LEGITIMATE = [*[("reference", profile, None, mode, ()) for profile in PROFILE_ARGS for mode in ("dataset", "discovery")],
              *[(v["name"], v["profile"], v["name"], mode, v["warns"]) for v in VARIATIONS for mode in v["modes"]]]


@pytest.mark.slow
@pytest.mark.parametrize(("label", "profile", "variation", "mode", "warns"), LEGITIMATE,
                         ids=[f"{profile}:{label}-{mode}" for label, profile, _, mode, _ in LEGITIMATE])
def test_legitimate_server_passes(label, profile, variation, mode, warns):
    with serve(profile, variation=variation) as url:
        args = [*PROFILE_ARGS[profile], *(["--no-dataset", *discovery_args(profile)] if mode == "discovery" else [])]
        run = run_suite(*args, base_url=url)
    warned = set(warns)  # SHOULD requirements the variation's reading falls short of: reported, never failing the run
    assert all(requirements()[w].level == "SHOULD" for w in warned), f"{label} may be warned on SHOULDs only"
    assert run.returncode == 0 and run.failed() <= warned, (
        f"{label} ({profile}, {mode} mode) must pass (warned only on {sorted(warned)}); failed {sorted(run.failed())}"
        f"\n{run.output[-4000:]}"
    )
    inconclusive = run.report["inconclusive"]
    # Only data that changes while it is read (a variation that says it moves) leaves anything inconclusive.
    assert not inconclusive or MOVES.get((variation, profile)), f"{label}: inconclusive {inconclusive}"
    if inconclusive:
        assert f"{len(inconclusive)} inconclusive" in run.report["summary"] and run.report["passed_gate"]
        junit = ET.fromstring(run.files["junit.xml"])
        marked = {i for p in junit.iter("property") if p.get("name") == "conformance_inconclusive"
                  for i in p.get("value").split()}
        assert marked == set(inconclusive)


MOVES = {(v["name"], v["profile"]): v["moves"] for v in VARIATIONS}
ACROSS_READS_IDS = {r.id_in(TENANT_KEY) for r in ACROSS_READS}
# Mutants whose defect breaks a rule across reads: on a static chat in discovery mode it must never read as moving.
STATIC_CHAT = [m for m in MUTANTS if m["profile"] == "tenant-key" and set(m["violates"]) & ACROSS_READS_IDS]


@pytest.mark.slow
@pytest.mark.parametrize("mutant", STATIC_CHAT, ids=[m["name"] for m in STATIC_CHAT])
def test_a_static_chat_is_never_excused_as_a_live_one(mutant):
    """In discovery mode, a defect that makes totals or walks inconsistent leaves nothing inconclusive: it is judged
    (and fails where discovery mode can see it; under the ids it declares in dataset mode, test above)."""
    with serve("tenant-key", mutant=mutant["name"]) as url:
        run = run_suite("--no-dataset", *discovery_args("tenant-key"), *mutant["suite_args"], base_url=url)
    assert run.report["inconclusive"] == [], f"{mutant['name']}: {run.report['summary']}\n{run.output[-3000:]}"
    assert run.returncode == (1 if any(requirements()[r].level == "MUST" for r in run.failed()) else 0)
