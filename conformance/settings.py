"""Every option and environment variable of a run, resolved once into one frozen value.

Built at configure time; a wrong option is a usage error then (exit 4), before any request. After that, no
code looks an option up by its flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conformance import options
from conformance.known_failures import KnownFailuresError, load_known_failures
from conformance.masking import REDACTOR
from conformance.profiles import ChatId, Profile, profile as profile_named
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
    max_requests: int = 3000
    max_duration: float = 900.0
    rate_limit: float | None = None  # requests per second
    concurrency: int = 4  # independent requests in flight at once
    max_throttle_wait: float = 120.0  # seconds, all waits for a throttling target together
    fuzz_examples: int = 60
    fuzz_seed: int | None = None
    report_dir: str | None = None


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
    except KnownFailuresError as exc:
        raise pytest.UsageError(f"--known-failures: {exc}") from None
    report_dir = value("--conformance-report")
    if report_dir and not hasattr(config, "workerinput"):
        _check_report_directory(report_dir)
    return Settings(
        profile=profile,
        level=value("--level"),
        known_failures=known,
        base_url=options.check_base_url(base_url) if base_url else None,
        dataset_path=None if value("--no-dataset") else Path(value("--dataset") or profile.dataset_path),
        auth_header=options.check_header_name(value("--auth-header") or profile.auth_header,
                                              "--auth-header / CONFORMANCE_AUTH_HEADER"),
        api_key=_key(value("--api-key"), "--api-key / CONFORMANCE_API_KEY"),
        foreign_api_key=_key(value("--foreign-api-key"), "--foreign-api-key / CONFORMANCE_FOREIGN_API_KEY"),
        chat_id=_chat_id(profile, value("--chat-id"), "--chat-id"),
        empty_chat_id=_chat_id(profile, value("--empty-chat-id"), "--empty-chat-id"),
        foreign_chat_id=_chat_id(profile, value("--foreign-chat-id"), "--foreign-chat-id"),
        request_timeout=value("--request-timeout"),
        max_requests=value("--max-requests"),
        max_duration=value("--max-duration"),
        rate_limit=options.parse_rate(value("--rate-limit")),
        concurrency=value("--concurrency"),
        max_throttle_wait=value("--max-throttle-wait"),
        fuzz_examples=value("--fuzz-examples"),
        fuzz_seed=value("--fuzz-seed"),
        report_dir=report_dir,
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


def _check_report_directory(directory: str) -> None:
    """Found at the start, not after the whole run: a report directory that cannot be written."""
    try:
        check_writable(directory)
    except OSError as exc:
        raise pytest.UsageError(f"--conformance-report / CONFORMANCE_REPORT_DIR: cannot write reports into "
                                f"{directory!r}: {exc.strerror or exc}") from None
