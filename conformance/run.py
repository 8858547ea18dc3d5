"""One run of the suite in this process (`Run`): its settings, what it started (target, client, server), its results,
and the hooks that feed the results and, at the end, hand them to the gate. The plugin registers it at configure
time; `active` and `started` find it from any hook or fixture."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from conformance import __version__, evidence, failures, gate, known_failures, run_facts, startup
from conformance.client import Client
from conformance.report import report_data
from conformance.results import BY_EDGE, REASON, THROTTLING, Results
from conformance.settings import Settings
from conformance.target import Target
from conformance.transport import recording

RUN = pytest.StashKey["Run"]()
KEY_ATTRIBUTES = {"primary": "api_key", "foreign": "foreign_api_key"}


class Run:
    """One run of the suite in this process: its settings, what it started (target, client, server), its results;
    the hooks that feed the results and, at the end, hand them to the gate."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.profile = settings.profile
        self.results = Results(self.profile.name, dict(settings.known_failures))
        self.started: startup.Started | None = None
        self.started_at = time.monotonic()
        self.written: list[Path] = []
        self.problems: list[str] = []
        self.recorded: tuple[Path, int] | None = None  # --record: the HAR file written, and its number of entries
        self._previous_sigterm: Any = None
        self.failures: list[failures.Failure] = []  # as the terminal shows them, for the reports
        self.known_failures_updated: str | None = None  # --known-failures-update: what became of the file

    @property
    def target(self) -> Target | None:
        return self.started.target if self.started is not None else None

    @property
    def client(self) -> Client | None:
        return self.started.client if self.started is not None else None

    @property
    def controller(self) -> bool:
        """The process that reports: the only one, or xdist's controller (not a worker)."""
        return not hasattr(self.config, "workerinput")

    def verdicts(self) -> Mapping[str, evidence.Verdict]:
        """Captured traffic judged by every rule it can show (as the settings were resolved), requirement id → Verdict."""
        return self.settings.capture.verdicts if self.settings.capture is not None else {}

    def start(self) -> None:
        self.started = startup.start(self.settings, getattr(self.config, "workerinput", None) or {}, self.started_at)
        if self.controller:
            startup.preflight(self.started, self.results)

    def finish_recording(self) -> None:
        """--record, on the controller: the part files of every process merged into the HAR file (once)."""
        started = self.started
        if started is None or started.parts is None or not self.controller or self.recorded is not None:
            return
        if started.recorder is not None:
            started.recorder.close()
        target = started.target
        meta = {
            "profile": self.profile.name, "mode": target.mode, "base_url": target.base_url,
            "embedded": target.embedded,
            "keys": [name for name in ("primary", "foreign") if getattr(target, KEY_ATTRIBUTES[name]) is not None],
            "chats": {name: getattr(target, name) for name in ("chat_id", "empty_chat_id", "foreign_chat_id")},
        }
        path = Path(self.settings.record)
        try:
            self.recorded = (path, recording.write_har(path, started.parts, meta, __version__))
        except OSError as exc:
            self.problems.append(f"could not write the HAR file {str(path)!r}: {exc.strerror or exc}")
            return
        recording.remove_parts(started.parts)

    def catch_sigterm(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous_sigterm = signal.signal(signal.SIGTERM, self.interrupt)

    def stop(self) -> None:
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None
        started = self.started
        if started is None:
            return
        started.client.close()
        self.finish_recording()
        if started.parts is not None and self.controller:
            recording.remove_parts(started.parts)
        if started.server is not None:
            started.server.stop()
            started.server = None

    # -------------------------------------------------------------- hooks on the controller (or the only process)
    def interrupt(self, signum: int, frame: Any) -> None:
        """SIGTERM (a CI timeout or cancel) ends the run as Ctrl-C does: stopped, with its reports written.

        Once: a second signal while the run winds down is ignored. Raised where it lands, unless that is inside a
        garbage collector callback (Hypothesis keeps one), where Python drops the exception; then, as whenever the
        raise is lost, no request starts after it (Limits.interrupted) and the next one stops the run."""
        reason = f"stopped by {signal.Signals(signum).name}"
        if self.client is not None and self.client.limits.interrupted is not None:
            return
        self.results.stop(reason)
        if self.client is not None:
            self.client.limits.interrupted = reason
        if frame is not None and frame.f_code.co_name == "gc_callback":
            return
        raise KeyboardInterrupt(reason)

    def throttling(self) -> str:
        """This process's waits for a throttling target so far, as the THROTTLING report property says them."""
        process = (getattr(self.config, "workerinput", None) or {}).get("workerid", "main")
        return f"{process} {self.client.limits.throttle.so_far().encode()}"

    def by_edge(self) -> str:
        """This process's answers written by the edge so far, as the BY_EDGE report property says them."""
        process = (getattr(self.config, "workerinput", None) or {}).get("workerid", "main")
        return f"{process} {self.client.seen.encode()}"

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.target is None:
            return
        props = dict(report.user_properties)
        if THROTTLING in props:
            self.results.note_throttling(props[THROTTLING])
        if BY_EDGE in props:
            self.results.note_by_edge(props[BY_EDGE])
        if not (report.when == "call" or report.failed or report.skipped):
            return
        outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
        self.results.record(report.nodeid, outcome, props, props.get(REASON, ""))
        failure = failures.of_report(report.nodeid, outcome, props, report.longreprtext)
        if failure is not None:
            self.failures.append(failure)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.controller or self.target is None:
            return
        results, level = self.results, self.settings.level
        stopped_by_the_suite = gate.note_stop(results, session, exitstatus)
        results.note_throttling(self.throttling())  # the preflight's, or the only process's
        if self.client.seen.by_edge:
            results.note_by_edge(self.by_edge())
        results.finish()
        self.finish_recording()
        data = report_data(results, self.target.base_url, self.target.mode, level,
                           gate.har_facts(self.settings, self.recorded))
        data.update(run_facts.of_run(self.settings, self.failures))
        self.written, problems = gate.write(data, self.settings.report_dir, self.settings.step_summary)
        self.problems += problems
        if self.settings.known_failures_update:
            self.known_failures_updated, problem = known_failures.update_after(self.settings.known_failures_path, data)
            self.problems += [problem] if problem else []
        status = gate.exit_status(results, exitstatus, level, stopped_by_the_suite)
        if status is not None:
            session.exitstatus = status

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.controller or self.target is None:
            return
        gate.summary(terminalreporter, self.results, self.settings.level, self.target,
                     self.client if self.settings.one_process else None, self.written, self.recorded, self.problems)
        for req_id, why in self.settings.expired_known_failures.items():
            terminalreporter.write_line(f"known failure {why}: {req_id} is judged again", yellow=True)
        if self.known_failures_updated:
            terminalreporter.write_line(f"--known-failures-update: {self.known_failures_updated}")


def active(config: pytest.Config) -> Run | None:
    """The run of this session, or None where the plugin is dormant (a pytest run that is not the suite's)."""
    return config.stash.get(RUN, None)


def started(config: pytest.Config) -> Run:
    run = active(config)
    if run is None or run.target is None:
        raise pytest.UsageError("the conformance checks run only as part of the suite: pytest conformance (or "
                                "--pyargs conformance)")
    return run


def numbered_only(exc: BaseException | None) -> None:
    """The tracebacks of `exc` and of the exceptions it chains, less their entries without a line number (not the
    first: it is pytest's own frame, where the stop surfaced)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        entry = exc.__traceback__
        while entry is not None and entry.tb_next is not None:
            if entry.tb_next.tb_lineno is None:
                entry.tb_next = entry.tb_next.tb_next
            else:
                entry = entry.tb_next
        exc = exc.__cause__ or exc.__context__
