"""The pytest wiring of the suite: options, the target, verdicts, the gate and the reports."""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from conformance import (__version__, evidence, explanation, failures, fuzzing, gate, known_failures, options,
                         recording, reproduce, run_facts, sends, startup)
from conformance.catalogue import for_profile
from conformance.client import Client, Exchange
from conformance.masking import REDACTOR
from conformance.profiles import BY_NAME
from conformance.report import report_data
from conformance.rules import ids_of
from conformance.settings import Settings, resolve
from conformance.results import (BY_EDGE, CHECKS, ENTRIES, FAILED, HELD, INCONCLUSIVE, NOTE, REASON, REASONS,
                                 REPRODUCED, STOPPED, THROTTLING, UNATTRIBUTED, Results)
from conformance.rules.registry import watched
from conformance.violations import flatten, gathering, raise_found
from conformance.target import Target

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup  # Hypothesis's own dependency before 3.11

RUN = pytest.StashKey["Run"]()
SENT_AHEAD = pytest.StashKey[set]()  # the families of checks whose requests were sent ahead
KEY_ATTRIBUTES = {"primary": "api_key", "foreign": "foreign_api_key"}
JUNIT = pytest.StashKey[dict]()  # what a test found (failed, inconclusive requirements), carried to its teardown (junit)
TOLD = pytest.StashKey[dict]()  # requirement id → whether every run of its rules in the test's call held


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
        if started.client.recorder is not None:
            started.client.recorder.close()
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


# ------------------------------------------------------------------ hooks

def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rules(*rules): the rules (conformance/rules/) this check applies")
    config.addinivalue_line("markers", "requirement(*ids): requirement ids this check proves (set from its rules)")
    config.addinivalue_line("markers", "sends(request_of, needs): the one request this check sends (sends.py)")
    if not runs_the_suite(config):
        return  # dormant: another pytest run (the project's own tests, say) that loads the plugin
    # Hypothesis writes caches into the current directory: keep them out of the user's tree.
    import hypothesis.configuration

    hypothesis.configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "conformance-hypothesis")
    run = Run(config, resolve(config))
    config.stash[RUN] = run
    config.pluginmanager.register(run, "conformance-run")


CAPTURED_CHECKS = "captured"  # the folder of the one check of passive mode (--from-har of captured traffic)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    run = _active(config)
    if run is None or collection_path.parent != Path(__file__).parent:
        return None
    if (collection_path.name == CAPTURED_CHECKS) != (run.settings.capture is not None):
        return True  # passive mode collects the captured-traffic check alone; a live run or a replay, all but it
    other = {p.checks_folder for p in BY_NAME.values() if p != run.profile}
    return True if collection_path.name in other else None


def runs_the_suite(config: pytest.Config) -> bool:
    """Whether this session collects the suite's checks (the plugin stays dormant in other pytest runs)."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return "conformance_base_url" in workerinput
    package = Path(__file__).parent
    for arg in config.args:
        if config.option.pyargs and arg.split("::")[0].split(".")[0] == package.name:
            return True
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if path == package or package in path.parents:
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    run = _active(session.config)
    if run is None:
        return
    run.catch_sigterm()
    run.start()
    if run.controller:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"conformance target: {run.target.describe()}", bold=True)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: Any, name: str, obj: Any) -> Any:
    """A property test (fuzzing.PropertyTest) is built here, with the run's settings, then collected as the test
    function it is."""
    if not isinstance(obj, fuzzing.PropertyTest):
        return None
    run = _started(collector.config)
    settings = run.settings
    # Schemathesis matches answers to cases by path: behind a path prefix it must know the prefix.
    test = obj.build(fuzzing.FuzzSettings(settings.fuzz_examples, settings.fuzz_seed, run.target.base_url))
    return collector.ihook.pytest_pycollect_makeitem(collector=collector, name=name, obj=test)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    run = _active(node.config)
    if run is None or run.target is None:
        return
    node.workerinput["conformance_base_url"] = run.target.base_url
    node.workerinput["conformance_embedded"] = run.target.embedded
    node.workerinput["conformance_started_at"] = run.started_at
    if run.started.parts is not None:
        node.workerinput["conformance_record_parts"] = run.started.parts


def pytest_unconfigure(config: pytest.Config) -> None:
    run = _active(config)
    if run is not None:
        run.stop()


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Target:
    return _started(request.config).target


@pytest.fixture(scope="session")
def client(request: pytest.FixtureRequest) -> Client:
    return _started(request.config).client


def _active(config: pytest.Config) -> Run | None:
    """The run of this session, or None where the plugin is dormant (a pytest run that is not the suite's)."""
    return config.stash.get(RUN, None)


def _started(config: pytest.Config) -> Run:
    run = _active(config)
    if run is None or run.target is None:
        raise pytest.UsageError("the conformance checks run only as part of the suite: pytest conformance (or --pyargs conformance)")
    return run


@pytest.fixture(scope="session")
def captured_verdicts(request: pytest.FixtureRequest) -> Mapping[str, evidence.Verdict]:
    """--from-har of captured traffic: requirement id → what the traffic showed of it."""
    return _started(request.config).verdicts()


@pytest.fixture
def need(target: Target):
    """need("api_key", "dataset", ...) skips the test, saying what to supply, unless the target has them all."""

    def need(*names: str) -> None:
        reason = target.missing(*names)
        if reason:
            # Reported at the test's location, not this fixture's.
            raise pytest.skip.Exception(reason, _use_item_location=True)

    return need


@pytest.fixture
def answer(request: pytest.FixtureRequest, client: Client, target: Target) -> Exchange:
    """The answer to the request the test sends (sends.py). The first test of a family to ask sends the requests of
    the whole family ahead, together (--concurrency); each test then judges its own answer in its turn."""
    call = sends.requested(request.node, target)
    if isinstance(call, str):
        raise pytest.skip.Exception(call, _use_item_location=True)
    sent = request.config.stash.setdefault(SENT_AHEAD, set())
    if sends.family(request.node) not in sent:
        sent.add(sends.family(request.node))
        client.send_ahead_messages(sends.calls_of_family(request.node, request.session.items, target))
    return client.get_messages(*call)


@pytest.fixture
def note(request: pytest.FixtureRequest, target: Target):
    """note(text, *rules): what these rules were proven on, when it is less than everything (a chat too large to walk
    whole, walked in windows); shown beside them in the reports when they pass."""

    def note(text: str, *rules: Any) -> None:
        ids = " ".join(ids_of(rules, target.profile))
        props = request.node.user_properties
        earlier = next((i for i, (name, _) in enumerate(props) if name == NOTE), None)
        line = f"{ids}\t{text}"
        if earlier is None:
            props.append((NOTE, line))
        else:
            props[earlier] = (NOTE, props[earlier][1] + "\n" + line)

    return note


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Every rule the test runs is watched (which held, which broke: a requirement's status comes from them), and
    what its `go_on()` blocks found is raised at its end, with whatever ended it."""
    if _active(item.config) is None:
        return (yield)
    told: dict[str, bool] = item.stash.setdefault(TOLD, {})

    def tell(req_id: str, held: bool) -> None:
        told[req_id] = told.get(req_id, True) and held

    with watched(tell), gathering() as gathered:
        try:
            out = yield
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            if not gathered.found:
                raise
            if isinstance(exc, pytest.skip.Exception):
                raise_found(gathered.found)  # what was found fails the test, whatever skipped it after
            raise BaseExceptionGroup(f"{len(gathered.found) + 1} findings", [*gathered.found, exc]) from None
        raise_found(gathered.found)
        return out


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    run = _active(item.config)
    if run is None or run.target is None:
        return report
    ids = [i for mark in item.iter_markers("requirement") for i in mark.args]
    report.user_properties = [p for p in report.user_properties
                              if p[0] not in (CHECKS, FAILED, REASON, UNATTRIBUTED, STOPPED, THROTTLING, INCONCLUSIVE,
                                               REPRODUCED, ENTRIES, HELD, REASONS, BY_EDGE)]
    report.user_properties.append((CHECKS, " ".join(ids)))
    if call.when == "call":
        held = [req_id for req_id, ok in item.stash.get(TOLD, {}).items() if ok]
        report.user_properties.append((HELD, " ".join(held)))
    report.sections = [(title, REDACTOR.scrub(content)) for title, content in report.sections]
    if run.client.limits.throttle.waits:
        report.user_properties.append((THROTTLING, run.throttling()))
    if run.client.seen.by_edge:
        report.user_properties.append((BY_EDGE, run.by_edge()))
    if call.when == "teardown":
        report.user_properties += list(item.stash.get(JUNIT, {}).items())  # junit reads teardown's properties
    if call.excinfo is not None and report.failed:
        explained = explanation.explain(call.excinfo.value, run.profile, run.client.seen)
        if explained.inconclusive and not (explained.failed or explained.unattributed or explained.stopped):
            inconclusive(item, report, explained)
            return report
        failed = explained.failed
        text, reason = explained.text, explanation.first_line(explained.text)
        exchange = next((f.exchange for f in flatten(call.excinfo.value) if getattr(f, "exchange", None)), None)
        if failed and not explained.stopped and exchange is not None and not run.settings.known_failures.keys() >= set(failed):
            checked = reproduce.recheck(exchange)
            text += "\n" + checked.note if checked.note else ""
            if checked.reproduced is not None:
                report.user_properties.append((REPRODUCED, "yes" if checked.reproduced else "no"))
                reason += "" if checked.reproduced else " (did not reproduce: flaky)"
        report.longrepr = REDACTOR.scrub(text)
        report.user_properties.append((FAILED, " ".join(failed)))
        if failed:
            item.stash.setdefault(JUNIT, {})[FAILED] = " ".join(failed)
        report.user_properties.append((REASON, REDACTOR.scrub(reason)))
        if explained.entries:
            report.user_properties.append((ENTRIES, " ".join(explained.entries)))
        if explained.inconclusive:
            report.user_properties.append((INCONCLUSIVE, " ".join(explained.inconclusive)))
            item.stash.setdefault(JUNIT, {})[INCONCLUSIVE] = " ".join(explained.inconclusive)
        if len(explained.reasons) > 1:
            report.user_properties.append((REASONS, REDACTOR.scrub("\n".join(
                f"{req}\t{why}" for req, why in explained.reasons.items()))))
        if explained.unattributed:
            report.user_properties.append((UNATTRIBUTED, REDACTOR.scrub("\n".join(explained.unattributed))))
        if explained.stopped:
            report.user_properties.append((STOPPED, explained.stopped))
            item.session.shouldstop = explained.stopped
        elif failed and not explained.unattributed and all(f in run.settings.known_failures for f in failed):
            report.outcome = "skipped"
            report.wasxfail = "known failure: " + "; ".join(f"{f}: {run.settings.known_failures[f]}" for f in failed)
    elif report.skipped and isinstance(report.longrepr, tuple):
        report.user_properties.append((REASON, str(report.longrepr[2]).removeprefix("Skipped: ")))
    return report


def inconclusive(item: pytest.Item, report: pytest.TestReport, explained: explanation.Explanation) -> None:
    """The data moved under the check: the test is reported skipped, its moved requirements inconclusive."""
    reason = REDACTOR.scrub(explained.text)
    path, lineno, _ = item.reportinfo()
    report.outcome = "skipped"
    report.longrepr = (str(path), (lineno or 0) + 1, reason)
    report.user_properties.append((INCONCLUSIVE, " ".join(explained.inconclusive)))
    report.user_properties.append((REASON, reason))
    item.stash.setdefault(JUNIT, {})[INCONCLUSIVE] = " ".join(explained.inconclusive)


# Arguments a check takes from the run's profile, one test per value: argument → Profile attribute.
PROFILE_VALUES = {"unknown_chat_id": "unknown_chats", "malformed_chat_id": "malformed_chat_ids",
                  "odd_input": "odd_inputs"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    run = _active(metafunc.config)
    if run is not None and "captured_requirement" in metafunc.fixturenames:
        # Passive mode: one test per requirement of the profile, judged on the captured traffic.
        metafunc.parametrize("captured_requirement", [
            pytest.param(r.id, id=r.id, marks=pytest.mark.requirement(r.id)) for r in for_profile(run.profile.name)])
    for argument, attribute in PROFILE_VALUES.items():
        if run is not None and argument in metafunc.fixturenames:
            metafunc.parametrize(argument, getattr(run.profile, attribute), ids=repr)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A check's requirements are the ids its rules have in the run's profile; a check none of whose rules the
    profile has is not this profile's (a shared check of rules another variant alone has)."""
    run = _active(config)
    if run is None or run.target is None:
        return
    kept, dropped = [], []
    for item in items:
        rules = [r for mark in item.iter_markers("rules") for r in mark.args]
        ids = ids_of(rules, run.profile)
        if rules and not ids:
            dropped.append(item)
            continue
        if ids:
            item.add_marker(pytest.mark.requirement(*ids))
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
