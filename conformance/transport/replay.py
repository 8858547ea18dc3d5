"""--from-har of a recording: every GET answered from a HAR file written by --record, no socket opened.

A request is answered by the recorded entry with the same method, URL and credential labels (recording.labelled);
repeated identical requests get the recorded answers in order (past the last, the last again); a recorded failure
to answer is raised again. A request the file does not hold raises NotRecorded: its check is skipped, "not in the
recording".
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from conformance import har
from conformance.transport.base import ELAPSED, HAR_ID, answer
from conformance.transport.errors import RECORDED, TargetError
from conformance.transport.recording import labelled

NO_KEY = ""  # the match key of a request without an auth header
# Stand-ins for the keys of a replay without them, shaped as JWTs: the tokens forged from a JWT (forgeries.py) are then
# asked for again, under the labels the recording holds, whatever the key was; a key that was no JWT never had them.
PLACEHOLDER_KEYS = {
    "primary": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyZXBsYXllZCI6InByaW1hcnkifQ.cmVwbGF5ZWQ",
    "foreign": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyZXBsYXllZCI6ImZvcmVpZ24ifQ.cmVwbGF5ZWQ",
}


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


class Replay(httpx.BaseTransport):
    """The transport of a replay: each GET answered by its recorded entry, or its recorded failure raised again."""

    def __init__(self, recording: Recording, auth_header: str, keys: Mapping[str, str | None]) -> None:
        self.recording = recording
        self.auth_header = auth_header
        self.keys = dict(keys)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _, auth = labelled(request.headers, self.auth_header, self.keys)
        item = self.recording.answer(str(request.url), auth)
        error = item.get("_error")
        if isinstance(error, dict):
            exc = RECORDED.get(str(error.get("type")), TargetError)(str(error.get("message", "no answer")))
            exc.har_id = item.get("_id")
            raise exc
        response, seconds = item["response"], item.get("time")
        return answer(request, response["status"], har.response_headers(item), har.body_of(response.get("content", {})),
                      **{HAR_ID: item.get("_id"),
                         ELAPSED: seconds / 1000 if isinstance(seconds, (int, float)) and seconds >= 0 else None})
