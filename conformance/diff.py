"""What changed between two runs (report.json or claim.json of each), in Markdown for a pull-request comment.

    python -m conformance diff OLD.json NEW.json      (or: conformance-diff OLD.json NEW.json)

Exit status: 0 nothing regressed, 1 something regressed (a requirement that did not fail now fails; one that was
a known failure is no regression), 2 a file missing or not a report.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from conformance.statuses import marked

FAILED = ("fail", "known-failure")  # failing, excused or not: from one to the other is no regression and no fix


class ReportError(ValueError):
    """A file that is missing or is not a report of the suite: one line saying which and why."""


@dataclass(frozen=True)
class Run:
    """What a diff reads of one run: requirement id → (level, status), and the lines that describe the run."""

    source: str
    requirements: dict[str, tuple[str, str]]
    summary: str = ""
    passed_gate: bool | None = None
    profile: str | None = None
    suite_version: str | None = None
    target: str | None = None


@dataclass
class Diff:
    regressions: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, level, old status, new
    fixes: list[tuple[str, str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # any other change of status
    added: list[tuple[str, str, str]] = field(default_factory=list)  # id, level, status
    removed: list[tuple[str, str, str]] = field(default_factory=list)
    levels: list[tuple[str, str, str]] = field(default_factory=list)  # id, old level, new level

    @property
    def regressed(self) -> bool:
        return bool(self.regressions)


def load(path: str) -> Run:
    """A report.json or a claim.json; ReportError when it is neither."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReportError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or "requirements" not in data:
        raise ReportError(f"{path}: not a report of the suite (report.json or claim.json of --conformance-report)")
    raw = data["requirements"]
    try:
        if isinstance(raw, list):  # report.json
            reqs = {str(r["id"]): (str(r["level"]), str(r["status"])) for r in raw}
        else:  # claim.json
            reqs = {str(i): (str(r["level"]), str(r["status"])) for i, r in raw.items()}
    except (AttributeError, KeyError, TypeError):
        raise ReportError(f"{path}: its requirements lack an id, level or status") from None
    gate = data.get("passed_gate")
    return Run(path, reqs, str(data.get("summary", "")), gate if isinstance(gate, bool) else None,
               data.get("profile"), data.get("suite_version"), data.get("target"))


def compare(old: Run, new: Run) -> Diff:
    diff = Diff()
    for req_id, (level, status) in new.requirements.items():
        if req_id not in old.requirements:
            diff.added.append((req_id, level, status))
            continue
        old_level, old_status = old.requirements[req_id]
        if old_level != level:
            diff.levels.append((req_id, old_level, level))
        row = (req_id, level, old_status, status)
        if status == old_status:
            continue
        if status == "fail" and old_status not in FAILED:
            diff.regressions.append(row)
        elif old_status in FAILED and status == "pass":
            diff.fixes.append(row)
        else:
            diff.changed.append(row)
    diff.removed = [(i, level, status) for i, (level, status) in old.requirements.items()
                    if i not in new.requirements]
    return diff


def render(old: Run, new: Run, diff: Diff) -> str:
    n = len(diff.regressions)
    headline = (f"{n} regression{'s' if n != 1 else ''}" if n else
                "no regression" + (f", {len(diff.fixes)} fixed" if diff.fixes else ""))
    lines = [f"## Conformance diff: {headline}", "",
             "| | run | gate | summary |", "|---|---|---|---|",
             f"| old | `{old.source}` | {_gate(old)} | {old.summary} |",
             f"| new | `{new.source}` | {_gate(new)} | {new.summary} |", ""]
    if old.profile and new.profile and old.profile != new.profile:
        lines += [f"**The runs are of different profiles** ({old.profile}, {new.profile}): their requirements "
                  "differ.", ""]
    if old.suite_version != new.suite_version and old.suite_version and new.suite_version:
        lines += [f"Suite version {old.suite_version} → {new.suite_version}.", ""]
    sections = [
        ("Regressions (did not fail, now fail)", diff.regressions),
        ("Fixes (failed, now pass)", diff.fixes),
        ("Other changes of status", diff.changed),
    ]
    for title, rows in sections:
        if rows:
            lines += [f"### {title}", "", "| Requirement | Level | Old | New |", "|---|---|---|---|"]
            lines += [f"| {i} | {level} | {marked(a)} | {marked(b)} |" for i, level, a, b in rows] + [""]
    for title, rows in (("Requirements added", diff.added), ("Requirements removed", diff.removed)):
        if rows:
            lines += [f"### {title}", "", "| Requirement | Level | Status |", "|---|---|---|"]
            lines += [f"| {i} | {level} | {marked(status)} |" for i, level, status in rows] + [""]
    if diff.levels:
        lines += ["### Changes of level", "", "| Requirement | Old | New |", "|---|---|---|"]
        lines += [f"| {i} | {a} | {b} |" for i, a, b in diff.levels] + [""]
    if not (diff.regressions or diff.fixes or diff.changed or diff.added or diff.removed or diff.levels):
        lines += ["No requirement changed.", ""]
    return "\n".join(lines)


def _gate(run: Run) -> str:
    return {True: "passed", False: "not passed", None: "—"}[run.passed_gate]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="conformance-diff", description=__doc__.splitlines()[0])
    parser.add_argument("old", help="report.json (or claim.json) of the earlier run")
    parser.add_argument("new", help="report.json (or claim.json) of the later run")
    parser.add_argument("--output", help="also write the Markdown into this file")
    args = parser.parse_args(argv)
    try:
        old, new = load(args.old), load(args.new)
    except ReportError as exc:
        print(f"conformance diff: {exc}", file=sys.stderr)
        return 2
    diff = compare(old, new)
    markdown = render(old, new, diff)
    print(markdown)
    if args.output:
        try:
            Path(args.output).write_text(markdown + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"conformance diff: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    return 1 if diff.regressed else 0


if __name__ == "__main__":
    sys.exit(main())
