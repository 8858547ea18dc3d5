"""Running the reference server (a mutant, a variation) in this process and the suite in a subprocess, on loopback."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conformance.dataset import Dataset, load_dataset
from conformance.profiles import default_dataset_path
from reference.app import create_app
from reference.serve import start_in_thread

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


@functools.cache
def shipped_dataset(profile: str) -> Dataset:
    return load_dataset(default_dataset_path(profile), profile)


@contextlib.contextmanager
def serve(profile: str = "tenant-key", mutant: str | None = None, variation: str | None = None) -> Iterator[str]:
    """The reference server (with a mutant or a variation) in this process, on a free loopback port; stopped after.

    In-process rather than `python -m reference` (tested on its own in test_reference_server.py): it saves a
    start-up per suite run, and the self-test makes ~170 of them.
    """
    running = start_in_thread(create_app(shipped_dataset(profile), profile, mutant, variation))
    try:
        yield running.url
    finally:
        running.stop()


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
