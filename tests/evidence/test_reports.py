"""conformance/evidence/reports.py: a judged capture's reports written without pytest (the proxy add-on's) say what
the passive run of the suite on the same capture says; and passive judging imports no HTTP client and no pytest
(the add-on runs in mitmproxy's own environment)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance import evidence
from conformance.evidence import reports
from conformance.profiles import profile as profile_named
from harness import ROOT, run_suite
from captures import captured


@pytest.mark.parametrize("mutant", ["has-more-full-page"])
def test_reports_of_a_capture_say_what_the_passive_run_says(mutant, tmp_path: Path):
    path = tmp_path / "capture.har"
    path.write_text(captured("tenant-key", mutant), encoding="utf-8")
    tenant_key = profile_named("tenant-key")
    capture = evidence.judge_source(evidence.source_of(str(path)), tenant_key, tenant_key.auth_header)
    written = reports.write(capture, str(tmp_path / "report"))
    assert {p.name for p in written} >= {"report.json", "report.md", "report.html", "claim.json", "badge.svg"}
    ours = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    run = run_suite("--from-har", str(path), "-n", "0")
    for field in ("summary", "passed_gate", "not_exercised", "inconclusive", "har", "mode", "counts"):
        assert ours[field] == run.report[field], field
    assert ({r["id"]: (r["status"], r["har_entries"]) for r in ours["requirements"]}
            == {r["id"]: (r["status"], r["har_entries"]) for r in run.report["requirements"]})


def test_passive_judging_imports_no_http_client_and_no_pytest():
    code = ("import sys, conformance.evidence, conformance.evidence.reports; "
            "print(sorted(m for m in ('httpx', 'httpcore', 'h11', 'pytest', 'schemathesis', 'hypothesis') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
