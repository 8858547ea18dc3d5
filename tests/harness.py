"""Running the reference server (or a mutant, or a variation) and the suite in subprocesses, on loopback."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SUITE_TIMEOUT = 240  # seconds: a run that takes longer is a bug in the suite's own bounds


def env(**extra: str) -> dict[str, str]:
    """A clean environment: no CONFORMANCE_*/PYTEST_* settings leak in from the caller."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CONFORMANCE_", "PYTEST_", "GITHUB_STEP"))}
    # pytest rewrites the asserts of plugin packages (Schemathesis's too) on every start unless it may cache the
    # result as bytecode: about 1.8 s of each of the self-test's ~130 suite runs.
    clean.pop("PYTHONDONTWRITEBYTECODE", None)
    clean["PYTHONPATH"] = str(ROOT) + os.pathsep + clean.get("PYTHONPATH", "")
    clean.update(extra)
    return clean


@contextlib.contextmanager
def serve(profile: str = "tenant-key", mutant: str | None = None, variation: str | None = None,
          dataset: Path | None = None) -> Iterator[str]:
    """`python -m reference` on a free loopback port; yields its URL and stops it afterwards."""
    args = [sys.executable, "-m", "reference", "--port", "0", "--profile", profile]
    args += ["--mutant", mutant] if mutant else []
    args += ["--variation", variation] if variation else []
    args += ["--dataset", str(dataset)] if dataset else []
    proc = subprocess.Popen(args, cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if " on http://" not in line:
            proc.kill()
            raise RuntimeError(f"reference server did not start: {line}{proc.stderr.read()}")
        # Keep draining the pipes so a chatty server never blocks on a full pipe.
        for stream in (proc.stdout, proc.stderr):
            threading.Thread(target=stream.read, daemon=True).start()
        yield line.split(" on ", 1)[1].split()[0]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class SuiteRun:
    returncode: int
    output: str
    report: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    def statuses(self) -> dict[str, str]:
        return {r["id"]: r["status"] for r in self.report.get("requirements", [])}

    def failed(self) -> set[str]:
        return {i for i, s in self.statuses().items() if s == "fail"}


def run_suite(*args: str, base_url: str | None = None, extra_env: dict[str, str] | None = None,
              timeout: float = SUITE_TIMEOUT) -> SuiteRun:
    """`pytest conformance` in a subprocess with a report directory; every file it wrote is returned."""
    with tempfile.TemporaryDirectory(prefix="conformance-run-") as tmp:
        report_dir = Path(tmp) / "report"
        cmd = [sys.executable, "-m", "pytest", str(ROOT / "conformance"), "-p", "no:cacheprovider", "-q",
               "--conformance-report", str(report_dir), "--junitxml", str(Path(tmp) / "junit.xml"), *args]
        if base_url:
            cmd += ["--base-url", base_url]
        proc = subprocess.run(cmd, cwd=tmp, env=env(**(extra_env or {})), capture_output=True, text=True,
                              timeout=timeout)
        files = {str(p.relative_to(tmp)): p.read_bytes() for p in Path(tmp).rglob("*") if p.is_file()}
        report_path = report_dir / "report.json"
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
        return SuiteRun(proc.returncode, proc.stdout + proc.stderr, report, files)


def load_switches(name: str) -> list[dict[str, Any]]:
    """reference/mutants.yaml or reference/variations.yaml, as data."""
    return yaml.safe_load((ROOT / "reference" / f"{name}.yaml").read_text(encoding="utf-8"))
