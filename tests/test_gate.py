"""A gate people trust: the exit status, the reports, junit, --level, --known-failures, and bad input."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from conformance.catalogue import requirements
from harness import load_switches, run_suite, serve

pytestmark = pytest.mark.slow
MUTANTS = load_switches("mutants")


def mutant_violating(*, levels: set[str], profile: str = "tenant-key") -> dict:
    """A mutant whose declared violations all have one of these levels (chosen by data, not by name)."""
    return next(m for m in MUTANTS if m["profile"] == profile and "hang" not in m["name"] and m["violates"]
                and {requirements()[r].level for r in m["violates"]} <= levels)


@pytest.fixture(scope="module")
def reference_run():
    with serve() as url:
        return url, run_suite(base_url=url)


def test_reference_run_passes_and_reports_every_requirement(reference_run):
    url, run = reference_run
    assert run.returncode == 0
    report = run.report
    assert report["target"] == url and report["mode"] == "dataset" and report["profile"] == "tenant-key"
    assert report["suite_version"] and report["time"] and report["passed_gate"] is True
    ids = [r["id"] for r in report["requirements"]]
    assert ids == [r.id for r in requirements().values() if r.profile == "tenant-key"]
    assert {r["status"] for r in report["requirements"]} == {"pass"}
    for entry in report["requirements"]:
        assert entry["level"] and entry["statement"] and entry["tests"]


def test_summary_line_is_the_same_in_terminal_and_markdown(reference_run):
    _, run = reference_run
    markdown = run.files["report/report.md"].decode()
    line = re.search(r"MUST \d+/\d+ · SHOULD \d+/\d+[^\n]*", markdown).group(0)
    assert line in run.output
    assert "| Requirement | Level | Status |" in markdown and "| PAGE-HAS-MORE | MUST | ✅ pass |" in markdown


def test_junit_names_requirements_in_properties(reference_run):
    _, run = reference_run
    tree = ET.fromstring(run.files["junit.xml"])
    props = {p.get("value") for p in tree.iter("property") if p.get("name") == "conformance_requirements"}
    assert any("PAGE-HAS-MORE" in v for v in props) and any("AUTH-FOREIGN-404" in v for v in props)


def test_a_must_violation_fails_the_gate_and_names_the_rule(tmp_path):
    mutant = mutant_violating(levels={"MUST"})
    with serve(mutant=mutant["name"]) as url:
        run = run_suite(base_url=url)
    assert run.returncode == 1 and run.report["passed_gate"] is False
    req = requirements()[mutant["violates"][0]]
    assert f"{req.id} [MUST] {req.statement}" in run.output
    assert "curl -X GET" in run.output and "X-API-Key: ***" in run.output
    failing = [r for r in run.report["requirements"] if r["status"] == "fail"]
    assert all(r["reasons"] and r["reasons"][0] for r in failing)


def test_should_failures_warn_under_level_must_and_fail_under_level_should():
    mutant = mutant_violating(levels={"SHOULD"})
    with serve(mutant=mutant["name"]) as url:
        lenient = run_suite(base_url=url)
        strict = run_suite("--level", "should", base_url=url)
    assert lenient.returncode == 0, lenient.output[-2000:]
    assert "warning: " in lenient.output and set(mutant["violates"]) <= lenient.failed()
    assert "(warning)" in lenient.files["report/report.md"].decode()
    assert strict.returncode == 1


def test_known_failures_do_not_fail_the_gate_and_passing_ones_are_reported(tmp_path):
    mutant = mutant_violating(levels={"MUST"})
    known = tmp_path / "known.yaml"
    with serve(mutant=mutant["name"]) as url:
        failing = run_suite(base_url=url)
        assert failing.returncode == 1
        known.write_text("".join(f"{r}: tracked in BUG-1\n" for r in sorted(failing.failed())), encoding="utf-8")
        run = run_suite("--known-failures", str(known), base_url=url)
    assert run.returncode == 0, run.output[-3000:]
    statuses = run.statuses()
    assert all(statuses[r] == "known-failure" for r in failing.failed())
    assert "known failures" in run.report["summary"]
    with serve() as url:
        fixed = run_suite("--known-failures", str(known), base_url=url)
    assert fixed.returncode == 0
    assert f"known failure now passes: {sorted(failing.failed())[0]}" in fixed.output
    assert json.loads(fixed.files["report/report.json"])["requirements"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "sometimes"], "invalid choice: 'sometimes'"),
        (["--profile", "xml"], "invalid choice: 'xml'"),
        (["--request-timeout", "soon"], "--request-timeout / CONFORMANCE_REQUEST_TIMEOUT"),
        (["--rate-limit", "fast"], "expected N/s"),
        (["--known-failures", "/nonexistent/known.yaml"], "cannot read"),
        (["--dataset", "x.json", "--no-dataset"], "exclude each other"),
        (["--max-duration", "inf"], "--max-duration / CONFORMANCE_MAX_DURATION: must be a finite number"),
        (["--max-throttle-wait", "-1"], "--max-throttle-wait / CONFORMANCE_MAX_THROTTLE_WAIT: must be zero or more"),
        (["--auth-header", "X Bad"], "'X Bad' is not an HTTP header name"),
        (["--api-key", "clé-non-ascii-123"], "the key cannot be sent in an HTTP header"),
        (["--api-key", "two\nlines-123456"], "the key cannot be sent in an HTTP header"),
        (["--known-failures-update"], "--known-failures-update needs --known-failures FILE"),
    ],
)
def test_a_wrong_option_is_one_clear_error(args, message):
    run = run_suite(*args, base_url="http://127.0.0.1:9", timeout=60)
    assert run.returncode == 4 and message in run.output, run.output[-2000:]
    assert "Traceback" not in run.output
    if args[0] == "--api-key":
        assert args[1] not in run.output, "a key is never printed, not even a malformed one"


def test_a_malformed_dataset_names_the_file_and_the_problem(tmp_path):
    bad = tmp_path / "dataset.json"
    bad.write_text('{"tenants": {}, "chats": [], "roles": {', encoding="utf-8")
    run = run_suite("--dataset", str(bad), timeout=60)
    assert run.returncode == 4
    assert f"malformed dataset: {bad}" in run.output and "Traceback" not in run.output


def test_a_known_failures_file_too_deep_to_read_is_a_clear_error(tmp_path):
    known = tmp_path / "known.yaml"
    known.write_text("[" * 100_000, encoding="utf-8")
    run = run_suite("--known-failures", str(known), base_url="http://127.0.0.1:9", timeout=60)
    assert run.returncode == 4 and "nested too deep to read" in run.output
    assert "Traceback" not in run.output and "INTERNALERROR" not in run.output


def test_unknown_known_failure_id_is_a_clear_error(tmp_path):
    known = tmp_path / "known.yaml"
    known.write_text("NOT-A-RULE: because\n", encoding="utf-8")
    run = run_suite("--known-failures", str(known), base_url="http://127.0.0.1:9", timeout=60)
    assert run.returncode == 4 and "'NOT-A-RULE' is not a requirement id" in run.output


def test_a_missing_key_or_id_skips_exactly_the_checks_that_need_it_and_says_what_to_supply():
    from conformance.dataset import load_dataset
    from conformance.profiles import default_dataset_path

    data = load_dataset(default_dataset_path("tenant-key"), "tenant-key")
    with serve() as url:
        run = run_suite("--no-dataset", "--chat-id", data.roles["populated"], base_url=url,
                        extra_env={"CONFORMANCE_API_KEY": data.tenants["primary"]})
    assert run.returncode == 0, run.output[-3000:]
    reasons = {r["id"]: " ".join(r["reasons"]) for r in run.report["requirements"] if r["status"] == "skip"}
    assert "--foreign-api-key" in reasons["AUTH-FOREIGN-404"]
    assert "--empty-chat-id" in reasons["CHAT-EMPTY"]
    assert "dataset mode" in reasons["MSG-CONTENT-EXACT"]
    statuses = run.statuses()
    assert statuses["PAGE-PARTITION"] == statuses["PAGE-HAS-MORE"] == statuses["ORDER-DESC"] == "pass"
    assert "skipped" in run.report["summary"]


def test_generation_is_deterministic_by_default_and_a_seed_explores_without_writing_a_database():
    with serve() as url:
        runs = [run_suite("-k", "properties", base_url=url) for _ in range(2)]
        seeded = run_suite("-k", "properties", "--fuzz-seed", "7", "--fuzz-examples", "30", base_url=url)
    sent = [re.search(r"requests sent: (\d+)", run.output).group(1) for run in runs]
    assert runs[0].returncode == runs[1].returncode == seeded.returncode == 0
    assert sent[0] == sent[1], "two default runs must send the same requests"
    for run in (*runs, seeded):
        assert not [name for name in run.files if ".hypothesis" in name], "no example database in the user's tree"
