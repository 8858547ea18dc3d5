"""--record and --from-har: every exchange of a run written to one HAR file, and a run answered from one.

Recording: each process (the controller, each xdist worker) appends its entries to its own part file as they
happen, one JSON line each, flushed: what was sent is on disk even when the run stops early. At the end of the
session the controller merges the parts, in time order, into the HAR file. Every string of an entry, and every
line of the file, passes through the redactor; the auth header's value is replaced by a label.

Replaying: a request is answered by the recorded entry with the same method, URL and auth label; repeated
identical requests get the recorded answers in order (past the last, the last again). A request the file does
not hold raises NotRecorded: its check is skipped, "not in the recording".
"""

from __future__ import annotations

import heapq
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from conformance import har
from conformance.forgeries import FORGERIES, forged
from conformance.masking import REDACTOR
from conformance.near_misses import NEAR_MISSES, OTHER_CASE

NO_KEY = ""  # the match key of a request without an auth header
# Stand-ins for the keys of a replay without them, shaped as JWTs: the tokens forged from a JWT (forgeries.py) are then
# asked for again, under the labels the recording holds, whatever the key was; a key that was no JWT never had them.
PLACEHOLDER_KEYS = {
    "primary": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyZXBsYXllZCI6InByaW1hcnkifQ.cmVwbGF5ZWQ",
    "foreign": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyZXBsYXllZCI6ImZvcmVpZ24ifQ.cmVwbGF5ZWQ",
}


def label(value: str | None, keys: Mapping[str, str | None]) -> str | None:
    """What an auth header value was, told without it: `<primary key>`, `<near miss: truncated>`, `<forged: alg none>`
    (conformance/forgeries.py), `<no such key: 21 characters>`; None when no auth header was sent."""
    if value is None:
        return None
    known = [(name, key) for name, key in keys.items() if key]
    for name, key in known:
        if value == key:
            return f"<{name} key>"
    changes = {**NEAR_MISSES, "other case": OTHER_CASE}
    for name, key in known:
        for variant, change in changes.items():
            if change(key) == value:
                return f"<near miss: {variant}>" if name == "primary" else f"<near miss of the {name} key: {variant}>"
    for name, key in known:
        for how in FORGERIES:
            if forged(key, how) == value:
                return f"<forged: {how}>" if name == "primary" else f"<forged from the {name} key: {how}>"
    return f"<no such key: {len(value)} characters>"


def scrub_body(body: bytes) -> bytes:
    """The body with every credential form the redactor knows replaced by the mask, byte for byte."""
    text = body.decode("utf-8", errors="surrogateescape")
    return REDACTOR.scrub(text).encode("utf-8", errors="surrogateescape")


def scrubbed(item: Any) -> Any:
    """Every string inside a JSON value, through the redactor."""
    if isinstance(item, str):
        return REDACTOR.scrub(item)
    if isinstance(item, list):
        return [scrubbed(v) for v in item]
    if isinstance(item, dict):
        return {k: scrubbed(v) for k, v in item.items()}
    return item


def guard_near_misses(keys: Mapping[str, str | None]) -> None:
    """The redactor learns the near misses of the keys too: a recording never holds one."""
    for key in keys.values():
        if key:
            for change in (*NEAR_MISSES.values(), OTHER_CASE):
                REDACTOR.add(change(key))


class Recorder:
    """One process's entries: appended to `directory/<process>.jsonl` as they happen, each flushed."""

    def __init__(self, directory: str | Path, process: str) -> None:
        self.process = process
        self.path = Path(directory) / f"{process}.jsonl"
        self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self._count = 0
        self._lock = threading.Lock()

    def next_id(self) -> str:
        with self._lock:
            self._count += 1
            return f"{self.process}-{self._count}"

    def write(self, entry: dict) -> None:
        line = REDACTOR.scrub(json.dumps(scrubbed(entry), ensure_ascii=False))
        with self._lock:
            if not self._handle.closed:
                self._handle.write(line + "\n")
                self._handle.flush()

    def close(self) -> None:
        with self._lock:
            self._handle.close()


def parts_directory() -> str:
    return tempfile.mkdtemp(prefix="conformance-har-")


def _order(item: dict) -> tuple[str, str]:
    return item.get("startedDateTime", ""), item.get("_id", "")


def _entries(part: Path) -> Iterator[dict]:
    """A part's entries in time order. Requests in flight together (--concurrency) are written as they finish, so
    a part is put in order by an index of (start, offset) — not by holding its bodies in memory."""
    index = []
    with open(part, "rb") as handle:
        offset = 0
        for line in handle:
            try:
                index.append((_order(json.loads(line)), offset))
            except ValueError:
                pass  # a line cut short by a process that was killed while writing it
            offset += len(line)
        for _, start in sorted(index):
            handle.seek(start)
            yield json.loads(handle.readline())


def write_har(path: str | Path, parts: str | Path, meta: Mapping[str, Any], version: str) -> int:
    """Merge the part files into one HAR file at `path`, in time order; returns the number
    of entries. Written beside `path` and renamed over it: a reader never sees half a file."""
    path = Path(path)
    streams = [_entries(part) for part in sorted(Path(parts).glob("*.jsonl"))]
    merged = heapq.merge(*streams, key=_order)
    fd, temporary = tempfile.mkstemp(prefix=".conformance-har-", dir=path.parent)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(REDACTOR.scrub(har.document_head(scrubbed(dict(meta)), version)))
            for item in merged:
                out.write(("" if count == 0 else ",\n") + REDACTOR.scrub(json.dumps(scrubbed(item), ensure_ascii=False)))
                count += 1
            out.write(har.DOCUMENT_TAIL)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file (mkstemp's is private)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def remove_parts(parts: str | Path) -> None:
    shutil.rmtree(parts, ignore_errors=True)


def check_record_path(path: str) -> None:
    """Raise OSError unless a file can be written at `path` (found at the start, not after the run)."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "is a directory")
    existed = target.exists()
    with open(target, "a", encoding="utf-8"):
        pass
    if not existed:
        target.unlink()
    probe = tempfile.NamedTemporaryFile(prefix=".conformance-har-", dir=target.parent or ".")  # the rename's temp
    probe.close()


# ------------------------------------------------------------------ replay

class NotRecorded(pytest.skip.Exception):
    """The recording holds no answer to this request: the check that sent it is skipped."""


class Recording:
    """A HAR file written by --record, indexed by (method, URL, auth label)."""

    def __init__(self, meta: dict[str, Any], entries: list[dict[str, Any]], source: str) -> None:
        self.meta = meta
        self.source = source
        self._by_request: dict[tuple[str, str, str], list[dict]] = {}
        for item in entries:
            request = item["request"]
            auth = item.get("_auth")
            match = (request["method"].upper(), request["url"], auth if isinstance(auth, str) else NO_KEY)
            self._by_request.setdefault(match, []).append(item)
        self._seen: dict[tuple[str, str, str], int] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, meta: dict[str, Any], entries: list[dict[str, Any]], source: str) -> Recording | None:
        """The recording a parsed HAR file (har.parse) holds; None when it was not written by --record (no
        `_conformance` field in its log: traffic captured elsewhere); har.HarError for a recording of nothing."""
        if not meta:
            return None
        if not entries:
            raise har.HarError("the recording holds no exchange")
        return cls(meta, entries, source)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_request.values())

    def answer(self, url: str, auth: str | None) -> dict[str, Any]:
        """The next recorded entry for this GET (past the last recorded, the last again)."""
        match = ("GET", url, auth if auth is not None else NO_KEY)
        with self._lock:
            found = self._by_request.get(match)
            if not found:
                raise NotRecorded(f"not in the recording: GET {url}" + (f" with {auth}" if auth else " without a key"))
            seen = self._seen.get(match, 0)
            self._seen[match] = seen + 1
        return found[min(seen, len(found) - 1)]


def read_har(path: str) -> str:
    """The text of a HAR file (a byte order mark allowed); OSError or UnicodeDecodeError when it cannot be read."""
    with open(path, encoding="utf-8-sig") as handle:
        return handle.read()


