"""The pytest hooks of the suite: options, the run (run.py) and its fixtures (fixtures.py), collection, and what each
check's report carries (properties.py)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from conformance import explanation, fixtures, fuzzing, options, properties, reproduce
from conformance.catalogue import for_profile
from conformance.masking import REDACTOR
from conformance.profiles import BY_NAME
from conformance.results import INCONCLUSIVE, REASON
from conformance.rules import ids_of
from conformance.rules.registry import watched
from conformance.run import RUN, Run, active, numbered_only, started
from conformance.settings import resolve
from conformance.violations import flatten, gathering, raise_found

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup  # Hypothesis's own dependency before 3.11

JUNIT = pytest.StashKey[dict]()  # what a test found (failed, inconclusive requirements), carried to its teardown (junit)
TOLD = pytest.StashKey[dict]()  # requirement id → whether every run of its rules in the test's call held


# ------------------------------------------------------------------ hooks

def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rules(*rules): the rules (conformance/rules/) this check applies")
    config.addinivalue_line("markers", "requirement(*ids): requirement ids this check proves (set from its rules)")
    config.addinivalue_line("markers", "sends(request_of, needs): the one request this check sends (sends.py)")
    if not config.pluginmanager.is_registered(fixtures):
        config.pluginmanager.register(fixtures, "conformance.fixtures")
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
    run = active(config)
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
    run = active(session.config)
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
    run = started(collector.config)
    settings = run.settings
    # Schemathesis matches answers to cases by path: behind a path prefix it must know the prefix.
    test = obj.build(fuzzing.FuzzSettings(settings.fuzz_examples, settings.fuzz_seed, run.target.base_url))
    return collector.ihook.pytest_pycollect_makeitem(collector=collector, name=name, obj=test)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    run = active(node.config)
    if run is None or run.target is None:
        return
    node.workerinput["conformance_base_url"] = run.target.base_url
    node.workerinput["conformance_embedded"] = run.target.embedded
    node.workerinput["conformance_started_at"] = run.started_at
    if run.started.parts is not None:
        node.workerinput["conformance_record_parts"] = run.started.parts


def pytest_unconfigure(config: pytest.Config) -> None:
    run = active(config)
    if run is not None:
        run.stop()


@pytest.hookimpl(tryfirst=True)
def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """A stop (Ctrl-C, SIGTERM: Run.interrupt) ends the run with exit 2 and its reports, whatever instruction the
    signal landed on. On Python 3.11 that instruction may have no line number (tb_lineno None), and pytest's report
    of the interrupt fails on such an entry (TypeError), turning the stop into an internal error: those entries are
    left out of the traceback before pytest reads it."""
    numbered_only(excinfo.value)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Every rule the test runs is watched (which held, which broke: a requirement's status comes from them), and
    what its `go_on()` blocks found is raised at its end, with whatever ended it."""
    if active(item.config) is None:
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
    """What the report carries (properties.py), no key in any of it; a failure explained by the requirements it
    breaks, its answer asked again, a known failure excused, the run's own limit stopping the session."""
    report = yield
    run = active(item.config)
    if run is None or run.target is None:
        return report
    ids = [i for mark in item.iter_markers("requirement") for i in mark.args]
    held = [req_id for req_id, ok in item.stash.get(TOLD, {}).items() if ok] if call.when == "call" else None
    report.user_properties = properties.of_check(
        report.user_properties, ids, held, run.throttling() if run.client.limits.throttle.waits else None,
        run.by_edge() if run.client.seen.by_edge else None)
    report.sections = [(title, REDACTOR.scrub(content)) for title, content in report.sections]
    if call.when == "teardown":
        report.user_properties += list(item.stash.get(JUNIT, {}).items())  # junit reads teardown's properties
    if call.excinfo is not None and report.failed:
        explain_failure(run, item, report, call.excinfo.value)
    elif report.skipped and isinstance(report.longrepr, tuple):
        report.user_properties.append((REASON, properties.skip_reason(report.longrepr)))
    return report


def explain_failure(run: Run, item: pytest.Item, report: pytest.TestReport, exc: BaseException) -> None:
    explained = explanation.explain(exc, run.profile, run.client.seen)
    if properties.only_inconclusive(explained):
        inconclusive(item, report, explained)
        return
    text, reproduced = explained.text, None
    exchange = next((f.exchange for f in flatten(exc) if getattr(f, "exchange", None)), None)
    if exchange is not None and properties.recheck_due(explained, run.settings.known_failures):
        checked = reproduce.recheck(exchange)
        text += "\n" + checked.note if checked.note else ""
        reproduced = checked.reproduced
    report.longrepr = REDACTOR.scrub(text)
    reason = properties.reason_of(explanation.first_line(explained.text), reproduced)
    report.user_properties += properties.of_failure(explained, reason, reproduced)
    item.stash.setdefault(JUNIT, {}).update(properties.for_junit(explained))
    excused = properties.known_failure(explained, run.settings.known_failures)
    if explained.stopped:
        item.session.shouldstop = explained.stopped
    elif excused:
        report.outcome = "skipped"
        report.wasxfail = excused


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
    run = active(metafunc.config)
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
    run = active(config)
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
