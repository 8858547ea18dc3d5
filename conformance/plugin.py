"""The pytest wiring of the suite: options, the target, verdicts, the gate and the reports."""

from __future__ import annotations

import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from conformance import __version__, fuzzing, options, passive, probes, recording, reproduce, verdicts
from conformance.catalogue import for_profile
from conformance.client import BudgetExhausted, Client, Exchange, Limits, TargetError, Unreachable, reusable
from conformance.dataset import Dataset, DatasetError, load_dataset
from conformance.embedded import start_reference
from conformance.masking import REDACTOR, Secret
from conformance.profiles import BY_NAME
from conformance.report import append_step_summary, report_data, write_reports
from conformance.rules import ids_of
from conformance.settings import Settings, check_dataset_key, resolve
from conformance.results import (CHECKS, ENTRIES, FAILED, INCONCLUSIVE, NOTE, REASON, REPRODUCED, STOPPED,
                                 THROTTLING, UNATTRIBUTED, Results)
from conformance.target import Target

RUN = pytest.StashKey["Run"]()
SENT_AHEAD = pytest.StashKey[set]()  # the families of probes already sent ahead
KEY_ATTRIBUTES = {"primary": "api_key", "foreign": "foreign_api_key"}
INCONCLUSIVE_IDS = pytest.StashKey[str]()  # a test's inconclusive requirements, carried to its teardown (junit)


class Run:
    """Session state: the settings, the target, its client, the embedded server if any, the results."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.profile = settings.profile
        self.level = settings.level
        self.known = settings.known_failures
        self.results = Results(self.profile.name, dict(self.known))
        self.target: Target | None = None
        self.client: Client | None = None
        self.server = None
        self.written: list[Path] = []
        self.problems: list[str] = []
        self.started_at = time.monotonic()
        self._previous_sigterm: Any = None
        self.parts: str | None = None  # --record: the directory of every process's part file
        self.recorded: tuple[Path, int] | None = None  # --record: the HAR file written, and its number of entries
        self._verdicts: dict[str, passive.Verdict] | None = None  # --from-har of captured traffic: judged once

    def verdicts(self) -> dict[str, passive.Verdict]:
        """Captured traffic judged by every rule it can show (once per process), requirement id → Verdict."""
        if self._verdicts is None:
            self._verdicts = passive.judge(self.settings.capture)
        return self._verdicts

    # -------------------------------------------------------------- target
    def start(self) -> None:
        settings = self.settings
        if settings.capture is not None:
            self.start_passive(settings.capture)
            return
        workerinput = getattr(self.config, "workerinput", None) or {}
        replay = settings.from_har
        base_url = workerinput.get("conformance_base_url") or settings.base_url
        if replay is not None:
            # A replay talks to no target: the recording names the one it was made against.
            base_url = str(replay.meta.get("base_url", ""))
        dataset = self._load(settings.dataset_path) if settings.dataset_path is not None else None
        embedded = bool(workerinput.get("conformance_embedded")) or not base_url
        if replay is not None:
            embedded = bool(replay.meta.get("embedded"))
        if not base_url:
            # The embedded server always serves a dataset, even when the suite runs in discovery mode.
            served = dataset or self._load(self.profile.dataset_path)
            try:
                self.server = start_reference(served, self.profile.name)
            except Exception as exc:  # noqa: BLE001 - one clear message instead of a traceback
                raise pytest.UsageError(f"could not start the embedded reference server: {exc}") from None
            base_url = self.server.url
        elif embedded:
            served = self._load(self.profile.dataset_path) if dataset is None else dataset
        else:
            served = dataset
        # Against the embedded server, discovery mode still takes keys and ids from the data it serves.
        self.target = self._target(base_url.rstrip("/"), embedded, dataset, served)
        limits = Limits(settings.max_requests, settings.rate_limit, settings.max_duration,
                        workerinput.get("conformance_started_at", self.started_at), settings.max_throttle_wait)
        keys = {"primary": self.target.api_key, "foreign": self.target.foreign_api_key}
        recorder = None
        if settings.record:
            recording.guard_near_misses(keys)
            self.parts = workerinput.get("conformance_record_parts") or recording.parts_directory()
            recorder = recording.Recorder(self.parts, workerinput.get("workerid", "main"))
        self.client = Client(self.target.base_url, self.target.auth_header, settings.request_timeout, limits,
                             keys=keys, recorder=recorder, recording=replay, concurrency=settings.concurrency,
                             reuse=reusable(fixed_data=self.target.dataset is not None))

    def start_passive(self, capture: passive.Capture) -> None:
        """Captured traffic is judged, nothing is sent: no server, and a client that can answer nothing."""
        self.target = Target(base_url=", ".join(capture.origins), profile=self.profile,
                             auth_header=self.settings.auth_header, embedded=False,
                             captured=f"{capture.source} ({capture.describe()})")
        self.client = Client(self.target.base_url, self.target.auth_header, self.settings.request_timeout,
                             Limits(0, None), recording=recording.Recording({}, [], capture.source))

    def finish_recording(self) -> None:
        """--record, on the controller: the part files of every process merged into the HAR file (once)."""
        if self.parts is None or hasattr(self.config, "workerinput") or self.recorded is not None \
                or self.target is None:
            return
        if self.client is not None and self.client.recorder is not None:
            self.client.recorder.close()
        target = self.target
        meta = {
            "profile": self.profile.name, "mode": target.mode, "base_url": target.base_url,
            "embedded": target.embedded,
            "keys": [name for name in ("primary", "foreign") if getattr(target, KEY_ATTRIBUTES[name]) is not None],
            "chats": {name: getattr(target, name) for name in ("chat_id", "empty_chat_id", "foreign_chat_id")},
        }
        path = Path(self.settings.record)
        try:
            self.recorded = (path, recording.write_har(path, self.parts, meta, __version__))
        except OSError as exc:
            self.problems.append(f"could not write the HAR file {str(path)!r}: {exc.strerror or exc}")
            return
        recording.remove_parts(self.parts)

    def _load(self, path: Path) -> Dataset:
        try:
            return load_dataset(path, self.profile.name)
        except DatasetError as exc:
            raise pytest.UsageError(f"malformed dataset: {exc}") from None

    def _target(self, base_url: str, embedded: bool, dataset: Dataset | None, ids_from: Dataset | None) -> Target:
        settings = self.settings

        def given_or(value: Any, fallback: Any) -> Any:
            return value if value is not None else fallback

        def role(name: str) -> Any:
            return ids_from.roles.get(name) if ids_from is not None else None

        replay = settings.from_har
        recorded_chats = replay.meta.get("chats", {}) if replay is not None else {}
        recorded_keys = replay.meta.get("keys", []) if replay is not None else []

        def key(given: str | None, tenant: str) -> Secret | None:
            chosen = given if given is not None else check_dataset_key(ids_from.tenants.get(tenant) if ids_from else None)
            if chosen is None and tenant in recorded_keys:
                # A replay without the key: a stand-in, labelled as the key was (the recording holds labels only).
                chosen = recording.PLACEHOLDER_KEYS[tenant]
            return Secret(chosen) if chosen is not None else None

        def chat(given: Any, name: str, role_name: str) -> Any:
            return given_or(given, given_or(role(role_name), recorded_chats.get(name)))

        return Target(
            base_url=base_url,
            profile=self.profile,
            auth_header=settings.auth_header,
            embedded=embedded,
            api_key=key(settings.api_key, "primary"),
            foreign_api_key=key(settings.foreign_api_key, "foreign"),
            chat_id=chat(settings.chat_id, "chat_id", "populated"),
            empty_chat_id=chat(settings.empty_chat_id, "empty_chat_id", "empty"),
            foreign_chat_id=chat(settings.foreign_chat_id, "foreign_chat_id", "foreign"),
            dataset=dataset,
            replayed_from=replay.source if replay is not None else None,
        )

    def preflight(self) -> None:
        """One GET before any test: an unreachable target or a rejected key stops the session here."""
        target, client = self.target, self.client
        if target.captured is not None:
            return  # passive: nothing is sent
        chat = target.chat_id if target.chat_id is not None else target.profile.no_such_chat
        try:
            exchange = client.get_messages(chat, key=target.api_key)
        except Unreachable as exc:
            self.results.stop("the preflight could not reach the target")
            pytest.exit(f"conformance: cannot reach the target {target.base_url}: {exc}", returncode=3)
        except BudgetExhausted as exc:
            self.results.stop(str(exc))
            pytest.exit(f"conformance: {exc}", returncode=2)
        except TargetError:
            return  # it answers, if badly: the checks will say how
        except recording.NotRecorded:
            return  # a replay of a run whose preflight asked otherwise: the checks find their own
        if target.api_key is not None and exchange.status == 401:
            self.results.stop("the preflight's key was rejected")
            pytest.exit(
                f"conformance: the target {target.base_url} rejects the API key (401 for GET {exchange.url}); "
                "check --api-key / CONFORMANCE_API_KEY and --auth-header",
                returncode=3,
            )

    def catch_sigterm(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous_sigterm = signal.signal(signal.SIGTERM, self.interrupt)

    def stop(self) -> None:
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None
        if self.client is not None:
            self.client.close()
        self.finish_recording()
        if self.parts is not None and not hasattr(self.config, "workerinput"):
            recording.remove_parts(self.parts)
        if self.server is not None:
            self.server.stop()
            self.server = None

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

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.target is None:
            return
        props = dict(report.user_properties)
        if THROTTLING in props:
            self.results.note_throttling(props[THROTTLING])
        if not (report.when == "call" or report.failed or report.skipped):
            return
        outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
        self.results.record(report.nodeid, outcome, props, props.get(REASON, ""))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if hasattr(self.config, "workerinput") or self.target is None:
            return
        results = self.results
        stopped_by_the_suite = bool(session.shouldstop) or not results.complete  # a limit, a signal, the preflight
        stop = session.shouldstop or session.shouldfail
        if stop:
            results.stop(str(stop))
        elif exitstatus == pytest.ExitCode.INTERRUPTED:
            results.stop("interrupted")
        elif exitstatus == pytest.ExitCode.INTERNAL_ERROR:
            results.stop("the suite crashed (INTERNALERROR)")
        elif exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            results.stop(f"pytest exit status {int(exitstatus)}")
        results.note_throttling(self.throttling())  # the preflight's, or the only process's
        results.finish()
        self.finish_recording()
        har = None
        if self.recorded is not None:
            har = {"recorded": str(self.recorded[0]), "entries": self.recorded[1]}
        elif self.settings.from_har is not None:
            har = {"replayed": self.settings.from_har.source}
        elif self.settings.capture is not None:
            capture = self.settings.capture
            har = {"captured": capture.source, "entries": capture.entries, "judged": len(capture.exchanges),
                   "set_aside": dict(capture.set_aside)}
        data = report_data(results, self.target.base_url, self.target.mode, self.level, har)
        directory = self.settings.report_dir
        if directory:
            try:
                self.written = write_reports(directory, data)
            except OSError as exc:
                self.problems.append(f"could not write the reports into {directory!r}: {exc.strerror or exc}")
        try:
            append_step_summary(data)
        except OSError as exc:
            self.problems.append(f"could not append to GITHUB_STEP_SUMMARY: {exc.strerror or exc}")
        if stopped_by_the_suite and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            session.exitstatus = pytest.ExitCode.INTERRUPTED  # stopped by a limit: incomplete, whatever failed
        # The gate: failures below --level are warnings; they never make the exit status non-zero.
        elif exitstatus == pytest.ExitCode.TESTS_FAILED and results.complete and not results.failing(self.level) \
                and not results.unattributed_failures:
            session.exitstatus = pytest.ExitCode.OK

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workerinput") or self.target is None:
            return
        terminalreporter.section("conformance")
        terminalreporter.write_line(f"target: {self.target.describe()}")
        if not getattr(self.config, "workerinput", None) and self.config.getoption("numprocesses", None) in (None, 0):
            reused = self.client.answers.given
            terminalreporter.write_line(f"requests sent: {self.client.limits.sent} (all GET)" + (
                f"; {reused} more answered as an identical earlier GET was" if reused else ""))
        if self.results.not_exercised():
            terminalreporter.write_line(f"not exercised by this traffic: "
                                        f"{' '.join(r.requirement.id for r in self.results.not_exercised())}")
        warnings = [r for r in self.results.by_id.values() if r.status == "fail" and r not in self.results.failing(self.level)]
        for result in warnings:
            terminalreporter.write_line(f"warning: {result.requirement.headline()}", yellow=True)
        for result in self.results.by_id.values():
            if result.now_passing:
                terminalreporter.write_line(
                    f"known failure now passes: {result.requirement.id}; remove it from --known-failures", green=True)
        for finding in self.results.unattributed_failures:
            terminalreporter.write_line(f"finding under no requirement: {finding.splitlines()[0]}", red=True)
        for path in self.written:
            terminalreporter.write_line(f"report: {path}")
        if self.recorded is not None:
            terminalreporter.write_line(f"recording: {self.recorded[0]} ({self.recorded[1]} HAR entries)")
        for problem in self.problems:
            terminalreporter.write_line(f"error: {problem}", red=True)
        terminalreporter.write_line(self.results.summary_line(), bold=True)


# ------------------------------------------------------------------ hooks

def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rules(*rules): the rules (conformance/rules/) this check applies")
    config.addinivalue_line("markers", "requirement(*ids): requirement ids this check proves (set from its rules)")
    config.addinivalue_line("markers", "probe(request_of, needs): the one request this check sends (probes.py)")
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
    other = {p.checks for p in BY_NAME.values() if p != run.profile}
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
    if not hasattr(session.config, "workerinput"):
        run.preflight()
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
    if run.parts is not None:
        node.workerinput["conformance_record_parts"] = run.parts


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
def captured_verdicts(request: pytest.FixtureRequest) -> dict[str, passive.Verdict]:
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
    """What the test's probe (probes.py) got back. The first test of a family to ask sends the probes of the whole
    family ahead, together (--concurrency); each test then judges its own answer in its turn."""
    call = probes.requested(request.node, target)
    if isinstance(call, str):
        raise pytest.skip.Exception(call, _use_item_location=True)
    sent = request.config.stash.setdefault(SENT_AHEAD, set())
    if probes.family(request.node) not in sent:
        sent.add(probes.family(request.node))
        client.send_ahead_messages(probes.calls_of_family(request.node, request.session.items, target))
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
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    run = _active(item.config)
    if run is None or run.target is None:
        return report
    ids = [i for mark in item.iter_markers("requirement") for i in mark.args]
    report.user_properties = [p for p in report.user_properties
                              if p[0] not in (CHECKS, FAILED, REASON, UNATTRIBUTED, STOPPED, THROTTLING, INCONCLUSIVE,
                                               REPRODUCED, ENTRIES)]
    report.user_properties.append((CHECKS, " ".join(ids)))
    report.sections = [(title, REDACTOR.scrub(content)) for title, content in report.sections]
    if run.client.limits.throttle.waits:
        report.user_properties.append((THROTTLING, run.throttling()))
    if call.when == "teardown" and INCONCLUSIVE_IDS in item.stash:
        report.user_properties.append((INCONCLUSIVE, item.stash[INCONCLUSIVE_IDS]))  # junit reads teardown's
    if call.excinfo is not None and report.failed:
        explained = verdicts.explain(call.excinfo.value, run.profile)
        if explained.inconclusive and not (explained.failed or explained.unattributed or explained.stopped):
            inconclusive(item, report, explained)
            return report
        failed = explained.failed
        text, reason = explained.text, verdicts.first_line(explained.text)
        exchange = getattr(call.excinfo.value, "exchange", None)
        if failed and not explained.stopped and exchange is not None and not run.known.keys() >= set(failed):
            checked = reproduce.recheck(exchange)
            text += "\n" + checked.note if checked.note else ""
            if checked.reproduced is not None:
                report.user_properties.append((REPRODUCED, "yes" if checked.reproduced else "no"))
                reason += "" if checked.reproduced else " (did not reproduce: flaky)"
        report.longrepr = REDACTOR.scrub(text)
        report.user_properties.append((FAILED, " ".join(failed)))
        report.user_properties.append((REASON, REDACTOR.scrub(reason)))
        if explained.entries:
            report.user_properties.append((ENTRIES, " ".join(explained.entries)))
        if explained.unattributed:
            report.user_properties.append((UNATTRIBUTED, REDACTOR.scrub("\n".join(explained.unattributed))))
        if explained.stopped:
            report.user_properties.append((STOPPED, explained.stopped))
            item.session.shouldstop = explained.stopped
        elif failed and not explained.unattributed and all(f in run.known for f in failed):
            report.outcome = "skipped"
            report.wasxfail = "known failure: " + "; ".join(f"{f}: {run.known[f]}" for f in failed)
    elif report.skipped and isinstance(report.longrepr, tuple):
        report.user_properties.append((REASON, str(report.longrepr[2]).removeprefix("Skipped: ")))
    return report


def inconclusive(item: pytest.Item, report: pytest.TestReport, explained: verdicts.Explanation) -> None:
    """The data moved under the check: the test is reported skipped, its moved requirements inconclusive."""
    reason = REDACTOR.scrub(explained.text)
    path, lineno, _ = item.reportinfo()
    report.outcome = "skipped"
    report.longrepr = (str(path), (lineno or 0) + 1, reason)
    report.user_properties.append((INCONCLUSIVE, " ".join(explained.inconclusive)))
    report.user_properties.append((REASON, reason))
    item.stash[INCONCLUSIVE_IDS] = " ".join(explained.inconclusive)


# Arguments a check takes from the run's profile, one test per value: argument → Profile attribute.
PROFILE_VALUES = {"unknown_chat_id": "unknown_chats", "malformed_chat_id": "malformed_chat_ids"}


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
