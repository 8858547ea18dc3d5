"""A judged capture's reports written without pytest (the proxy add-on's, in mitmproxy's own environment): each
requirement's Verdict recorded in Results as the passive check (conformance/captured/test_traffic.py) reports it —
failed with its violations, passed with the entries it held on, inconclusive, or not exercised by this traffic — then
report.json, report.md, report.html, claim.json and badge.svg, as a passive run writes them, keys masked."""

from __future__ import annotations

from pathlib import Path

from conformance.evidence.judging import Capture
from conformance.report import report_data, write_reports
from conformance.results import CHECKS, ENTRIES, FAILED, INCONCLUSIVE, NOT_EXERCISED, NOTE, Results

NODE = "conformance/captured/test_traffic.py::test_requirement_on_captured_traffic"


def results_of(capture: Capture) -> Results:
    results = Results(capture.profile.name, {})
    for req_id in results.by_id:
        verdict = capture.verdicts.get(req_id)
        node, props = f"{NODE}[{req_id}]", {CHECKS: req_id}
        if verdict is not None and verdict.broken:
            entries = [v.exchange.har_id for v in verdict.broken if v.exchange is not None and v.exchange.har_id]
            more = verdict.broken_count - len(verdict.broken)
            reason = "\n".join(str(v) for v in verdict.broken) + (f"\n… and {more} more" if more > 0 else "")
            results.record(node, "failed", {**props, FAILED: req_id, ENTRIES: " ".join(entries)}, reason)
        elif verdict is not None and verdict.passed:
            shown = ", ".join(list(verdict.held_on.values())[:5])
            count = verdict.held_count
            note = f"held on {count} HAR entr{'y' if count == 1 else 'ies'} ({shown}{' and more' if count > 5 else ''})"
            results.record(node, "passed", {**props, NOTE: f"{req_id}\t{note}"}, "")
        elif verdict is not None and verdict.inconclusive:
            results.record(node, "skipped", {**props, INCONCLUSIVE: req_id}, str(verdict.inconclusive[0]))
        else:
            lacking = "; no ".join(verdict.lacking) if verdict is not None else ""
            reason = "not exercised by this traffic" + (
                f": held on {verdict.held_count} HAR entries, but it holds no {lacking}" if lacking else "")
            results.record(node, "skipped", {**props, NOT_EXERCISED: req_id}, reason)
    results.finish()
    return results


def write(capture: Capture, directory: str, level: str = "must") -> list[Path]:
    """The reports of a passive run on this capture, into `directory`."""
    data = report_data(results_of(capture), capture.source, "passive", level, capture.facts())
    return write_reports(directory, data)
