"""Every command-line option of the suite, with its environment variable: one table, as data."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from conformance.profiles import PROFILES


@dataclass(frozen=True)
class Option:
    flag: str
    env: str
    help: str
    default: Any = None
    kind: str = "str"  # str | flag | float | int | choice
    choices: tuple[str, ...] = ()
    positive: bool = True  # numbers: 0 refused too (a seed may be 0)

    @property
    def dest(self) -> str:
        return "conformance_" + self.flag.lstrip("-").replace("-", "_")


OPTIONS: tuple[Option, ...] = (
    Option("--profile", "CONFORMANCE_PROFILE", "API variant: tenant-key (seeds 000/001/003) or org-token (seed 002)",
           PROFILES[0], "choice", PROFILES),
    Option("--api-key", "CONFORMANCE_API_KEY", "a valid key (org-token: token) of the primary tenant"),
    Option("--foreign-api-key", "CONFORMANCE_FOREIGN_API_KEY", "a valid key of another tenant (organisation)"),
    Option("--chat-id", "CONFORMANCE_CHAT_ID", "a chat of the primary tenant with messages"),
    Option("--empty-chat-id", "CONFORMANCE_EMPTY_CHAT_ID", "a chat of the primary tenant without messages"),
    Option("--foreign-chat-id", "CONFORMANCE_FOREIGN_CHAT_ID", "a chat of the foreign tenant"),
    Option("--auth-header", "CONFORMANCE_AUTH_HEADER",
           "header that carries the key (default: X-API-Key for tenant-key, Authorization for org-token)"),
    Option("--dataset", "CONFORMANCE_DATASET", "the dataset the target was loaded with (default: the shipped one)"),
    Option("--no-dataset", "CONFORMANCE_NO_DATASET", "discovery mode: use only the ids and keys given", False, "flag"),
    Option("--request-timeout", "CONFORMANCE_REQUEST_TIMEOUT", "seconds each request may take, end to end (connect, headers, body)", 5.0, "float"),
    Option("--max-body", "CONFORMANCE_MAX_BODY",
           "MiB an answer's body may have, decoded (a chat served whole, without pages, may need more)", 8.0, "float"),
    Option("--max-requests", "CONFORMANCE_MAX_REQUESTS", "stop the run after this many requests (per process)",
           3000, "int"),
    Option("--max-duration", "CONFORMANCE_MAX_DURATION",
           "stop the run after this many seconds (no new request starts after it)", 900.0, "float"),
    Option("--concurrency", "CONFORMANCE_CONCURRENCY",
           "requests that do not depend on each other (the pages of a walk whose total is known) in flight at once, "
           "within --rate-limit and --max-requests; 1: one at a time", 4, "int"),
    Option("--rate-limit", "CONFORMANCE_RATE_LIMIT", "at most N requests per second, written N/s (default: no limit)"),
    Option("--max-throttle-wait", "CONFORMANCE_MAX_THROTTLE_WAIT",
           "wall-clock seconds the run may spend waiting out 429s and 503s (per process; concurrent waits count once); "
           "past it the run stops (exit 2); 0: stop at the first", 120.0, "float", positive=False),
    Option("--fuzz-examples", "CONFORMANCE_FUZZ_EXAMPLES", "generated examples in the Schemathesis layer", 60, "int"),
    Option("--fuzz-seed", "CONFORMANCE_FUZZ_SEED", "explore with this seed instead of the fixed derandomized run",
           None, "int", positive=False),
    Option("--conformance-report", "CONFORMANCE_REPORT_DIR",
           "write report.json, report.md, report.html, claim.json and badge.svg into this directory"),
    Option("--level", "CONFORMANCE_LEVEL", "failures of this level and above fail the run", "must", "choice",
           ("must", "should")),
    Option("--known-failures", "CONFORMANCE_KNOWN_FAILURES",
           "YAML file of requirement ids this target knowingly fails, each with a reason (and until: YYYY-MM-DD)"),
    Option("--known-failures-update", "CONFORMANCE_KNOWN_FAILURES_UPDATE",
           "after a complete run, remove from the --known-failures file the entries that now pass (never adds one)",
           False, "flag"),
    Option("--record", "CONFORMANCE_RECORD",
           "write every exchange of the run into this HAR 1.2 file (keys replaced by labels)"),
    Option("--from-har", "CONFORMANCE_FROM_HAR",
           "replay a file written by --record (no network; each request is answered from the file), or judge "
           "traffic captured elsewhere passively (a proxy's, gateway's or browser's HAR)"),
    Option("--jobs", "CONFORMANCE_JOBS",
           "--from-har of captured traffic: judge its chats in this many processes", 1, "int"),
    Option("--dask-scheduler", "CONFORMANCE_DASK_SCHEDULER",
           "--from-har of captured traffic: judge its chats as --jobs tasks (at least 2) of the Dask cluster at this "
           "address (tcp://host:8786; pip install \".[dask]\"), each reading the file from a path every worker reaches"),
)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "Get Chat Messages conformance")
    for option in OPTIONS:
        kwargs: dict[str, Any] = {"dest": option.dest, "help": f"{option.help} [env {option.env}]"}
        if option.kind == "flag":
            kwargs.update(action="store_true", default=None)
        else:
            kwargs.update(default=None, metavar=option.flag.lstrip("-").upper().replace("-", "_"))
            if option.kind == "choice":
                kwargs["choices"] = option.choices
        group.addoption(option.flag, **kwargs)


def value(config: pytest.Config, flag: str) -> Any:
    """The option's value: the command line, else its environment variable, else the default."""
    option = next(o for o in OPTIONS if o.flag == flag)
    raw = config.getoption(option.dest)
    if raw is None:
        raw = os.environ.get(option.env)
        if raw is not None and raw.strip() == "":
            raw = None
    if raw is None:
        return option.default
    try:
        return _convert(option, raw)
    except ValueError as exc:
        raise pytest.UsageError(f"{option.flag} / {option.env}: {exc}") from None


def _convert(option: Option, raw: Any) -> Any:
    if option.kind == "flag":
        if isinstance(raw, bool):
            return raw
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected 1/0/true/false, got {raw!r}")
    if option.kind in ("float", "int"):
        number = float(raw) if option.kind == "float" else int(raw)
        if not math.isfinite(number):
            raise ValueError(f"must be a finite number, got {raw!r}")
        if number < 0 or (option.positive and number == 0):
            raise ValueError(f"must be {'positive' if option.positive else 'zero or more'}, got {raw!r}")
        return number
    if option.kind == "choice" and raw not in option.choices:
        raise ValueError(f"expected one of {', '.join(option.choices)}, got {raw!r}")
    return raw


def parse_rate(raw: str | None) -> float | None:
    """'10/s' or '10' → 10.0 requests per second."""
    if raw is None:
        return None
    text = raw.strip().lower().removesuffix("/s")
    try:
        rate = float(text)
    except ValueError:
        raise pytest.UsageError(f"--rate-limit / CONFORMANCE_RATE_LIMIT: expected N/s (e.g. 20/s), got {raw!r}") from None
    if not math.isfinite(rate) or rate <= 0:
        raise pytest.UsageError(f"--rate-limit / CONFORMANCE_RATE_LIMIT: must be a positive finite number, got {raw!r}")
    return rate


def check_base_url(url: str) -> str:
    """The target's URL, refused (a usage error, before any request) unless it is http(s)://host[:port][/path]."""
    where = "--base-url / PYTEST_BASE_URL"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise pytest.UsageError(
            f"{where}: expected http://host[:port][/path] or https://…, got {url!r}"
            + (" (the scheme is missing)" if "://" not in url else "")
        )
    try:
        parts.port
    except ValueError:
        raise pytest.UsageError(f"{where}: the port of {url!r} is not a number from 0 to 65535") from None
    if parts.query or parts.fragment:
        raise pytest.UsageError(f"{where}: {url!r} has a query or a fragment; give the URL the API's paths start from")
    return url.rstrip("/")


HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP token (RFC 9110)
HEADER_VALUE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")  # visible ASCII, inner spaces allowed


def check_header_name(name: str, where: str) -> str:
    if not HEADER_NAME.fullmatch(name):
        raise pytest.UsageError(f"{where}: {name!r} is not an HTTP header name")
    return name


def check_key(key: str, where: str) -> str:
    """A key is sent as a header value: visible ASCII, no surrounding spaces, no control characters."""
    if not HEADER_VALUE.fullmatch(key):
        # The key itself is never shown, not even in a usage error.
        raise pytest.UsageError(f"{where}: the key cannot be sent in an HTTP header (use visible ASCII characters, "
                                "no line breaks or surrounding spaces)")
    return key
