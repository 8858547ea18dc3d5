"""Running the reference server (a mutant, a variation) in this process and the suite in a subprocess, on loopback."""

from __future__ import annotations

import contextlib
import functools
import json
import locale
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


from conformance.dataset import Dataset, load_dataset
from conformance.profiles import default_dataset_path
from reference.app import create_app
from reference.serve import start_in_thread
from reference.variants import mutants, variations

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
    wall_seconds: float = 0.0  # from start to exit
    peak_rss_mib: float | None = None  # the suite process's peak resident memory (its workers' too: the largest)
    terminated_at: float | None = None  # seconds after start when SIGTERM was sent, if it was

    def statuses(self) -> dict[str, str]:
        return {r["id"]: r["status"] for r in self.report.get("requirements", [])}

    def failed(self) -> set[str]:
        return {i for i, s in self.statuses().items() if s == "fail"}


def run_suite(*args: str, base_url: str | None = None, extra_env: dict[str, str] | None = None,
              timeout: float = SUITE_TIMEOUT, terminate_after: str | None = None,
              terminate_delay: float | None = None) -> SuiteRun:
    """`pytest conformance` in a subprocess with a report directory; every file it wrote is returned.

    With terminate_after (a text) and/or terminate_delay (seconds), SIGTERM is sent to the suite process
    terminate_delay seconds after its output first shows that text (or after its start, without a text).
    A run that outlasts `timeout` is killed and raises subprocess.TimeoutExpired, as subprocess.run does.
    """
    with tempfile.TemporaryDirectory(prefix="conformance-run-") as tmp:
        report_dir = Path(tmp) / "report"
        cmd = [sys.executable, "-m", "pytest", str(ROOT / "conformance"), "-p", "no:cacheprovider", "-q",
               "--conformance-report", str(report_dir), "--junitxml", str(Path(tmp) / "junit.xml"), *args]
        if base_url:
            cmd += ["--base-url", base_url]
        extra = dict(extra_env or {})
        if terminate_after is not None:
            extra.setdefault("PYTHONUNBUFFERED", "1")  # the text is watched for as it is written
        # Output goes to unnamed files outside `tmp` (not among the files the suite wrote).
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.monotonic()
            proc = subprocess.Popen(cmd, cwd=tmp, env=env(**extra), stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            ended, usage, terminated_at = _reap(proc, started, timeout, out.fileno(), terminate_after,
                                                terminate_delay)
            wall = time.monotonic() - started
            output = _decoded(out) + _decoded(err)
        if not ended:
            raise subprocess.TimeoutExpired(cmd, timeout, output=output)
        files = {str(p.relative_to(tmp)): p.read_bytes() for p in Path(tmp).rglob("*") if p.is_file()}
        report_path = report_dir / "report.json"
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
        # ru_maxrss: KiB on Linux, bytes on macOS.
        peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024) if usage else None
        return SuiteRun(proc.returncode, output, report, files, wall, peak, terminated_at)


def _reap(proc: subprocess.Popen, started: float, timeout: float, out_fd: int, terminate_after: str | None,
          terminate_delay: float | None) -> tuple[bool, Any, float | None]:
    """Wait for the suite, with os.wait4 where there is one (its rusage is that child's and its own children's
    alone); SIGTERM it when told, kill it on timeout. Returns (whether it ended in time, the rusage or None,
    when SIGTERM was sent)."""
    watch = terminate_after is not None or terminate_delay is not None
    seen_at = None if terminate_after is not None else started
    watched, read_to, terminated_at = b"", 0, None
    while True:
        ended, usage = _poll(proc, block=False)
        if ended:
            return True, usage, terminated_at
        now = time.monotonic()
        if now - started > timeout:
            proc.kill()
            return False, _poll(proc, block=True)[1], terminated_at
        if watch and terminated_at is None:
            if seen_at is None:
                chunk = os.pread(out_fd, 1 << 16, read_to)
                read_to += len(chunk)
                # Keep only a tail long enough to find the text across two reads.
                watched = (watched + chunk)[-(len(terminate_after.encode()) + (1 << 16)):]
                if terminate_after.encode() in watched:
                    seen_at = now
            if seen_at is not None and now - seen_at >= (terminate_delay or 0.0):
                proc.send_signal(signal.SIGTERM)
                terminated_at = now - started
        time.sleep(0.02)


def _poll(proc: subprocess.Popen, block: bool) -> tuple[bool, Any]:
    """(whether the process ended, its rusage where the platform gives one)."""
    if not hasattr(os, "wait4"):
        if block:
            proc.wait()
        return proc.poll() is not None, None
    pid, status, usage = os.wait4(proc.pid, 0 if block else os.WNOHANG)
    if not pid:
        return False, None
    proc.returncode = os.waitstatus_to_exitcode(status)  # so that Popen does not wait for it again
    return True, usage


def _decoded(handle: Any) -> str:
    """The file's bytes as subprocess.run(text=True) would give them (locale encoding, universal newlines)."""
    handle.seek(0)
    text = handle.read().decode(locale.getpreferredencoding(False))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_switches(name: str) -> list[dict[str, Any]]:
    """reference/mutants.yaml or reference/variations.yaml, as data: one dict per (name, profile), with the
    requirement ids a mutant violates in that profile (a defect both profiles have is run in each)."""
    return [asdict(switch) for switch in {"mutants": mutants, "variations": variations}[name]()]
