"""report.html: the run for a person, in one self-contained file (no network; it opens from a CI artifact or an
e-mail). The table reads without JavaScript; a few lines of it add filters by status and level.

Everything comes from the report data (report.report_data): the statuses are read, never judged again here. Every
text passes through the redactor before it is escaped (an escaped key would no longer match it), and the page
once more as a whole.
"""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from typing import Any

from conformance.catalogue import raw_catalogue, requirements
from conformance.failures import blocks, by_requirement, part_for
from conformance.masking import REDACTOR
from conformance import statuses

PRE_CLASSES = {"request": "curl", "response": "response"}  # failure parts shown as preformatted text
MAX_BODY = 8_000  # characters of a recorded body shown inline
MAX_EXCHANGES = 20  # recorded exchanges shown under one failure


def _e(text: Any) -> str:
    """Text for the page: keys masked first, then escaped."""
    return escape(REDACTOR.scrub(str(text)), quote=True)


def render(data: dict[str, Any]) -> str:
    grouped = by_requirement(data.get("failures", []))
    exchanges = _recorded(data)
    body = "\n".join([
        _glance(data),
        _filters(data),
        _table(data, grouped),
        _failures(data, grouped, exchanges),
        _unattributed(data),
    ])
    title = f"Get Chat Messages conformance: {data['summary']}"
    return REDACTOR.scrub(PAGE.format(title=_e(title), css=CSS, body=body, script=SCRIPT))


# ------------------------------------------------------------------------------------------- the run at a glance

def _glance(data: dict[str, Any]) -> str:
    passed = data["passed_gate"]
    verdict = (f'<p class="gate {"gate-pass" if passed else "gate-fail"}" id="gate">Gate '
               f'({_e(data["gate_level"].upper())}): <strong>{"passed" if passed else "not passed"}</strong></p>')
    stopped = "" if data["complete"] else (f'<p class="incomplete" id="stopped"><strong>Incomplete:</strong> '
                                           f'{_e(data["stopped"])}. Requirements not reached are unverified; this '
                                           "run cannot pass the gate.</p>")
    totals = Counter(r["level"] for r in data["requirements"])
    levels = "".join(
        f'<div class="count"><span class="level">{_e(level)}</span> <span data-level-count="{_e(level)}">'
        f'{(data.get("counts") or {}).get(level, {}).get("passed", 0)}/'
        f'{(data.get("counts") or {}).get(level, {}).get("checked", 0)}</span>'
        f'<small>passed of judged; {totals[level]} in the catalogue</small></div>'
        for level in ("MUST", "SHOULD", "MAY") if totals[level])
    counts = Counter(r["status"] for r in data["requirements"])
    by_status = " ".join(f'<span class="badge s-{_e(status)}">{_e(statuses.label(status))} '
                         f'<b data-count="{_e(status)}">{counts[status]}</b></span>' for status in _present(data))
    facts = [("target", data["target"]), ("profile", data["profile"]), ("mode", data["mode"]),
             ("gate level", data["gate_level"].upper()), ("suite version", data["suite_version"]),
             ("time", data["time"]), ("complete", "yes" if data["complete"] else f"no: {data['stopped']}")]
    har = data.get("har") or {}
    if har.get("recorded"):
        facts.append(("recording", f"{har['recorded']} ({har['entries']} HAR entries)"))
    if har.get("replayed"):
        facts.append(("replayed from", f"{har['replayed']} (no request reached any target)"))
    if har.get("captured"):
        facts.append(("captured traffic", f"{har['captured']}: {har['judged']} exchanges of the endpoint judged "
                                          f"of {har['entries']} entries; no request was sent"))
    throttled = data.get("throttled") or {}
    if throttled.get("waits"):
        facts.append(("throttled", f"{throttled['waits']} waits, {throttled['seconds']} s"))
    answered = data.get("edge") or {}
    if answered.get("requests"):
        facts.append(("answered by the edge", f"{answered['requests']} requests: " + ", ".join(
            f"{by['server']} {by['status']} ×{by['count']}" for by in answered["by"])))
    rows = "".join(f"<tr><th>{_e(name)}</th><td>{_e(value)}</td></tr>" for name, value in facts)
    failed = [r for r in data["requirements"] if r["status"] in ("fail", "known-failure")]
    jump = ("<p>Failed: " + ", ".join(f'<a href="#failures-{_e(r["id"])}">{_e(r["id"])}</a>' for r in failed)
            + "</p>") if failed else ""
    return (f'<header><h1>Get Chat Messages conformance</h1><div class="glance"><div>{verdict}{stopped}'
            f'<p class="summary" id="summary">{_e(data["summary"])}</p>'
            f'<div class="counts">{levels}</div><p class="statuses">{by_status}</p>{_edge(answered)}{jump}</div>'
            f'<table class="facts">{rows}</table></div></header>')


def _edge(answered: dict[str, Any]) -> str:
    """The requirements the edge's answers left unjudged, each linked to its row."""
    if not answered.get("inconclusive"):
        return ""
    links = ", ".join(f'<a href="#req-{_e(req_id)}">{_e(req_id)}</a>' for req_id in answered["inconclusive"])
    return (f'<p class="edge" id="edge">Not judged, answered by the edge (not the implementation): {links}. Run the '
            "suite against the implementation itself, or without the edge's error pages, to judge them.</p>")


def _filters(data: dict[str, Any]) -> str:
    """Hidden until the script shows them: without JavaScript every row is simply there."""
    levels = list(dict.fromkeys(r["level"] for r in data["requirements"]))
    boxes = "".join(f'<label><input type="checkbox" name="status" value="{_e(s)}" checked> {_e(statuses.label(s))}'
                    "</label>" for s in _present(data))
    boxes += '<span class="sep"></span>' + "".join(
        f'<label><input type="checkbox" name="level" value="{_e(level)}" checked> {_e(level)}</label>'
        for level in levels)
    return (f'<form id="filters" hidden><fieldset><legend>Show</legend>{boxes} '
            f'<span id="shown"></span></fieldset></form>')


def _present(data: dict[str, Any]) -> list[str]:
    """The statuses the run's requirements have, in the order of statuses.STATUSES (any other after them)."""
    present = {r["status"] for r in data["requirements"]}
    return [s for s in statuses.STATUSES if s in present] + sorted(present - set(statuses.STATUSES))


# ------------------------------------------------------------------------------------------- every requirement

def _table(data: dict[str, Any], grouped: dict[str, list[dict]]) -> str:
    rows = [_row(data, r, grouped.get(r["id"], [])) for r in data["requirements"]]
    return ('<h2>Requirements</h2><table class="requirements" id="requirements"><thead><tr><th>Requirement</th>'
            '<th>Level</th><th>Status</th><th>Statement</th><th>Reason</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def _row(data: dict[str, Any], r: dict[str, Any], failures: list[dict]) -> str:
    status = r["status"]
    label = statuses.label(status)
    if status == "fail" and r["level"] != "MUST" and data["gate_level"] == "must":
        label += " (warning)"
    return (f'<tr id="req-{_e(r["id"])}" data-status="{_e(status)}" data-level="{_e(r["level"])}">'
            f'<td class="id">{_e(r["id"])}</td><td>{_e(r["level"])}</td>'
            f'<td class="status s-{_e(status)}">{_e(label)}</td>'
            f'<td>{_e(r["statement"])}{_docs(r["id"])}</td><td>{_reason(data, r, failures)}</td></tr>')


def _reason(data: dict[str, Any], r: dict[str, Any], failures: list[dict]) -> str:
    status, parts = r["status"], []
    expired = (data.get("expired_known_failures") or {}).get(r["id"])
    if expired and status == "fail":
        parts.append(f'<p class="expired">known failure {_e(expired)}: it fails the gate again</p>')
    if status == "known-failure":
        parts.append(f"<p>known failure: {_e(r['known_failure'])}</p>")
    if status in ("fail", "known-failure"):
        parts.append(f"<p>{_e(_what_broke(r, failures))}</p>")
        count = len(failures) or len(r["reasons"])
        parts.append(f'<p><a href="#failures-{_e(r["id"])}">{count} failed test{"s" if count != 1 else ""}: '
                     "what broke, the request and the response</a></p>")
        if r.get("flaky"):
            parts.append("<p>flaky: a failure did not reproduce when its request was sent again</p>")
    elif status == "pass":
        parts += [f"<p>{_e(note)}</p>" for note in r.get("notes") or []]
        if r.get("known_failure_now_passes"):
            parts.append('<p class="now-passes">known failure now passes: remove it from the file '
                         "(--known-failures-update does)</p>")
    else:
        reasons = list(dict.fromkeys(r["reasons"])) or [statuses.meaning(status)]
        parts += [f"<p>{_e(reason)}</p>" for reason in reasons[:5]]
        if len(reasons) > 5:
            parts.append(f"<p>and {len(reasons) - 5} more</p>")
    return "".join(parts)


def _what_broke(r: dict[str, Any], failures: list[dict]) -> str:
    """One line on what broke the requirement: its first failure's, or what Schemathesis found."""
    broke = part_for(failures, r["id"], "what broke")
    if broke:
        return broke
    for failure in failures:
        for block in blocks(failure["text"]):
            found = [line.strip()[2:] for line in block.rest.splitlines() if line.strip().startswith("- ")]
            if any(h.startswith(r["id"] + " ") for h in block.headlines) and found:
                return f"a generated request broke it (Schemathesis): {found[0]}"
    reason = r["reasons"][0] if r["reasons"] else ""
    return reason.split(" — ", 1)[-1]


def _docs(req_id: str) -> str:
    """The docs' words the requirement rests on and the readings the suite accepts, behind a disclosure."""
    req = requirements().get(req_id)
    if req is None:
        return ""
    source = req.source
    items = []
    if source.get("quote"):
        items.append(f'<p>The docs ({_e(source.get("seed", ""))}): <q>{_e(source["quote"])}</q></p>')
    if source.get("derived"):
        items.append(f"<p>Derived: {_e(source['derived'])}</p>")
    if req.accepts:
        items.append("<p>Accepted:</p><ul>" + "".join(f"<li>{_e(a)}</li>" for a in req.accepts) + "</ul>")
    for entry in raw_catalogue().get("implementation_defined", []):
        if entry.get("checked_by") == req_id:
            accepted = "".join(f"<li>{_e(a)}</li>" for a in entry.get("accepts", []))
            items.append(f'<p>Left open by the docs, {_e(entry["id"])} ({_e(entry["topic"])}): '
                         f'{_e(entry["reading"])}</p><ul>{accepted}</ul>')
    return f'<details class="docs"><summary>the docs and accepted readings</summary>{"".join(items)}</details>'


# ------------------------------------------------------------------------------------------- each failure

def _failures(data: dict[str, Any], grouped: dict[str, list[dict]], exchanges: dict[str, dict]) -> str:
    failed = [r for r in data["requirements"] if r["status"] in ("fail", "known-failure")]
    if not failed:
        return '<h2>Failures</h2><p id="no-failures">None.</p>'
    sections = []
    for r in failed:
        failures = grouped.get(r["id"], [])
        articles = "".join(_failure(f, exchanges) for f in failures) or "".join(
            f"<article class='failure'><p>{_e(reason)}</p></article>" for reason in r["reasons"])
        sections.append(f'<section class="failed" id="failures-{_e(r["id"])}"><h3><span class="status '
                        f's-{_e(r["status"])}">{_e(statuses.label(r["status"]))}</span> {_e(r["id"])} '
                        f'[{_e(r["level"])}] {_e(r["statement"])}</h3>{articles}</section>')
    return "<h2>Failures</h2>" + "".join(sections)


def _failure(failure: dict[str, Any], exchanges: dict[str, dict]) -> str:
    parts = [f'<h4 class="test">{_e(failure["test"])}</h4>']
    for block in blocks(failure["text"]):
        parts += [f'<p class="headline">{_e(headline)}</p>' for headline in block.headlines]
        parts.append("<dl>")
        for label, text in block.parts.items():
            shown = (f'<pre class="{PRE_CLASSES[label]}">{_e(text)}</pre>' if label in PRE_CLASSES
                     else _e(text))
            parts.append(f'<dt>{_e(label)}</dt><dd class="part-{_e(label.replace(" ", "-"))}">{shown}</dd>')
        if block.rest:
            parts.append(f"<dt>as told</dt><dd><pre>{_e(block.rest)}</pre></dd>")
        parts.append("</dl>")
    parts.append(f'<details><summary>as the terminal shows it</summary><pre>{_e(failure["text"])}</pre></details>')
    entries = failure.get("har_entries") or []
    for entry_id in entries[:MAX_EXCHANGES]:
        if entry_id in exchanges:
            parts.append(_exchange(exchanges[entry_id]))
    if len(entries) > MAX_EXCHANGES:
        parts.append(f"<p>and {len(entries) - MAX_EXCHANGES} more recorded exchanges in the HAR file</p>")
    return f'<article class="failure">{"".join(parts)}</article>'


def _recorded(data: dict[str, Any]) -> dict[str, dict]:
    """--record: the HAR entries the failures name, by _id (none when the file is gone or unreadable)."""
    path = (data.get("har") or {}).get("recorded")
    wanted = {e for f in data.get("failures", []) for e in f.get("har_entries") or []}
    if not path or not wanted:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            entries = json.load(handle)["log"]["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {e["_id"]: e for e in entries if isinstance(e, dict) and e.get("_id") in wanted}


def _exchange(entry: dict[str, Any]) -> str:
    """One recorded exchange: the request and the response as sent and received (keys already labels)."""
    request, response = entry.get("request", {}), entry.get("response", {})

    def headers(items: list[dict]) -> str:
        return "".join(f"{h.get('name')}: {h.get('value')}\n" for h in items)

    content = response.get("content") or {}
    body = content.get("text") or ""
    if content.get("encoding") != "base64":
        try:
            body = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    else:
        body = f"(base64, {content.get('size')} bytes) {body}"
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY] + f"\n… ({len(body) - MAX_BODY} more characters in the HAR file)"
    status = response.get("status")
    error = entry.get("_error")
    outcome = f"{status}" if status else f"no answer ({(error or {}).get('message', 'error')})"
    summary = f"recorded exchange {entry.get('_id')}: {request.get('method')} {request.get('url')} → {outcome}"
    return (f'<details class="exchange"><summary>{_e(summary)}</summary><div class="exchange-grid">'
            f'<div><h5>request</h5><pre>{_e(request.get("method"))} {_e(request.get("url"))}\n'
            f'{_e(headers(request.get("headers") or []))}</pre></div>'
            f'<div><h5>response</h5><pre>HTTP {_e(status)}\n{_e(headers(response.get("headers") or []))}\n'
            f'{_e(body)}</pre></div></div></details>')


def _unattributed(data: dict[str, Any]) -> str:
    findings = data.get("unattributed_findings") or []
    if not findings:
        return ""
    items = "".join(f"<li><pre>{_e(finding)}</pre></li>" for finding in findings)
    return f'<h2>Findings under no requirement</h2><p>They fail the gate.</p><ul id="unattributed">{items}</ul>'


# ------------------------------------------------------------------------------------------- the page

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{body}
<script>{script}</script>
</body>
</html>
"""

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:1em 1.5em;color:#1f2328}
h1{font-size:1.6em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.35em .55em;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;position:sticky;top:0}
.glance{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:1.5em;align-items:start}
table.facts{width:auto;font-size:.92em}table.facts th{background:#f6f8fa;font-weight:600}
.gate{font-size:1.25em;padding:.4em .7em;border-radius:6px;display:inline-block}
.gate-pass{background:#dafbe1;color:#116329}.gate-fail{background:#ffebe9;color:#a40e26}
.incomplete{background:#fff8c5;padding:.5em;border-radius:6px}
.summary{font-weight:600}
.counts{display:flex;gap:1em;flex-wrap:wrap}.count{border:1px solid #d0d7de;border-radius:6px;padding:.4em .8em}
.count .level{font-weight:700}.count small{display:block;color:#59636e}
.badge{display:inline-block;border-radius:1em;padding:.1em .7em;margin:.1em}
.status{font-weight:600;white-space:nowrap}
.s-pass{background:#dafbe1;color:#116329}.s-fail{background:#ffebe9;color:#a40e26}
.s-known-failure{background:#fff1e5;color:#953800}.s-inconclusive{background:#fbefff;color:#6e40c9}
.s-not-exercised{background:#ddf4ff;color:#0550ae}.s-unverified{background:#eff2f5;color:#424a53}
.s-skip{background:#eff2f5;color:#59636e}
td.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;white-space:nowrap}
td p{margin:.1em 0}details.docs summary{color:#0969da;cursor:pointer;font-size:.9em}
pre{background:#f6f8fa;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-word;margin:.2em 0}
.failure{border:1px solid #d0d7de;border-radius:6px;padding:.3em .9em;margin:.6em 0}
.headline{font-weight:600}dt{font-weight:600;color:#59636e}dd{margin:0 0 .4em 1em}
.exchange-grid{display:grid;grid-template-columns:1fr 1fr;gap:.5em}
.expired,.now-passes{font-weight:600}
#filters fieldset{border:1px solid #d0d7de;border-radius:6px}#filters label{margin-right:.8em}
.sep{display:inline-block;width:1em}
"""

SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#requirements tbody tr"));
  function checked(name) {
    return Array.prototype.slice.call(form.querySelectorAll("input[name=" + name + "]:checked"))
      .map(function (box) { return box.value; });
  }
  function apply() {
    var statuses = checked("status"), levels = checked("level"), shown = 0;
    rows.forEach(function (row) {
      var visible = statuses.indexOf(row.dataset.status) >= 0 && levels.indexOf(row.dataset.level) >= 0;
      row.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    document.getElementById("shown").textContent = shown + " of " + rows.length + " shown";
  }
  form.hidden = false;
  form.addEventListener("change", apply);
  apply();
})();
"""
