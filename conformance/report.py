"""report.json and report.md for --conformance-report, and the GitHub step summary."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conformance import __version__, badge, claim, edge, html_report
from conformance.failures import by_requirement, part_for
from conformance.masking import REDACTOR
from conformance.results import GATED_LEVELS, Results
from conformance.statuses import STATUSES, marked


def report_data(results: Results, target_url: str, mode: str, level: str, har: dict | None = None) -> dict:
    return {
        "suite": "chat-messages-conformance",
        "suite_version": __version__,
        "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "target": target_url,
        "profile": results.profile,
        "mode": mode,
        "gate_level": level,
        "summary": results.summary_line(),
        "complete": results.complete,
        "stopped": results.stopped,
        "passed_gate": results.passed_gate(level),
        # the gate each --level would give this run (the claim's level reached), and level → passed and judged
        "gate_by_level": {gated: results.passed_gate(gated) for gated in GATED_LEVELS},
        "counts": {lvl: {"passed": passed, "checked": checked} for lvl, (passed, checked) in results.counts().items()},
        "unattributed_findings": list(results.unattributed_failures),
        # requirements at the gated level some test was to check and no rule judged: they fail a complete run's gate
        "unverified_gated": [r.requirement.id for r in results.unverified(level)],
        # requirements the data moved under (a chat that changed while read), or the edge answered for (edge's
        # inconclusive): neither passed nor failed
        "inconclusive": [r.requirement.id for r in results.inconclusive()],
        # answers the edge wrote, not the implementation (edge.py): how many, by server and status, and the
        # requirements they left inconclusive (listed under "inconclusive" too)
        "edge": edge.as_data(results.by_edge, [r.requirement.id for r in results.inconclusive_by_edge()]),
        # --from-har of captured traffic: requirements it gave no occasion to judge, neither passed nor failed
        "not_exercised": [r.requirement.id for r in results.not_exercised()],
        # waits for a target that answered 429 (or 503 with Retry-After): never a failure, but time spent
        "throttled": {"waits": results.throttling.waits, "seconds": round(results.throttling.seconds, 3)},
        # --record: the HAR file written ({"recorded": path, "entries": n}); --from-har: {"replayed": path}, or
        # for captured traffic {"captured": path, "entries": n, "judged": n, "set_aside": {reason: n}}
        "har": har,
        "requirements": [r.as_dict() for r in results.by_id.values()],
    }


def render_markdown(data: dict) -> str:
    moved = moved_under(data)
    lines = [
        f"## Get Chat Messages conformance: {data['summary']}",
        "",
        f"Target `{data['target']}` · profile `{data['profile']}` · {data['mode']} mode · "
        f"gate: {data['gate_level'].upper()} · suite {data['suite_version']} · {data['time']}",
        "",
        *([f"**Incomplete: {data['stopped']}.** Requirements not reached are unverified; this run cannot pass the "
           "gate.", ""] if not data["complete"] else []),
        f"Gate: **{'passed' if data['passed_gate'] else 'not passed'}**",
        "",
        *([f"Exchanges recorded in `{data['har']['recorded']}` ({data['har']['entries']} HAR entries; a failure "
           "names the entries, by their `_id`, that show it).", ""] if (data.get("har") or {}).get("recorded") else []),
        *([f"Replayed from `{data['har']['replayed']}`: no request reached any target.", ""]
          if (data.get("har") or {}).get("replayed") else []),
        *([f"Captured traffic judged passively: `{data['har']['captured']}`, {data['har']['judged']} exchanges of the "
           f"endpoint of {data['har']['entries']} HAR entries; no request was sent. A requirement passes only where "
           f"its rule ran on this traffic and held; **{len(data['not_exercised'])} not exercised by this traffic** "
           "(neither passed nor failed). Failures name their entries: `_id`, or `#N` for `log.entries[N]`.", ""]
          if (data.get("har") or {}).get("captured") else []),
        *([f"**{data['har']['bodies_missing']} answer bodies** the capture keeps in side files (`content._file`) were "
           "not found in its archive or beside it: the rules that read bodies did not judge them.", ""]
          if (data.get("har") or {}).get("bodies_missing") else []),
        *([f"**Unverified at the gated level: {', '.join(data['unverified_gated'])}**: some test was to check them and "
           "no rule of theirs ran to the end (each says why below); the gate does not pass over them.", ""]
          if data.get("unverified_gated") and data["complete"] else []),
        *edge_lines(data),
        *([f"**{len(moved)} inconclusive** ({', '.join(moved)}): the data changed while it was read, so these were "
           "neither passed nor failed; they do not fail the gate.", ""] if moved else []),
        "| Requirement | Level | Status | Statement | Reason |",
        "|---|---|---|---|---|",
    ]
    for r in data["requirements"]:
        shown = STATUSES.get(r["status"])
        status = marked(r["status"]) + (f" ({shown.meaning})" if shown is not None and shown.aside else "")
        if r["status"] == "fail" and r["level"] != "MUST" and data["gate_level"] == "must":
            status += " (warning)"
        if r.get("flaky"):
            status += " (flaky: did not reproduce)"
        if r["known_failure_now_passes"]:
            status += " (known failure now passes: remove it from the file)"
        reason = r["known_failure"] if r["status"] == "known-failure" else (r["reasons"][0] if r["reasons"] else "")
        if r["status"] == "pass" and r.get("notes"):
            reason = "; ".join(r["notes"])
        reason = reason.splitlines()[0] if reason else ""
        if r["status"] == "fail" and r["id"] in data.get("expired_known_failures", {}):
            reason = f"known failure {data['expired_known_failures'][r['id']]}; {reason}"
        if r["status"] in ("fail", "known-failure") and r.get("har_entries"):
            shown = r["har_entries"][:5]
            more = f" and {len(r['har_entries']) - 5} more" if len(r["har_entries"]) > 5 else ""
            reason = f"{_cell(reason)[:200]} (HAR entries {', '.join(shown)}{more})"
        lines.append(f"| {r['id']} | {r['level']} | {status} | {_cell(r['statement'])} | {_cell(reason)} |")
    if data["unattributed_findings"]:
        lines += ["", "Findings under no requirement (they fail the gate):", ""]
        lines += [f"- {_cell(finding)}" for finding in data["unattributed_findings"]]
    lines += failures_by_requirement(data)
    return "\n".join(lines) + "\n"


def edge_lines(data: dict) -> list[str]:
    """What the edge answered in the implementation's place, and what could not be judged because of it."""
    answered = data.get("edge") or {}
    if not answered.get("requests"):
        return []
    kinds = ", ".join(f"{by['server']} {by['status']} ×{by['count']}" for by in answered["by"])
    unjudged = answered["inconclusive"]
    line = (f"**Answered by the edge: {answered['requests']} request{'s' if answered['requests'] != 1 else ''}** "
            f"({kinds}): written by a proxy, WAF or gateway in front of the implementation, never failed on it.")
    if unjudged:
        line += (f" Not judged because of it (inconclusive, not passed): {', '.join(unjudged)}; run the suite "
                 "against the implementation itself (or without the edge's error pages) to judge them.")
    return [line, ""]


def moved_under(data: dict) -> list[str]:
    """The inconclusive requirements the edge is not the reason for: the data moved under their checks."""
    by_edge = set((data.get("edge") or {}).get("inconclusive", ()))
    return [req_id for req_id in data["inconclusive"] if req_id not in by_edge]


MAX_TESTS_SHOWN = 10  # failed tests listed under one requirement; the rest are counted


def failures_by_requirement(data: dict) -> list[str]:
    """One section per failed requirement listing the tests that failed it, with the first one's request."""
    grouped = by_requirement(data.get("failures", []))
    failed = [r for r in data["requirements"] if r["status"] == "fail"]
    if not failed:
        return []
    lines = ["", "### Failures by requirement"]
    for r in failed:
        shown = grouped.get(r["id"], [])
        count = len(shown) or len(r["reasons"])
        lines += ["", f"#### ❌ {r['id']} [{r['level']}]: {_cell(r['statement'])}", "",
                  f"Failed by {count} test{'s' if count != 1 else ''}:", ""]
        for failure in shown[:MAX_TESTS_SHOWN]:
            broke = part_for([failure], r["id"], "what broke")
            lines.append(f"- `{failure['test']}`" + (f": {_cell(broke)}" if broke else ""))
        if len(shown) > MAX_TESTS_SHOWN:
            lines.append(f"- and {len(shown) - MAX_TESTS_SHOWN} more (report.json, report.html)")
        if not shown:
            lines += [f"- {_cell(reason)}" for reason in r["reasons"][:MAX_TESTS_SHOWN]]
        request = part_for(shown, r["id"], "request")
        if request:
            lines += ["", "```", request, "```"]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]


def check_writable(directory: str) -> None:
    """Raise OSError unless report files can be written into `directory` (created if need be)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    probe = out / ".conformance-write-check"
    probe.write_bytes(b"")
    probe.unlink()


def write_reports(directory: str, data: dict) -> list[Path]:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "report.json", out / "report.md"
    json_path.write_text(REDACTOR.scrub(json.dumps(data, indent=2, ensure_ascii=False)) + "\n", encoding="utf-8")
    markdown = REDACTOR.scrub(render_markdown(data))
    md_path.write_text(markdown, encoding="utf-8")
    return [json_path, md_path, *write_published(out, data)]


def write_published(out: Path, data: dict) -> list[Path]:
    """report.html (for people), claim.json and badge.svg (for publishing), beside report.json."""
    made = claim.build(data)
    files = {"report.html": html_report.render(data), "claim.json": json.dumps(made, indent=2, ensure_ascii=False) + "\n",
             "badge.svg": badge.render(made)}
    paths = []
    for name, text in files.items():
        (out / name).write_text(REDACTOR.scrub(text), encoding="utf-8")
        paths.append(out / name)
    return paths


def append_step_summary(data: dict, summary: str | None) -> None:
    """The Markdown report appended to the GitHub step summary file, when the run has one."""
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(REDACTOR.scrub(render_markdown(data)) + "\n")
