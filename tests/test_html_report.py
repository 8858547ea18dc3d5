"""report.html as text: everything escaped, no key in any form, every requirement a row, readable without script.
(In a real browser, on real runs: tests/project/test_published_reports.py.)"""

from __future__ import annotations

import html
import json
import re

from conformance.html_report import render
from conformance.masking import REDACTOR, encodings
from conformance.report import report_data
from conformance.results import CHECKS, FAILED, Results

KEY = 'k3y-<b>&"quoted"\'-7f6e5d'  # a key a target may echo, with every character HTML escapes
HOSTILE = "<script>alert(1)</script>"


def page(tmp_path) -> tuple[str, dict]:
    REDACTOR.add(KEY)
    results = Results("tenant-key", {})
    results.record("t::pass", "passed", {CHECKS: "PAGE-HAS-MORE ORDER-ASC"}, "")
    text = (f"ENV-SHAPE [MUST] A 200 body is a JSON object.\n  what broke: {HOSTILE} echoed {KEY}\n"
            f"  request:    curl -X GET 'http://127.0.0.1:1/x' -H 'X-API-Key: {KEY}'\n"
            f"  response:   HTTP 200 (text/html)\n              {HOSTILE}\n  HAR entry:  main-1")
    results.record("t::fail", "failed", {CHECKS: "ENV-SHAPE", FAILED: "ENV-SHAPE"}, f"{HOSTILE} {KEY}")
    results.record("t::skip", "skipped", {CHECKS: "AUTH-FOREIGN-404"}, "give --foreign-api-key")
    results.finish()
    har = tmp_path / "run.har"
    har.write_text(json.dumps({"log": {"entries": [{
        "_id": "main-1", "request": {"method": "GET", "url": "http://127.0.0.1:1/x",
                                     "headers": [{"name": "X-API-Key", "value": "<primary key>"}]},
        "response": {"status": 200, "headers": [{"name": "content-type", "value": "text/html"}],
                     "content": {"mimeType": "text/html", "text": f"{HOSTILE} {KEY}"}}}]}}), encoding="utf-8")
    data = report_data(results, f"http://127.0.0.1:1/?{HOSTILE}", "dataset", "must",
                       {"recorded": str(har), "entries": 1})
    data["failures"] = [{"test": "t::fail", "requirements": ["ENV-SHAPE"], "text": text, "har_entries": ["main-1"]}]
    return render(data), data


def test_no_key_in_any_form_and_nothing_unescaped(tmp_path):
    text, _ = page(tmp_path)
    for form in encodings(KEY) | {html.escape(KEY), html.escape(KEY, quote=False)}:
        assert form not in text
    assert HOSTILE not in text and html.escape(HOSTILE) in text
    assert text.count("<script>") == 1  # the page's own filters


def test_every_requirement_is_a_row_with_its_status_and_reason(tmp_path):
    text, data = page(tmp_path)
    rows = re.findall(r'<tr id="req-([A-Z0-9-]+)" data-status="([a-z-]+)"', text)
    assert rows == [(r["id"], r["status"]) for r in data["requirements"]]
    assert "give --foreign-api-key" in text  # a skip says why
    assert "stopped by a failure it depends on" in text  # an unverified one too
    assert 'id="failures-ENV-SHAPE"' in text and "recorded exchange main-1" in text


def test_nothing_is_loaded_from_anywhere(tmp_path):
    text, _ = page(tmp_path)
    assert not re.search(r'<(link|script|img)[^>]+(href|src)="(?!data:)', text)
    assert "default-src 'none'" in text
