"""Every option and environment variable of a run, resolved once into one frozen value.

Built at configure time; a wrong option is a usage error then (exit 4), before any request. After that, no
code looks an option up by its flag.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conformance import har, options
from conformance.known_failures import KnownFailuresError, expired_known_failures, load_known_failures
from conformance.har import HarError
from conformance.masking import REDACTOR
from conformance.evidence import Capture, judge_source, recorded_run, source_of
from conformance.profiles import ChatId, Profile, profile as profile_named
from conformance.transport.recording import check_record_path
from conformance.transport.replay import Recording, read_har
from conformance.report import check_writable


@dataclass(frozen=True)
class Settings:
    profile: Profile
    level: str  # must | should
    known_failures: Mapping[str, str]
    base_url: str | None  # None: the embedded reference server
    dataset_path: Path | None  # None: discovery mode (--no-dataset)
    auth_header: str
    api_key: str | None = field(default=None, repr=False)  # as given; else the dataset's
    foreign_api_key: str | None = field(default=None, repr=False)
    chat_id: ChatId | None = None  # as given; else the dataset's role
    empty_chat_id: ChatId | None = None
    foreign_chat_id: ChatId | None = None
    request_timeout: float = 5.0
    max_body: int = 8 * 1024 * 1024  # bytes an answer's body may have, decoded (--max-body, in MiB)
    max_requests: int = 3000
    max_duration: float = 900.0
    rate_limit: float | None = None  # requests per second
    concurrency: int = 4  # independent requests in flight at once
    max_throttle_wait: float = 120.0  # seconds, all waits for a throttling target together
    fuzz_examples: int = 60
    fuzz_seed: int | None = None
    report_dir: str | None = None
    record: str | None = None  # --record: the HAR file to write
    from_har: Recording | None = field(default=None, repr=False)  # --from-har: the recording answering every request
    capture: Capture | None = field(default=None, repr=False)  # --from-har of traffic captured elsewhere: judged passively
    one_process: bool = True  # no xdist workers (-n): this process sends every request
    step_summary: str | None = None  # GITHUB_STEP_SUMMARY: the file the Markdown report is appended to
    known_failures_path: str | None = None  # --known-failures: the file, for --known-failures-update
    known_failures_update: bool = False  # rewrite that file after a complete run, without the entries now passing
    expired_known_failures: Mapping[str, str] = field(default_factory=dict)  # id → "expired on …": excusing nothing


def resolve(config: pytest.Config) -> Settings:
    """The run's settings from the command line and the environment; pytest.UsageError for a wrong one."""

    def value(flag: str) -> Any:
        return options.value(config, flag)

    profile = profile_named(value("--profile"))
    base_url = config.getoption("base_url")
    if value("--no-dataset") and value("--dataset"):
        raise pytest.UsageError("--dataset and --no-dataset exclude each other")
    known_path = value("--known-failures")
    try:
        known = load_known_failures(known_path) if known_path else {}
        expired = expired_known_failures(known_path) if known_path else {}
    except KnownFailuresError as exc:
        raise pytest.UsageError(f"--known-failures: {exc}") from None
    if value("--known-failures-update") and not known_path:
        raise pytest.UsageError("--known-failures-update needs --known-failures FILE (the file to update)")
    report_dir = value("--conformance-report")
    if report_dir and not hasattr(config, "workerinput"):
        _check_writable(check_writable, report_dir,
                        "--conformance-report / CONFORMANCE_REPORT_DIR: cannot write reports into")
    record, from_har = value("--record"), value("--from-har")
    if record and from_har:
        raise pytest.UsageError("--record and --from-har exclude each other (a replay sends nothing to record)")
    if record and not hasattr(config, "workerinput"):
        _check_writable(check_record_path, record, "--record / CONFORMANCE_RECORD: cannot write a HAR file at")
    auth_header = options.check_header_name(value("--auth-header") or profile.auth_header,
                                            "--auth-header / CONFORMANCE_AUTH_HEADER")
    recording = capture = None
    if from_har:
        recording, capture = _har_file(from_har, profile, value("--no-dataset"), auth_header,
                                       options.check_base_url(base_url) if base_url else None, value("--jobs"),
                                       value("--dask-scheduler"))
    if recording is not None and base_url:
        raise pytest.UsageError("--from-har and --base-url exclude each other: a replay answers from the file, "
                                "whose target it names")
    return Settings(
        profile=profile,
        level=value("--level"),
        known_failures=known,
        base_url=options.check_base_url(base_url) if base_url else None,
        dataset_path=None if value("--no-dataset") else Path(value("--dataset") or profile.dataset_path),
        auth_header=auth_header,
        api_key=_key(value("--api-key"), "--api-key / CONFORMANCE_API_KEY"),
        foreign_api_key=_key(value("--foreign-api-key"), "--foreign-api-key / CONFORMANCE_FOREIGN_API_KEY"),
        chat_id=_chat_id(profile, value("--chat-id"), "--chat-id"),
        empty_chat_id=_chat_id(profile, value("--empty-chat-id"), "--empty-chat-id"),
        foreign_chat_id=_chat_id(profile, value("--foreign-chat-id"), "--foreign-chat-id"),
        request_timeout=value("--request-timeout"),
        max_body=int(value("--max-body") * 1024 * 1024),
        max_requests=value("--max-requests"),
        max_duration=value("--max-duration"),
        rate_limit=options.parse_rate(value("--rate-limit")),
        concurrency=value("--concurrency"),
        max_throttle_wait=value("--max-throttle-wait"),
        fuzz_examples=value("--fuzz-examples"),
        fuzz_seed=value("--fuzz-seed"),
        report_dir=report_dir,
        record=record,
        from_har=recording,
        capture=capture,
        one_process=config.getoption("numprocesses", None) in (None, 0),
        step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None,
        known_failures_path=known_path,
        known_failures_update=bool(value("--known-failures-update")),
        expired_known_failures=expired,
    )


def check_dataset_key(key: str | None) -> str | None:
    """A key taken from the dataset must be sendable too."""
    return _key(key, "the dataset's tenants")


def _key(key: str | None, where: str) -> str | None:
    if key is not None:
        REDACTOR.add(key)  # masked from now on, even in a usage error
        options.check_key(key, where)
    return key


def _chat_id(profile: Profile, given: str | None, flag: str) -> ChatId | None:
    if given is None:
        return None
    try:
        return profile.parse_chat_id(given)
    except ValueError as exc:
        raise pytest.UsageError(f"{flag}: {exc}") from None


def _check_writable(check: Callable[[str], None], path: str, what: str) -> None:
    """Found at the start, not after the whole run: a report directory or a recording that cannot be written."""
    try:
        check(path)
    except OSError as exc:
        raise pytest.UsageError(f"{what} {path!r}: {exc.strerror or exc}") from None


def _har_file(path: str, profile: Profile, discovery: bool, auth_header: str,
              base_url: str | None, jobs: int = 1,
              dask_scheduler: str | None = None) -> tuple[Recording | None, Capture | None]:
    """The --from-har file: a recording of a run (written by --record), read whole and checked against this run's
    profile and mode, or traffic captured elsewhere, judged passively as it is read (its keys masked from here on;
    --jobs: its chats shared among that many processes, or tasks of a Dask cluster)."""
    where = "--from-har / CONFORMANCE_FROM_HAR"
    try:
        source = source_of(path)  # HAR, NDJSON of HAR entries, or a .zip with the bodies in side files
        if not recorded_run(source):
            return None, judge_source(source, profile, auth_header, base_url, max(1, jobs or 1), dask_scheduler)
        meta, entries = har.parse(read_har(path))
        recording = Recording.of(meta, entries, path)
        if recording is None:
            raise HarError("the recording's log holds no _conformance object")
    except OSError as exc:
        raise pytest.UsageError(f"{where}: cannot read {path!r}: {exc.strerror or exc}") from None
    except (HarError, UnicodeDecodeError) as exc:
        raise pytest.UsageError(f"{where}: {path!r}: {REDACTOR.scrub(str(exc))}") from None
    recorded = recording.meta.get("profile")
    if recorded != profile.name:
        raise pytest.UsageError(f"{where}: {path!r} records a run of profile {recorded}; "
                                f"replay it with --profile {recorded}")
    mode = "discovery" if discovery else "dataset"
    if recording.meta.get("mode") != mode:
        raise pytest.UsageError(f"{where}: {path!r} records a run in {recording.meta.get('mode')} mode, this run is "
                                f"in {mode} mode: give the recorded run's --no-dataset / --dataset again")
    return recording, None
