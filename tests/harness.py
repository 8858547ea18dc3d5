"""Running the reference server (a mutant, a variation) in this process and the suite in a subprocess, on loopback."""

from __future__ import annotations

import contextlib
import functools
import json
import locale
import os
import select
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
PROFILE_ARGS = {"tenant-key": [], "org-token": ["--profile", "org-token"]}  # what a run of each profile is given


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

    In-process rather than `python -m reference` (tested on its own in tests/reference/test_server.py): it saves a
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
    The run is a fork of a process that has the suite imported already (tests/warm_suite.py): the same run, about
    a second sooner. A run whose extra_env sets PYTHONPATH (a sitecustomize to run at start-up) gets a fresh
    interpreter instead.
    """
    with tempfile.TemporaryDirectory(prefix="conformance-run-") as tmp:
        report_dir = Path(tmp) / "report"
        pytest_args = [str(ROOT / "conformance"), "-p", "no:cacheprovider", "-q", "--conformance-report",
                       str(report_dir), "--junitxml", str(Path(tmp) / "junit.xml"), *args]
        if base_url:
            pytest_args += ["--base-url", base_url]
        cmd = [sys.executable, "-m", "pytest", *pytest_args]
        extra = dict(extra_env or {})
        if terminate_after is not None:
            extra.setdefault("PYTHONUNBUFFERED", "1")  # the text is watched for as it is written
        # Output goes to files outside `tmp` (not among the files the suite wrote).
        with tempfile.TemporaryDirectory(prefix="conformance-output-") as output_dir:
            out_path, err_path = Path(output_dir) / "stdout", Path(output_dir) / "stderr"
            out_path.touch()
            err_path.touch()
            started = time.monotonic()
            if "PYTHONPATH" not in extra:
                proc: _Run = warm_suite().start(pytest_args, tmp, env(**extra), out_path, err_path)
            else:
                with open(out_path, "wb") as out, open(err_path, "wb") as err:
                    proc = _Fresh(subprocess.Popen(cmd, cwd=tmp, env=env(**extra), stdin=subprocess.DEVNULL,
                                                   stdout=out, stderr=err))
            with open(out_path, "rb") as out:
                ended, terminated_at = _reap(proc, started, timeout, out.fileno(), terminate_after, terminate_delay)
            wall = time.monotonic() - started
            output = _decoded(out_path.read_bytes()) + _decoded(err_path.read_bytes())
        if not ended:
            raise subprocess.TimeoutExpired(cmd, timeout, output=output)
        files = {str(p.relative_to(tmp)): p.read_bytes() for p in Path(tmp).rglob("*") if p.is_file()}
        report_path = report_dir / "report.json"
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
        # ru_maxrss: KiB on Linux, bytes on macOS.
        peak = proc.maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024) if proc.maxrss is not None else None
        return SuiteRun(proc.returncode, output, report, files, wall, peak, terminated_at)


class _Run:
    """A running suite process: a fresh interpreter (_Fresh) or a fork of the warm one (_Warm)."""

    returncode: int | None = None
    maxrss: int | None = None  # its peak resident memory (its children's too: the largest), once it ended

    def ended(self, block: bool) -> bool:
        raise NotImplementedError

    def send_signal(self, signum: int) -> None:
        raise NotImplementedError


class _Fresh(_Run):
    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc

    def ended(self, block: bool) -> bool:
        """With os.wait4 where there is one: its rusage is that child's and its own children's alone."""
        if not hasattr(os, "wait4"):
            if block:
                self.proc.wait()
            self.returncode = self.proc.poll()
            return self.returncode is not None
        pid, status, usage = os.wait4(self.proc.pid, 0 if block else os.WNOHANG)
        if not pid:
            return False
        self.returncode = self.proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
        self.maxrss = usage.ru_maxrss
        return True

    def send_signal(self, signum: int) -> None:
        self.proc.send_signal(signum)


class _Warm(_Run):
    def __init__(self, server: WarmSuite, pid: int) -> None:
        self.server, self.pid = server, pid

    def ended(self, block: bool) -> bool:
        done = self.server.reply(block)
        if done is None:
            return False
        self.returncode, self.maxrss = done["exit"], done["maxrss"]
        return True

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)


class WarmSuite:
    """tests/warm_suite.py, started once per test process: it forks one suite run at a time."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "warm_suite.py")],
                                     cwd=tempfile.gettempdir(), env=env(), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, bufsize=0)
        self.pending = b""  # read from its stdout, not yet a whole line

    def start(self, args: list[str], cwd: str, environment: dict[str, str], stdout: Path, stderr: Path) -> _Warm:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"args": args, "cwd": cwd, "env": environment, "stdout": str(stdout),
                                          "stderr": str(stderr)}).encode() + b"\n")
        while True:  # past the end of a run given up on (an interrupted test), if any
            started = self.reply(block=True)
            if started is not None and "exit" not in started:
                return _Warm(self, started["pid"])

    def reply(self, block: bool) -> dict[str, Any] | None:
        """Its next line, read unbuffered (a line already read must not wait for the next)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.pending:
            if not block and not select.select([fd], [], [], 0)[0]:
                return None
            chunk = os.read(fd, 1 << 12)
            if not chunk:
                raise RuntimeError(f"the warm suite process ended (exit {self.proc.wait()})")
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return json.loads(line)


@functools.cache
def warm_suite() -> WarmSuite:
    return WarmSuite()


def _reap(proc: _Run, started: float, timeout: float, out_fd: int, terminate_after: str | None,
          terminate_delay: float | None) -> tuple[bool, float | None]:
    """Wait for the suite; SIGTERM it when told, kill it on timeout. Returns (whether it ended in time, when
    SIGTERM was sent)."""
    watch = terminate_after is not None or terminate_delay is not None
    seen_at = None if terminate_after is not None else started
    watched, read_to, terminated_at = b"", 0, None
    while True:
        if proc.ended(block=False):
            return True, terminated_at
        now = time.monotonic()
        if now - started > timeout:
            proc.send_signal(signal.SIGKILL)
            proc.ended(block=True)
            return False, terminated_at
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


def _decoded(data: bytes) -> str:
    """The bytes as subprocess.run(text=True) would give them (locale encoding, universal newlines)."""
    text = data.decode(locale.getpreferredencoding(False))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_switches(name: str) -> list[dict[str, Any]]:
    """reference/mutants.yaml or reference/variations.yaml, as data: one dict per (name, profile), with the
    requirement ids a mutant violates in that profile (a defect both profiles have is run in each)."""
    return [asdict(switch) for switch in {"mutants": mutants, "variations": variations}[name]()]


def discovery_args(profile: str) -> list[str]:
    """The ids and keys a user of discovery mode passes: those of the shipped dataset, given by hand."""
    data = shipped_dataset(profile)
    return ["--api-key", data.tenants["primary"], "--foreign-api-key", data.tenants["foreign"],
            "--chat-id", str(data.roles["populated"]), "--empty-chat-id", str(data.roles["empty"]),
            "--foreign-chat-id", str(data.roles["foreign"])]
