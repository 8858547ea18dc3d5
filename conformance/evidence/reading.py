"""Reading a capture: a HAR file or NDJSON (one HAR entry per line) as a stream of entries, the bodies it keeps in side
files, every credential in it masked, and the endpoint's GETs among its entries as Captured exchanges.

Keys: every credential value found in an entry (the auth header, Authorization, cookies, a key in the query) is given
to the redactor before anything of it is judged or printed. Answers to different keys are told apart by the labels of
a file written by --record style tools (`_auth`: `<primary key>`, `<foreign key>`, `<near miss: …>`, …) or, in a raw
capture, by an HMAC of the header value under a random key made for this process: held in memory only, each key shown
as `<captured key N>` in the order the file first shows it (so every process reading one file names keys alike).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, unquote, urlsplit

import ijson
import orjson

from conformance import har
from conformance.exchange import Exchange
from conformance.masking import REDACTOR

ENDPOINT = re.compile(r"(?P<prefix>.*)/api/v1/chats/(?P<chat>[^/]+)/messages/?")
# Header and query names whose values are credentials: masked in all output, whatever the profile's header.
CREDENTIAL = re.compile(r"auth|key|token|secret|cookie|session|password", re.IGNORECASE)
SALT = os.urandom(32)  # the key of the fingerprints of this process: never written, gone when it ends

# Where a HAR keeps a body outside the file (Playwright's record_har_content="attach"): the side file's bytes by its
# name (content._file), or None when it is not there.
Attachments = Callable[[str], "bytes | None"]


class CaptureError(har.HarError):
    """The file holds nothing this mode can judge; the message says why."""


@dataclass(frozen=True)
class Captured:
    """One GET of the endpoint from the capture, as an Exchange (auth header as its label) and what it asked."""

    exchange: Exchange
    index: int  # its place among the file's entries (log.entries[index], or line index + 1 of NDJSON)
    chat: str  # the chat id of the path, as written (percent-decoded)
    who: str | None  # the label of its key (None: no auth header)
    query: tuple[tuple[str, str], ...]
    body_known: bool  # the capture kept the body (content.text, or a side file content._file that was found)
    type_known: bool  # the capture kept the response headers (or a mimeType)
    origin: str  # scheme://host[:port]/prefix, masked

    @property
    def entry(self) -> str:
        return self.exchange.har_id or "?"


# ------------------------------------------------------------------ files

READ_BUFFER = 1 << 20  # a line of NDJSON is a page and more (tens of KB): read by the megabyte, it is split in C


@dataclass(frozen=True)
class Source:
    """A capture file: how to read its entries (again, as each process of --jobs does) and its side files."""

    path: str
    ndjson: bool
    archive_member: str | None = None  # the .har inside a .zip

    def open(self) -> BinaryIO:
        if self.archive_member is not None:
            return zipfile.ZipFile(self.path).open(self.archive_member)  # type: ignore[return-value]
        return open(self.path, "rb", buffering=READ_BUFFER)

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every entry, each checked for what a reader needs (har.HarError says which is not), read as a stream:
        memory holds one entry at a time, whatever the size of the file."""
        with self.open() as handle:
            stream: Iterator[Any] = _lines(handle) if self.ndjson else _har_entries(handle)
            for index, item in enumerate(stream):
                problem = har._entry_problem(item)
                if problem:
                    raise har.HarError(f"entry {index}: {problem}")
                yield item

    def attachments(self) -> Attachments:
        if self.archive_member is not None:
            archive = zipfile.ZipFile(self.path)  # kept open while the capture is judged: side files are read as met
            members = set(archive.namelist())
            return lambda name: archive.read(name) if name in members else None
        folder = Path(self.path).resolve().parent

        def beside(name: str) -> bytes | None:
            found = (folder / name).resolve()
            if found.parent != folder or not found.is_file():  # a side file is a plain name beside the HAR, not a path
                return None
            return found.read_bytes()

        return beside


def source_of(path: str) -> Source:
    """The capture at `path`: a HAR file, NDJSON of HAR entries (what gateways and proxy add-ons write as they go),
    or a .zip holding one .har and its side files (Playwright's default for a .zip record_har_path). OSError when
    it cannot be read; har.HarError for an archive without exactly one .har."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            hars = [name for name in archive.namelist() if name.endswith(".har")]
        if len(hars) != 1:
            raise har.HarError(f"a .zip capture must hold one .har file; this one holds {len(hars)}")
        return Source(path, False, hars[0])
    with open(path, "rb") as handle:
        return Source(path, _is_ndjson(handle.readline(1 << 20)))


def recorded_run(source: Source) -> bool:
    """Whether the file was written by --record (its log holds `_conformance`, written before its entries): a
    recording to replay, not traffic to judge."""
    if source.ndjson or source.archive_member is not None:
        return False
    with source.open() as handle:
        if handle.read(3) != b"\xef\xbb\xbf":
            handle.seek(0)
        try:
            for prefix, _, _ in ijson.parse(handle):
                if prefix == "log._conformance":
                    return True
                if prefix == "log.entries":
                    return False
        except ijson.JSONError:
            return False  # said when it is read
    return False


def _is_ndjson(first_line: bytes) -> bool:
    """NDJSON when the first line alone is a whole HAR entry (a HAR file's first line opens the log)."""
    try:
        value = orjson.loads(first_line.lstrip(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError:
        return False
    return isinstance(value, dict) and "request" in value


def _lines(handle: BinaryIO) -> Iterator[Any]:
    for number, line in enumerate(handle, 1):
        if number == 1:
            line = line.lstrip(b"\xef\xbb\xbf")
        if line.strip():
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise har.HarError(f"line {number} is not JSON: {exc}") from None


def _har_entries(handle: BinaryIO) -> Iterator[Any]:
    """log.entries of a HAR file, one by one (ijson's C parser), after its head is checked: a log object, and a
    version this suite reads where it comes before the entries (as every tool writes it)."""
    if handle.read(3) != b"\xef\xbb\xbf":
        handle.seek(0)
    start = handle.tell()
    try:
        _check_head(ijson.parse(handle, use_float=True))
        handle.seek(start)
        yield from ijson.items(handle, "log.entries.item", use_float=True, buf_size=1 << 20)
    except ijson.JSONError as exc:
        raise har.HarError(f"not JSON: {exc}") from None


def _check_head(events: Iterator[tuple[str, str, Any]]) -> None:
    found_log = False
    for prefix, event, value in events:
        if prefix == "" and event not in ("start_map", "map_key", "end_map"):
            break  # not an object at the top
        if prefix == "log" and event == "start_map":
            found_log = True
        elif prefix == "log.version" and value not in har.READABLE_VERSIONS:
            raise har.HarError(f"HAR version {value!r}; this suite reads {' and '.join(har.READABLE_VERSIONS)}")
        elif prefix == "log.entries":
            if event != "start_array":
                raise har.HarError("the log has no \"entries\" array")
            return
        elif prefix == "log" and event == "end_map":
            raise har.HarError("the log has no \"entries\" array")
    if not found_log:
        raise har.HarError("not a HAR file: no \"log\" object at the top")


# ------------------------------------------------------------------ entries → exchanges

def mask_credentials(item: Mapping[str, Any]) -> None:
    """Every credential value of an entry (request and answer) to the redactor: masked in all output."""
    request, response = item.get("request") or {}, item.get("response") or {}
    # Answers: only the cookies they set (a header such as WWW-Authenticate names a scheme, not a secret).
    issued = [("cookie", v) for n, v in _pairs(response.get("headers")) if n.lower() == "set-cookie"]
    pairs = [*_pairs(request.get("headers")), *_pairs(request.get("cookies")), *issued,
             *_pairs(response.get("cookies")), *_pairs(request.get("queryString"))]
    pairs += parse_qsl(urlsplit(str(request.get("url", ""))).query, keep_blank_values=True)
    for name, value in pairs:
        if CREDENTIAL.search(name):
            REDACTOR.add(value)
            scheme, _, token = value.partition(" ")  # "Bearer <token>": the token alone too
            if token and scheme.isalpha():
                REDACTOR.add(token.strip())


def _pairs(items: Any) -> list[tuple[str, str]]:
    if not isinstance(items, list):
        return []
    return [(str(h.get("name", "")), str(h.get("value", ""))) for h in items if isinstance(h, dict)]


class Reader:
    """The entries of one capture, one by one, to Captured exchanges or the reason each is set aside."""

    def __init__(self, auth_header: str, base_url: str | None = None, attachments: Attachments | None = None) -> None:
        self.auth_header = auth_header
        self.prefix = base_url.rstrip("/") if base_url else None
        self.attachments = attachments
        self.names: dict[bytes, str] = {}  # fingerprint → label, in the order the file shows the keys
        self.bodies_missing = 0

    def read(self, item: Mapping[str, Any], index: int) -> Captured | str | None:
        """The entry as an exchange of the endpoint; a reason it is set aside; None when it is not the endpoint's."""
        request, response = item["request"], item["response"]
        url = request["url"]
        split = urlsplit(url)
        match = ENDPOINT.fullmatch(split.path)
        if match is None or (self.prefix is not None and not url.startswith(self.prefix + "/api/")):
            return None
        who = self.who(item)  # every entry's key is named, judged or not: labels follow the file's order
        why = not_judged(request["method"], response, item)
        if why:
            return why
        headers = {name.lower(): value for name, value in har.response_headers(item)}
        content = response.get("content") or {}
        type_known = bool(response.get("headers")) or bool(content.get("mimeType"))
        if "content-type" not in headers and content.get("mimeType"):
            headers["content-type"] = str(content["mimeType"])
        body = body_of(content, self.attachments)
        self.bodies_missing += body is None and side_file(content) is not None
        exchange = Exchange(
            url=REDACTOR.scrub(url),
            request_headers=((self.auth_header, who),) if who is not None else (),
            status=response["status"], headers=headers, body=body or b"",
            har_id=item["_id"] if isinstance(item.get("_id"), str) else f"#{index}",
        )
        return Captured(exchange, index, unquote(match["chat"]), who,
                        tuple(parse_qsl(split.query, keep_blank_values=True)), body is not None, type_known,
                        REDACTOR.scrub(f"{split.scheme}://{split.netloc}{match['prefix']}"))

    def who(self, item: Mapping[str, Any]) -> str | None:
        """The key's label: the entry's own (`_auth`), else `<captured key N>` by a fingerprint of the value."""
        if "_auth" in item:
            return item["_auth"] if isinstance(item["_auth"], str) else None
        values = [h.get("value") for h in item["request"].get("headers") or []
                  if isinstance(h, dict) and str(h.get("name", "")).lower() == self.auth_header.lower()]
        if not values or not isinstance(values[0], str):
            return None
        mark = hmac.new(SALT, values[0].encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        return self.names.setdefault(mark, f"<captured key {len(self.names) + 1}>")


def body_of(content: Mapping[str, Any], attachments: Attachments | None) -> bytes | None:
    """The answer's body: the content's text, else its side file (content._file); None when the capture kept no
    body or its side file is not there."""
    if isinstance(content.get("text"), str):
        return har.body_of(content)
    name = side_file(content)
    return attachments(name) if name is not None and attachments is not None else None


def side_file(content: Mapping[str, Any]) -> str | None:
    name = content.get("_file")
    return name if isinstance(name, str) and name else None


def not_judged(method: str, response: Mapping[str, Any], item: Mapping[str, Any]) -> str | None:
    """Why an entry of the endpoint's path is not judged (None: it is)."""
    status = response["status"]
    if method.upper() != "GET":
        return f"{method.upper()} requests (the endpoint is GET only)"
    if unanswered(response, item):
        return ("requests without an answer (status 0 or -1, _error or _failureText: cancelled, blocked or failed on "
                "the client's side)")
    if cached(response, item):
        return "answers from the client's cache (304, _fromCache, or a 200 of transfer size 0)"
    retry_after = any(h.lower() == "retry-after" for h, _ in har.response_headers(item))
    if status == 429 or (status == 503 and retry_after):
        return "throttled answers (429, or 503 with Retry-After: IMPL-THROTTLING)"
    return None


def unanswered(response: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    """An entry the server gave no answer to, however the tool writes it: status 0 (browsers' HAR export), -1 and
    `_failureText` (Playwright: a request the browser blocked, CORS, or that failed), `_error` (this suite's and
    others')."""
    return (response["status"] <= 0 or bool(item.get("_error") or response.get("_error"))
            or bool(item.get("_failureText") or response.get("_failureText")))


def cached(response: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    """An answer the client took from its cache, not one the server gave at that time: a 304, a browser's
    `_fromCache` ("memory" or "disk"; a revalidated 304 is written as a 200 with the cached body), or a 200 of which
    nothing crossed the network (`_transferSize` 0: a memory-cache hit)."""
    if response["status"] == 304 or item.get("_fromCache") or response.get("_fromCache"):
        return True
    transferred = response.get("_transferSize", item.get("_transferSize"))
    return response["status"] == 200 and transferred == 0 and not isinstance(transferred, bool)
