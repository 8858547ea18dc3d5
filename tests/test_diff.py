"""conformance diff: regressions, fixes, added and removed requirements, changes of level; exit status; bad files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conformance import diff
from harness import ROOT, env


def report(path, passed_gate: bool = True, **requirements: tuple[str, str]):
    """A report.json with these requirements (id with _ for -: (level, status))."""
    data = {"summary": "MUST 1/1", "passed_gate": passed_gate, "profile": "tenant-key", "suite_version": "0.1.0",
            "requirements": [{"id": i.replace("_", "-"), "level": level, "status": status}
                             for i, (level, status) in requirements.items()]}
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_every_kind_of_change_is_in_its_section(tmp_path):
    old = diff.load(report(tmp_path / "old.json", A=("MUST", "pass"), B=("MUST", "fail"), C=("SHOULD", "pass"),
                           D=("MUST", "pass"), E=("MUST", "skip"), GONE=("MUST", "pass")))
    new = diff.load(report(tmp_path / "new.json", A=("MUST", "fail"), B=("MUST", "pass"), C=("MUST", "pass"),
                           D=("MUST", "unverified"), E=("MUST", "fail"), NEW=("SHOULD", "fail")))
    changes = diff.compare(old, new)
    assert [r[0] for r in changes.regressions] == ["A", "E"]  # E: skipped before, failing now
    assert [r[0] for r in changes.fixes] == ["B"]
    assert [r[0] for r in changes.changed] == ["D"]
    assert changes.added == [("NEW", "SHOULD", "fail")] and changes.removed == [("GONE", "MUST", "pass")]
    assert changes.levels == [("C", "SHOULD", "MUST")]
    markdown = diff.render(old, new, changes)
    assert markdown.startswith("## Conformance diff: 2 regressions")
    for title in ("Regressions", "Fixes", "Other changes of status", "Requirements added", "Requirements removed",
                  "Changes of level"):
        assert f"### {title}" in markdown


def test_a_known_failure_is_no_regression_and_its_fix_is_a_fix(tmp_path):
    old = diff.load(report(tmp_path / "old.json", A=("MUST", "known-failure"), B=("MUST", "known-failure")))
    new = diff.load(report(tmp_path / "new.json", A=("MUST", "fail"), B=("MUST", "pass")))
    changes = diff.compare(old, new)
    assert changes.regressions == [] and [r[0] for r in changes.fixes] == ["B"]


def test_exit_status_is_1_only_when_something_regressed(tmp_path, capsys):
    same = report(tmp_path / "a.json", A=("MUST", "pass"))
    worse = report(tmp_path / "b.json", passed_gate=False, A=("MUST", "fail"))
    assert diff.main([same, same]) == 0 and "No requirement changed." in capsys.readouterr().out
    out = tmp_path / "comment.md"
    assert diff.main([same, worse, "--output", str(out)]) == 1
    assert "| A | MUST | ✅ pass | ❌ fail |" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    ("{not json", "not JSON"),
    ('{"summary": "x"}', "not a report of the suite"),
    ('{"requirements": [{"id": "A"}]}', "lack an id, level or status"),
])
def test_a_missing_or_invalid_file_is_one_line_and_exit_2(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    good = report(tmp_path / "good.json", A=("MUST", "pass"))
    done = subprocess.run([sys.executable, "-m", "conformance", "diff", good, str(bad)], capture_output=True,
                          text=True, env=env(), cwd=ROOT, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and message in done.stderr and "Traceback" not in done.stderr


def test_python_m_conformance_without_a_command_says_how_to_use_it():
    done = subprocess.run([sys.executable, "-m", "conformance"], capture_output=True, text=True, env=env(),
                          cwd=ROOT, timeout=60)
    assert done.returncode == 2 and "usage: python -m conformance {diff,addon-path}" in done.stderr
