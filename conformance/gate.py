"""The end of a run: why it stopped, its reports, the exit status the gate gives it, and the conformance section
of the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.client import Client
from conformance.report import append_step_summary, write_reports
from conformance.results import Results
from conformance.settings import Settings
from conformance.target import Target

FINISHED = (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)


def note_stop(results: Results, session: pytest.Session, exitstatus: int) -> bool:
    """Records why the run stopped short, if it did; whether the suite itself stopped it (a limit, a signal, the
    preflight), rather than pytest."""
    stopped_by_the_suite = bool(session.shouldstop) or not results.complete
    stop = session.shouldstop or session.shouldfail
    if stop:
        results.stop(str(stop))
    elif exitstatus == pytest.ExitCode.INTERRUPTED:
        results.stop("interrupted")
    elif exitstatus == pytest.ExitCode.INTERNAL_ERROR:
        results.stop("the suite crashed (INTERNALERROR)")
    elif exitstatus not in FINISHED:
        results.stop(f"pytest exit status {int(exitstatus)}")
    return stopped_by_the_suite


def exit_status(results: Results, exitstatus: int, level: str, stopped_by_the_suite: bool) -> int | None:
    """The exit status the gate sets, or None to leave pytest's."""
    if stopped_by_the_suite and exitstatus in FINISHED:
        return pytest.ExitCode.INTERRUPTED  # stopped by a limit: incomplete, whatever failed
    # Failures below --level are warnings; they never make the exit status non-zero. A gated requirement left
    # unverified does, even where every test passed.
    if exitstatus in FINISHED and results.complete:
        failed = results.failing(level) or results.unattributed_failures or results.unverified(level)
        return pytest.ExitCode.TESTS_FAILED if failed else pytest.ExitCode.OK
    return None


def har_facts(settings: Settings, recorded: tuple[Path, int] | None) -> dict[str, Any] | None:
    """What the reports say of a HAR file: the one recorded, the one replayed, or the captured traffic judged."""
    if recorded is not None:
        return {"recorded": str(recorded[0]), "entries": recorded[1]}
    if settings.from_har is not None:
        return {"replayed": settings.from_har.source}
    if settings.capture is not None:
        return settings.capture.facts()
    return None


def write(data: dict[str, Any], directory: str | None, step_summary: str | None) -> tuple[list[Path], list[str]]:
    """The reports (--conformance-report) and the GitHub step summary: the files written, and what failed."""
    written: list[Path] = []
    problems = []
    if directory:
        try:
            written = write_reports(directory, data)
        except OSError as exc:
            problems.append(f"could not write the reports into {directory!r}: {exc.strerror or exc}")
    try:
        append_step_summary(data, step_summary)
    except OSError as exc:
        problems.append(f"could not append to GITHUB_STEP_SUMMARY: {exc.strerror or exc}")
    return written, problems


def summary(terminalreporter: Any, results: Results, level: str, target: Target, client: Client | None,
            written: list[Path], recorded: tuple[Path, int] | None, problems: list[str]) -> None:
    """The conformance section of the terminal (client: None on a run in several processes, whose requests this
    process cannot count)."""
    write_line = terminalreporter.write_line
    terminalreporter.section("conformance")
    write_line(f"target: {target.describe()}")
    if client is not None:
        reused = client.answers.given
        write_line(f"requests sent: {client.limits.sent} (all GET)" + (
            f"; {reused} more answered as an identical earlier GET was" if reused else ""))
    by_edge = [r.requirement.id for r in results.inconclusive_by_edge()]
    if by_edge:
        write_line(f"not judged, answered by the edge (not the implementation): {' '.join(by_edge)}", yellow=True)
    if results.not_exercised():
        write_line(f"not exercised by this traffic: {' '.join(r.requirement.id for r in results.not_exercised())}")
    failing = results.failing(level)
    for result in results.by_id.values():
        if result.status == "fail" and result not in failing:
            write_line(f"warning: {result.requirement.headline()}", yellow=True)
    for result in results.by_id.values():
        if result.now_passing:
            write_line(f"known failure now passes: {result.requirement.id}; remove it from --known-failures",
                       green=True)
    unverified = results.unverified(level)
    if results.complete and unverified:
        write_line(f"unverified: {' '.join(r.requirement.id for r in unverified)} — no rule of theirs ran to the end "
                   f"(see the report's reasons); the gate does not pass over a {level.upper()} it did not verify",
                   red=True)
    for finding in results.unattributed_failures:
        write_line(f"finding under no requirement: {finding.splitlines()[0]}", red=True)
    for path in written:
        write_line(f"report: {path}")
    if recorded is not None:
        write_line(f"recording: {recorded[0]} ({recorded[1]} HAR entries)")
    for problem in problems:
        write_line(f"error: {problem}", red=True)
    write_line(results.summary_line(), bold=True)
