"""--known-failures FILE: requirement ids a target knowingly fails, each with a reason (and, if given, an expiry).

    <requirement id>: tracked in BUG-12         # excused until someone removes it
    <requirement id>:                           # excused up to and including 2027-03-01, judged again after it
      reason: tracked in BUG-13
      until: 2027-03-01

--known-failures-update rewrites the file after a complete run: the entries whose requirement now passes are
removed (with their comments kept around the others); nothing is ever added, so a new failure fails the gate until a
person writes it down.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conformance.catalogue import requirements


class KnownFailuresError(ValueError):
    pass


@dataclass(frozen=True)
class KnownFailure:
    id: str
    reason: str
    until: dt.date | None = None  # the last day it excuses the failure

    def expired(self, today: dt.date) -> bool:
        return self.until is not None and today > self.until

    def expiry(self) -> str:
        """What the reports say of an expired entry."""
        return f"expired on {self.until.isoformat()} ({self.reason})"


def read_known_failures(path: str | Path) -> dict[str, KnownFailure]:
    """Every entry of FILE, expired or not; KnownFailuresError names the file and what is wrong in it."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KnownFailuresError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise KnownFailuresError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise KnownFailuresError(f"{path}: not valid YAML ({exc})") from None
    except RecursionError:
        raise KnownFailuresError(f"{path}: not a mapping of requirement ids (nested too deep to read)") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KnownFailuresError(f"{path}: expected a mapping of requirement id to reason, e.g. '<requirement id>: tracked in BUG-12'")
    known = requirements()
    result = {}
    for req_id, value in data.items():
        if req_id not in known:
            raise KnownFailuresError(f"{path}: {req_id!r} is not a requirement id of the catalogue")
        result[str(req_id)] = _entry(path, str(req_id), value)
    return result


def _entry(path: Path, req_id: str, value: Any) -> KnownFailure:
    reason, until = value, None
    if isinstance(value, dict):
        unknown = set(value) - {"reason", "until"}
        if unknown:
            raise KnownFailuresError(f"{path}: {req_id}: unknown key {sorted(map(str, unknown))[0]!r} "
                                     "(an entry has a reason and, optionally, until: YYYY-MM-DD)")
        reason, until = value.get("reason"), value.get("until")
        if until is not None and not (isinstance(until, dt.date) and not isinstance(until, dt.datetime)):
            raise KnownFailuresError(f"{path}: {req_id}: until must be a date written YYYY-MM-DD, got {until!r}")
    if not isinstance(reason, str) or not reason.strip():
        raise KnownFailuresError(f"{path}: {req_id}: give a reason (a non-empty string)")
    return KnownFailure(req_id, reason.strip(), until)


def load_known_failures(path: str | Path, today: dt.date | None = None) -> dict[str, str]:
    """The entries that excuse a failure today: requirement id → reason (an expired entry excuses nothing)."""
    today = today or dt.date.today()
    return {req_id: entry.reason for req_id, entry in read_known_failures(path).items() if not entry.expired(today)}


def expired_known_failures(path: str | Path, today: dt.date | None = None) -> dict[str, str]:
    """The entries past their date: requirement id → what the reports say of it."""
    today = today or dt.date.today()
    return {req_id: entry.expiry() for req_id, entry in read_known_failures(path).items() if entry.expired(today)}


TOP_KEY = re.compile(r"^(['\"]?)([A-Za-z0-9_.-]+)\1\s*:")


def remove_entries(path: str | Path, ids: set[str]) -> None:
    """Rewrite FILE without the entries of `ids`, keeping every other line (comments included) as it was.

    An entry is its key's line and the indented lines under it (comments stay: one above an entry may be the
    file's own). A file the line-wise edit cannot do (flow style, say) is written again as plain YAML."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    kept: list[str] = []
    removing = False
    for line in text.splitlines(keepends=True):
        key = TOP_KEY.match(line)
        if key:
            removing = key.group(2) in ids
        elif line[:1] not in (" ", "\t") and line.strip():
            removing = False
        if not removing:
            kept.append(line)
    rewritten = "".join(kept)
    before = read_known_failures(path)
    path.write_text(rewritten, encoding="utf-8")
    if set(read_known_failures(path)) != set(before) - ids:
        remaining = {req_id: _plain(entry) for req_id, entry in before.items() if req_id not in ids}
        path.write_text(yaml.safe_dump(remaining, sort_keys=False, allow_unicode=True) if remaining else "",
                        encoding="utf-8")


def _plain(entry: KnownFailure) -> Any:
    return entry.reason if entry.until is None else {"reason": entry.reason, "until": entry.until}


def update_after(path: str | None, data: dict[str, Any]) -> tuple[str, str | None]:
    """--known-failures-update after a run (its report data): what became of the file, and a problem or None.

    Only a complete run updates it: a run stopped early may not have reached the check that still fails."""
    if path is None:
        return "", "--known-failures-update needs --known-failures FILE"
    if not data["complete"]:
        return f"{path} left as it was: the run is incomplete", None
    statuses = {r["id"]: r["status"] for r in data["requirements"]}
    try:
        entries = read_known_failures(path)
        passing = {req_id for req_id in entries if statuses.get(req_id) == "pass"}
        if passing:
            remove_entries(path, passing)
    except (OSError, KnownFailuresError) as exc:
        return "", f"could not update the known failures {path!r}: {getattr(exc, 'strerror', None) or exc}"
    if not passing:
        return f"{path} unchanged: no entry's requirement passed", None
    return f"removed from {path}, now passing: {', '.join(sorted(passing))}", None
