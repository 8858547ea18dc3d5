"""HAR 1.2 (HTTP Archive) as the suite writes and reads it: one entry per GET, pure functions.

An entry holds the request (method, URL, headers, query), the answer (status, headers, the body decoded of its
content coding: as text when it is UTF-8, else base64 with `encoding`), `startedDateTime`, `time` and `timings`
(the whole request is counted as `wait`), and custom fields (HAR allows fields that start with `_`):
`_id` (which process sent it, and its number there), `_auth` (a label saying what the auth header carried,
never the key) and `_error` (a request that got no readable answer: `status` 0, as browsers write them).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

VERSION = "1.2"
READABLE_VERSIONS = ("1.1", "1.2")  # 1.2 only added optional fields


class HarError(ValueError):
    """The file is not a HAR this suite can read; the message says why."""


def started(wall_seconds: float) -> str:
    """An ISO 8601 UTC timestamp with milliseconds, as HAR's startedDateTime."""
    moment = datetime.fromtimestamp(wall_seconds, timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def header_list(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def content(body: bytes, mime_type: str) -> dict[str, Any]:
    """A response body as HAR content: text when it is UTF-8, else base64."""
    out: dict[str, Any] = {"size": len(body), "mimeType": mime_type}
    try:
        out["text"] = body.decode("utf-8")
    except UnicodeDecodeError:
        out["text"] = base64.b64encode(body).decode("ascii")
        out["encoding"] = "base64"
    return out


def body_of(content_object: Mapping[str, Any]) -> bytes:
    """The body bytes of a HAR content object (text, or base64 with `encoding`)."""
    text = content_object.get("text") or ""
    if content_object.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=True)
        except ValueError as exc:
            raise HarError(f"a response body marked base64 is not base64: {exc}") from None
    return text.encode("utf-8")


def entry(*, entry_id: str, started_at: float, seconds: float, url: str,
          request_headers: Iterable[tuple[str, str]], auth: str | None, status: int,
          response_headers: Iterable[tuple[str, str]], body: bytes, error: Mapping[str, str] | None = None) -> dict:
    """One GET as a HAR entry. `auth` is the label of the auth header (None: no auth header was sent)."""
    millis = round(seconds * 1000, 3)
    response_headers = list(response_headers)
    mime = next((v for k, v in response_headers if k.lower() == "content-type"), "")
    out: dict[str, Any] = {
        "startedDateTime": started(started_at),
        "time": millis,
        "request": {
            "method": "GET", "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": header_list(request_headers),
            "queryString": header_list(parse_qsl(urlsplit(url).query, keep_blank_values=True)),
            "headersSize": -1, "bodySize": 0,
        },
        "response": {
            "status": status, "statusText": "", "httpVersion": "HTTP/1.1" if status else "", "cookies": [],
            "headers": header_list(response_headers), "content": content(body, mime),
            "redirectURL": next((v for k, v in response_headers if k.lower() == "location"), ""),
            "headersSize": -1, "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": millis, "receive": 0},
        "_id": entry_id,
        "_auth": auth,
    }
    if error is not None:
        out["_error"] = dict(error)
    return out


def document_head(meta: Mapping[str, Any], creator_version: str) -> str:
    """The start of a HAR file up to its entries array (entries are written one by one after it)."""
    head = json.dumps({"version": VERSION, "creator": {"name": "chat-messages-conformance", "version": creator_version},
                       "pages": [], "_conformance": dict(meta)}, ensure_ascii=False)
    return '{"log": ' + head[:-1] + ', "entries": [\n'


DOCUMENT_TAIL = "\n]}}\n"


def parse(text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the log's `_conformance` object or {}, its entries), each entry checked for what a reader needs."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise HarError(f"not JSON: {exc}") from None
    log = data.get("log") if isinstance(data, dict) else None
    if not isinstance(log, dict):
        raise HarError("not a HAR file: no \"log\" object at the top")
    version = log.get("version") or "1.1"
    if version not in READABLE_VERSIONS:
        raise HarError(f"HAR version {version!r}; this suite reads {' and '.join(READABLE_VERSIONS)}")
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise HarError("the log has no \"entries\" array")
    for index, item in enumerate(entries):
        problem = _entry_problem(item)
        if problem:
            raise HarError(f"entry {index}: {problem}")
    meta = log.get("_conformance")
    return (meta if isinstance(meta, dict) else {}), entries


def _entry_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "not an object"
    request, response = item.get("request"), item.get("response")
    if not isinstance(request, dict) or not isinstance(request.get("method"), str) \
            or not isinstance(request.get("url"), str):
        return "no request with a method and a URL"
    if not isinstance(response, dict) or not isinstance(response.get("status"), int):
        return "no response with a status"
    if not isinstance(response.get("headers", []), list) or not isinstance(response.get("content", {}), dict):
        return "response headers or content malformed"
    for header in response.get("headers", []):
        if not isinstance(header, dict) or not isinstance(header.get("name"), str) \
                or not isinstance(header.get("value"), str):
            return "a response header without a name and a value"
    text = response.get("content", {}).get("text")
    if text is not None and not isinstance(text, str):
        return "response content text is not a string"
    return None


def response_headers(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(h["name"], h["value"]) for h in item["response"].get("headers", [])]
