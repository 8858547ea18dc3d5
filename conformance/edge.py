"""Answers the implementation did not write: an edge's (a reverse proxy, a WAF, a load balancer, a CDN).

An implementation is deployed behind an edge, and the edge answers some requests itself: nginx's HTML error page in
place of the implementation's body (proxy_intercept_errors), a 503 or 429 of its rate limit, a WAF's 403 for input
it dislikes, a 502/504 of an upstream it could not reach. Such an answer says nothing of the implementation: a rule
it breaks is not judged on it (inconclusive, "answered by the edge"), and the run counts them.

`written_by_edge` is the one test of it, a pure function of an answer and of what the target's own answers looked
like so far (`Seen`): an error answer in HTML (the implementation answers JSON) — never a 500 or another 5xx but
502, 503 and 504, which an edge writes of its own (over a 500 it may only have put its page) — with
- an edge's signature (Server: nginx, cloudflare, awselb, envoy …; Via; cf-ray; x-amzn-*; the edge's name in the
  page), or
- a body identical to one seen with another status (one page for every error: an edge's error_page), or
- a status an edge writes (403, 429, 502, 503, 504) that the target's own answers never used.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any, Protocol

ANSWERED = "answered by the edge"  # how a report says it, and how a requirement's reason says it was not judged
EDGE_STATUSES = frozenset({403, 429, 502, 503, 504})
# Server header values (and page signatures) of common edges: proxies, WAFs, load balancers, CDNs, meshes.
EDGE_NAMES = re.compile(r"\b(nginx|openresty|tengine|cloudflare|awselb|elb|envoy|istio-envoy|haproxy|traefik|caddy"
                        r"|varnish|akamai\w*|cloudfront|kong|microsoft-azure-application-gateway)\b",
                        re.IGNORECASE)
EDGE_HEADERS = ("via", "cf-ray", "x-amz-cf-id", "x-amzn-requestid", "x-amzn-trace-id", "x-amzn-errortype",
                "x-envoy-upstream-service-time", "x-azure-ref", "x-cache", "x-served-by")
HTML = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<h1|<center|<title)", re.IGNORECASE)


class Answer(Protocol):
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes


def is_html(answer: Answer) -> bool:
    """An HTML page: by its media type, or by its first tag when the type is missing or generic."""
    media = answer.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media in ("text/html", "application/xhtml+xml") or (media in ("", "text/plain", "application/octet-stream")
                                                                and bool(HTML.match(answer.body[:200])))


def signature(answer: Answer) -> str | None:
    """The edge an answer names: its Server header, an edge's own header, or its name at the foot of the page."""
    server = EDGE_NAMES.search(answer.headers.get("server", ""))
    if server:
        return server.group(1).lower()
    for name in answer.headers:
        if name in EDGE_HEADERS or name.startswith("x-amzn-"):
            return f"an edge ({name})"
    page = EDGE_NAMES.search(answer.body[-400:].decode("utf-8", errors="replace"))
    return page.group(1).lower() if page else None


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class Seen:
    """What this process has seen of the target's answers: the statuses of its own (not the edge's) answers, the
    statuses each HTML error body came with, and the answers the edge wrote ("nginx 403" → how many)."""

    def __init__(self) -> None:
        self.own_statuses: set[int] = set()
        self.bodies: dict[str, set[int]] = {}
        self.by_edge: Counter[str] = Counter()
        self._lock = threading.Lock()

    def note(self, answer: Answer) -> str | None:
        """Take in one answer as it comes; who wrote it, when the edge did."""
        with self._lock:
            if answer.status >= 400 and is_html(answer):
                self.bodies.setdefault(digest(answer.body), set()).add(answer.status)
            who = written_by_edge(answer, self)
            if who is None:
                self.own_statuses.add(answer.status)
            else:
                self.by_edge[who] += 1
            return who

    def encode(self) -> str:
        """As a test report's user property: "who=count" per edge answer kind, joined by ';'."""
        with self._lock:
            return ";".join(f"{who}={n}" for who, n in sorted(self.by_edge.items()))


def decode(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for part in filter(None, text.split(";")):
        who, _, n = part.rpartition("=")
        out[who] += int(n)
    return out


def _most_first(by_edge: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(by_edge.items(), key=lambda kv: (-kv[1], kv[0]))


def describe(by_edge: Mapping[str, int]) -> str:
    """"answered by the edge: 8 requests (nginx 403 ×8)"."""
    total = sum(by_edge.values())
    kinds = ", ".join(f"{who} ×{n}" for who, n in _most_first(by_edge))
    return f"{ANSWERED}: {total} request{'s' if total != 1 else ''} ({kinds})"


def as_data(by_edge: Mapping[str, int], inconclusive: list[str]) -> dict[str, Any]:
    """The reports' `edge`: how many answers the edge wrote, by server and status, and the requirements left
    inconclusive because of them."""
    by = []
    for who, n in _most_first(by_edge):
        server, _, status = who.rpartition(" ")
        by.append({"server": server, "status": int(status), "count": n})
    return {"requests": sum(by_edge.values()), "by": by, "inconclusive": inconclusive}


def written_by_edge(answer: Answer, seen: Seen) -> str | None:
    """Who wrote this answer when it was not the implementation ("nginx 403"), or None: see the module's text."""
    if answer.status < 400 or not is_html(answer):
        return None
    if answer.status >= 500 and answer.status not in EDGE_STATUSES:
        return None  # a 500 is the implementation's, whatever page an edge put over it: an edge writes 502-504
    who = signature(answer)
    statuses = seen.bodies.get(digest(answer.body), set())
    if who is None and not (statuses - {answer.status}) and not (
            answer.status in EDGE_STATUSES and answer.status not in seen.own_statuses):
        return None
    return f"{who or 'an edge'} {answer.status}"
