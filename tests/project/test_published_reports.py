"""The reports of two real runs — the reference and a mutant, each recorded — as people and tools receive them:
report.html in a headless Chromium, the diff between the two runs, claim.json and badge.svg, the known-failures
file updated, and the step summary grouped by requirement."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conformance import diff
from conformance.catalogue import requirements
from conformance.claim import sha256_of
from conformance.known_failures import read_known_failures
from conformance.masking import encodings
from harness import ROOT, env, load_switches, run_suite, serve, shipped_dataset

# Its failures are exactly the ids it declares (no other rule breaks as a consequence), so a diff can be held to
# name exactly those.
MUTANT = next(m for m in load_switches("mutants") if m["name"] == "default-order-desc" and m["profile"] == "tenant-key")
EXPIRED = MUTANT["violates"][0]  # excused by an entry past its date: it must fail the gate again, saying so
DROPPED = MUTANT["violates"][0]  # an entry the reference passes: --known-failures-update removes it
KEPT = next(r.id for r in requirements().values() if r.profile == "org-token")  # another profile's: never judged here
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two recorded suite runs: the reference (updating a known-failures file) and the mutant (with an expired
    known failure and a GitHub step summary). Each run's files are written out, as a CI artifact would hold them."""
    tmp = tmp_path_factory.mktemp("published")
    known = tmp / "known.yaml"
    known.write_text(f"# our deployment's known failures\n{DROPPED}: tracked in BUG-7  # fixed in 2.3\n"
                     f"{KEPT}:\n  reason: the org variant, tracked in BUG-9\n  until: 2999-12-31\n", encoding="utf-8")
    expired = tmp / "expired.yaml"
    expired.write_text(f"{EXPIRED}:\n  reason: tracked in BUG-8\n  until: 2020-01-01\n", encoding="utf-8")
    summary = tmp / "step-summary.md"
    out = {}
    with serve() as url:
        out["reference"] = run_suite("--record", "run.har", "--known-failures", str(known), "--known-failures-update",
                                     base_url=url)
    with serve(mutant=MUTANT["name"]) as url:
        out["mutant"] = run_suite("--record", "run.har", "--known-failures", str(expired), base_url=url,
                                  extra_env={"GITHUB_STEP_SUMMARY": str(summary)})
    for name, run in out.items():
        for relative, content in run.files.items():
            (tmp / name / relative).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name / relative).write_bytes(content)
    return {"tmp": tmp, "known": known, "summary": summary, **out}


def test_both_runs_write_every_report(runs):
    assert runs["reference"].returncode == 0, runs["reference"].output[-3000:]
    assert runs["mutant"].returncode == 1, runs["mutant"].output[-3000:]
    for name in ("reference", "mutant"):
        written = set(runs[name].files)
        assert {f"report/{f}" for f in ("report.json", "report.md", "report.html", "claim.json", "badge.svg")} <= written


def test_no_key_in_any_byte_of_any_file(runs):
    keys = [k for k in shipped_dataset("tenant-key").tenants.values() if k]
    forms = {form for key in keys for form in encodings(key)}
    forms |= {html.escape(form) for form in forms}
    for name in ("reference", "mutant"):
        for relative, content in runs[name].files.items():
            for form in forms:
                assert form.encode() not in content, f"{name}/{relative} holds a key"
    summary = runs["summary"].read_bytes()
    assert summary and not any(form.encode() in summary for form in forms)


# ------------------------------------------------------------------------------------------------ report.html

@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; .ci/run does, as root; or set "
                    "CHROMIUM to its path)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_report(browser, path: Path, javascript: bool = True):
    """The page, with what it logged as an error and every URL it asked for."""
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    errors, requested = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, errors, requested


@pytest.mark.parametrize("name", ["reference", "mutant"])
def test_the_page_renders_with_the_counts_of_report_json_and_no_error_or_request(runs, browser, name):
    report = runs[name].report
    context, page, errors, requested = open_report(browser, runs["tmp"] / name / "report" / "report.html")
    try:
        assert page.inner_text("#summary") == report["summary"]
        assert ("passed" if report["passed_gate"] else "not passed") in page.inner_text("#gate")
        rows = page.locator("#requirements tbody tr")
        assert rows.count() == len(report["requirements"])
        shown = {rows.nth(i).get_attribute("id"): rows.nth(i).get_attribute("data-status") for i in range(rows.count())}
        assert shown == {f"req-{r['id']}": r["status"] for r in report["requirements"]}
        statuses = Counter(r["status"] for r in report["requirements"])
        for status, count in statuses.items():
            assert page.inner_text(f'[data-count="{status}"]') == str(count)
        for level, count in report["counts"].items():
            assert page.inner_text(f'[data-level-count="{level}"]') == f"{count['passed']}/{count['checked']}"
        assert page.is_visible("#filters")
        assert errors == []
        assert all(url.startswith("file://") for url in requested), requested
    finally:
        context.close()


def test_each_failure_shows_what_broke_the_curl_line_the_response_and_the_recorded_exchange(runs, browser):
    report = runs["mutant"].report
    context, page, errors, _ = open_report(browser, runs["tmp"] / "mutant" / "report" / "report.html")
    try:
        for req_id in MUTANT["violates"]:
            section = page.locator(f"#failures-{req_id}")
            assert section.count() == 1
            failures = [f for f in report["failures"] if req_id in f["requirements"]]
            assert section.locator("article.failure").count() == len(failures) >= 1
            curl = section.locator("pre.curl").first.inner_text()
            assert curl.startswith("curl -X GET ") and "http://127.0.0.1:" in curl and "-H 'X-API-Key: ***'" in curl
            assert "HTTP 200" in section.locator("pre.response").first.inner_text()
            exchange = section.locator("details.exchange").first
            exchange.locator("summary").click()
            assert "X-API-Key: <primary key>" in exchange.inner_text()
        expired = page.inner_text(f"#req-{EXPIRED}")
        assert "known failure expired on 2020-01-01" in expired and "fails the gate again" in expired
        assert errors == []
    finally:
        context.close()


def test_the_table_reads_without_javascript_and_the_filters_need_it(runs, browser):
    report = runs["mutant"].report
    context, page, _, _ = open_report(browser, runs["tmp"] / "mutant" / "report" / "report.html", javascript=False)
    try:
        rows = page.locator("#requirements tbody tr")
        assert sum(rows.nth(i).is_visible() for i in range(rows.count())) == len(report["requirements"])
        assert not page.is_visible("#filters")
    finally:
        context.close()
    context, page, errors, _ = open_report(browser, runs["tmp"] / "mutant" / "report" / "report.html")
    try:
        for status in {r["status"] for r in report["requirements"]} - {"fail"}:
            page.locator(f'#filters input[name="status"][value="{status}"]').uncheck()
        page.locator('#filters input[name="level"][value="SHOULD"]').uncheck()
        visible = {r["id"] for r in report["requirements"] if r["status"] == "fail" and r["level"] != "SHOULD"}
        shown = page.locator("#requirements tbody tr:not([hidden])")
        assert {shown.nth(i).get_attribute("id") for i in range(shown.count())} == {f"req-{i}" for i in visible}
        assert errors == []
    finally:
        context.close()


# ------------------------------------------------------------------------------------------------ the diff

def test_a_diff_from_the_reference_to_the_mutant_names_exactly_the_mutants_ids(runs, capsys):
    old, new = (str(runs["tmp"] / name / "report" / "report.json") for name in ("reference", "mutant"))
    assert diff.main([old, new]) == 1
    markdown = capsys.readouterr().out
    regressions = markdown.split("### Regressions")[1].split("###")[0]
    assert set(re.findall(r"^\| ([A-Z0-9-]+) \|", regressions, flags=re.M)) == set(MUTANT["violates"])
    assert diff.main([new, old]) == 0
    fixes = capsys.readouterr().out.split("### Fixes")[1].split("###")[0]
    assert set(re.findall(r"^\| ([A-Z0-9-]+) \|", fixes, flags=re.M)) == set(MUTANT["violates"])


def test_python_m_conformance_diff_exits_1_on_a_regression_and_reads_claims_too(runs):
    old, new = (str(runs["tmp"] / name / "report" / "claim.json") for name in ("reference", "mutant"))
    done = subprocess.run([sys.executable, "-m", "conformance", "diff", old, new], capture_output=True, text=True,
                          env=env(), cwd=ROOT, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "## Conformance diff: 2 regressions" in done.stdout and MUTANT["violates"][1] in done.stdout


# ------------------------------------------------------------------------------------------------ claim and badge

def test_the_claim_names_what_the_verdicts_rest_on(runs):
    reference = json.loads(runs["reference"].files["report/claim.json"])
    mutant = json.loads(runs["mutant"].files["report/claim.json"])
    assert reference["level_reached"] == "MUST and SHOULD" and mutant["level_reached"] is None
    assert reference["inputs"]["catalogue"]["sha256"] == sha256_of(ROOT / "conformance" / "requirements.yaml")
    assert reference["inputs"]["spec tenant-key"]["sha256"] == sha256_of(ROOT / "openapi.yaml")
    assert reference["inputs"]["dataset"]["sha256"] == sha256_of(ROOT / "conformance" / "data" / "dataset.json")
    assert reference["recording"]["sha256"] == sha256_of(runs["tmp"] / "reference" / "run.har")
    assert reference["suite_version"] and reference["options"]["level"] == "must"
    assert {i: r["status"] for i, r in mutant["requirements"].items()} == runs["mutant"].statuses()
    must = [r for r in runs["reference"].report["requirements"] if r["level"] == "MUST"]
    badge = runs["reference"].files["report/badge.svg"].decode()
    assert f"MUST {len(must)}/{len(must)}" in badge and "#4c1" in badge
    assert "#e05d44" in runs["mutant"].files["report/badge.svg"].decode()


# ------------------------------------------------------------------------------------------------ known failures

def test_known_failures_update_drops_what_now_passes_and_keeps_the_rest_as_written(runs):
    text = runs["known"].read_text(encoding="utf-8")
    assert set(read_known_failures(runs["known"])) == {KEPT}
    assert "# our deployment's known failures" in text and "until: 2999-12-31" in text
    assert f"removed from {runs['known']}, now passing: {DROPPED}" in runs["reference"].output


def test_an_expired_known_failure_fails_the_gate_again_saying_so(runs):
    run = runs["mutant"]
    assert run.statuses()[EXPIRED] == "fail" and run.report["passed_gate"] is False
    assert f"known failure expired on 2020-01-01 (tracked in BUG-8): {EXPIRED} is judged again" in run.output


# ------------------------------------------------------------------------------------------------ step summary

def test_the_step_summary_has_one_section_per_failed_requirement_listing_its_tests(runs):
    summary = runs["summary"].read_text(encoding="utf-8")
    sections = re.findall(r"^#### ❌ ([A-Z0-9-]+) ", summary, flags=re.M)
    assert sorted(sections) == sorted(MUTANT["violates"])
    for req_id in MUTANT["violates"]:
        section = summary.split(f"#### ❌ {req_id} ")[1].split("####")[0]
        failed = [f["test"] for f in runs["mutant"].report["failures"] if req_id in f["requirements"]]
        assert all(f"`{test}`" in section for test in failed)
        assert "curl -X GET" in section
