"""--record: every exchange of a run written to one HAR file, without its keys (the Recorded layer).

Each process (the controller, each xdist worker) appends its entries to its own part file as they
happen, one JSON line each, flushed: what was sent is on disk even when the run stops early. At the end of the
session the controller merges the parts, in time order, into the HAR file. Every string of an entry, and every
line of the file, passes through the redactor; a credential header's value is replaced by a label, and the labels
of a request are what a replay (replay.py) matches it on.
"""

from __future__ import annotations

import heapq
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

from conformance import har
from conformance.forgeries import FORGERIES, forged
from conformance.masking import REDACTOR, is_credential
from conformance.near_misses import NEAR_MISSES, OTHER_CASE
from conformance.transport.base import HAR_ID, Layer, body_of
from conformance.transport.errors import BudgetExhausted, TargetError


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


def labelled(headers: httpx.Headers, auth_header: str, keys: Mapping[str, str | None]
             ) -> tuple[list[tuple[str, str]], str | None]:
    """A request's headers with each credential's value replaced by its label, and what tells its credentials apart:
    the auth header's label, then `name: label` of any other credential header (None without any)."""
    shown, own, others = [], [], []
    for raw_name, raw_value in headers.raw:
        name, value = raw_name.decode(headers.encoding), raw_value.decode(headers.encoding)
        if is_credential(name, auth_header):
            value = label(value, keys)
            if name.lower() == auth_header.lower():
                own.append(value)
            else:
                others.append(f"{name}: {value}")
        shown.append((name, value))
    return shown, " + ".join(own + others) or None


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


class Recorded(Layer):
    """Each GET that went out written to the recorder as it ended: its answer, or the failure that came instead (a
    GET not sent, stopped by a bound of the run, is not written). The answer carries its entry's id."""

    def __init__(self, inner: httpx.BaseTransport, recorder: Recorder, auth_header: str,
                 keys: Mapping[str, str | None]) -> None:
        super().__init__(inner)
        self.recorder = recorder
        self.auth_header = auth_header
        self.keys = dict(keys)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for name, value in request.headers.multi_items():
            if is_credential(name, self.auth_header):
                REDACTOR.add(value)  # an echo of it in the answer is masked too
        headers, auth = labelled(request.headers, self.auth_header, self.keys)
        started_wall, started = time.time(), time.monotonic()

        def write(status: int, response_headers: list[tuple[str, str]], body: bytes,
                  error: dict[str, str] | None = None) -> str:
            entry_id = self.recorder.next_id()
            self.recorder.write(har.entry(entry_id=entry_id, started_at=started_wall,
                                          seconds=time.monotonic() - started, url=str(request.url),
                                          request_headers=headers, auth=auth, status=status,
                                          response_headers=response_headers, body=scrub_body(body), error=error))
            return entry_id

        try:
            response = self.inner.handle_request(request)
        except BudgetExhausted:
            raise  # not sent: nothing to record
        except TargetError as exc:
            exc.har_id = write(0, [], b"", {"type": type(exc).__name__, "message": str(exc)})
            raise
        response.extensions[HAR_ID] = write(response.status_code, response.headers.multi_items(), body_of(response))
        return response

    def close(self) -> None:
        super().close()
        self.recorder.close()
