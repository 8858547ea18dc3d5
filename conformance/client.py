"""The only way the suite talks to a target: GET requests, bounded in time, number and rate.

The Client prepares each GET, gives again an answer that cannot have changed (Answers), sends independent GETs
ahead, and hands back Exchanges; where a GET goes from here is the transport it is given (conformance/transport/).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from conformance import edge
from conformance.exchange import Exchange
from conformance.masking import MASK, REDACTOR, Secret, is_credential
from conformance.transport.base import ELAPSED, HAR_ID
from conformance.transport.decoding import ACCEPTED_CODINGS
from conformance.transport.errors import TargetError
from conformance.transport.limits import Limits

DEFAULT_HEADERS = {"Accept": "application/json", "Accept-Encoding": ACCEPTED_CODINGS}


@dataclass(frozen=True)
class Answer:
    """What one GET got back: from the target, or from a recording (--from-har)."""

    status_code: int
    headers: httpx.Headers
    body: bytes
    har_id: str | None = None
    elapsed: float | None = None  # seconds it took (a recorded answer's, as recorded)


class Answers:
    """Answers to GETs sent in this run, by URL and headers (keys held in memory only, as the client holds them):
    an answer `reuse(status)` says cannot have changed since is given again to the same GET instead of sending it.
    Bounded: bodies up to MAX_KEPT_BODY, MAX_KEPT_BYTES in all."""

    def __init__(self, reuse: Callable[[int], bool]) -> None:
        self.reuse = reuse
        self._kept: dict[tuple, Answer] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self.given = 0  # answers given again, each a request not sent

    def has(self, same: tuple) -> bool:
        return same in self._kept

    def get(self, same: tuple) -> Answer | None:
        with self._lock:
            answer = self._kept.get(same)
            self.given += answer is not None
            return answer

    def keep(self, same: tuple, answer: Answer) -> None:
        if not self.reuse(answer.status_code) or len(answer.body) > MAX_KEPT_BODY:
            return
        with self._lock:
            if same not in self._kept and self._bytes + len(answer.body) <= MAX_KEPT_BYTES:
                self._kept[same] = answer
                self._bytes += len(answer.body)


# Headers that do not change what the API answers (Schemathesis adds its own agent, case id, Accept */*): the same GET
# with other values of these is the same GET.
INCIDENTAL_HEADERS = frozenset({"user-agent", "x-schemathesis-testcaseid", "connection", "accept", "accept-encoding"})
MAX_KEPT_BODY = 256 * 1024
MAX_KEPT_BYTES = 32 * 1024 * 1024


def reusable(fixed_data: bool) -> Callable[[int], bool]:
    """Which answers the same GET may be given again in a run: with a fixed dataset, any but a throttling or
    server error (those may pass); on a chat that may be live (discovery mode), only the refusals (4xx)."""
    def reuse(status: int) -> bool:
        return status != 429 and (200 <= status < 500 if fixed_data else 400 <= status < 500)
    return reuse


class Client:
    """GETs to the target through `transport` (conformance/transport/stack.py builds it: the network, recorded or
    not, or a recording), each within `limits`."""

    def __init__(self, base_url: str, auth_header: str, transport: httpx.BaseTransport, limits: Limits,
                 concurrency: int = 1, reuse: Callable[[int], bool] = lambda status: False) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth_header = auth_header
        self.limits = limits
        self.tripped: dict[str, TargetError] = {}  # the Schemathesis layer's breaker: operation → what stopped it
        self.concurrency = max(1, concurrency)
        self._pool: ThreadPoolExecutor | None = None
        self.answers = Answers(reuse)  # answers given once, given again to the same GET without sending it
        self.seen = edge.Seen()  # the target's answers as they came: which the edge wrote (edge.py)
        self._ahead: dict[tuple, Future[Answer]] = {}  # GETs sent ahead (send_ahead), by what tells them apart
        self._lock = threading.Lock()
        # No proxy from the environment: every GET goes through `transport`, within its bounds.
        self._http = httpx.Client(transport=transport, headers=DEFAULT_HEADERS, follow_redirects=False, trust_env=False)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._http.close()

    def get_all(self, calls: Sequence[tuple[Any, Any, str | None]]) -> Iterator[Exchange]:
        """get_messages(chat_id, params, key) for each call, up to --concurrency in flight at once (each within
        --rate-limit and --max-requests, as any request); the answers are yielded in the order of the calls, and a
        call that raised raises where its answer would come. Those not started when the caller stops are not sent."""
        ahead = self.send_ahead_messages(calls)
        try:
            for call in calls:
                yield self.get_messages(*call)
        finally:
            self.cancel_ahead(ahead)  # and what was sent ahead but not asked for is not given to a later GET

    @staticmethod
    def messages_path(chat_id: Any) -> str:
        return f"/api/v1/chats/{quote(str(chat_id), safe='')}/messages"

    def get_messages(
        self, chat_id: Any, params: dict[str, Any] | list[tuple[str, Any]] | None = None, key: str | None = None
    ) -> Exchange:
        return self.get(self.messages_path(chat_id), params=params, headers=self._key_headers(key))

    def _key_headers(self, key: str | None) -> dict[str, str]:
        return {self.auth_header: Secret(key)} if key is not None else {}

    def get(self, path_or_url: str, params: Any = None, headers: dict[str, str] | None = None,
            fresh: bool = False) -> Exchange:
        """Send one GET; the answer is read whole (up to --max-body, decoded) within --request-timeout.

        A target that throttles (429, or 503 with Retry-After) is waited for as it asks and sent the same GET
        again, each resend counted against --max-requests; the answer returned is never such a "not now".
        The same GET (URL and headers) sent before in the run is answered as it was then, without a request, when
        that answer cannot have changed since (Answers); `fresh` sends it whatever was answered before."""
        url, sent, same = self._prepared(path_or_url, params, headers)
        answer = None if fresh else self.answers.get(same)
        fetched = answer is None  # not an earlier answer given again: the seen take it in
        if fetched:
            with self._lock:
                sent_ahead = None if fresh else self._ahead.pop(same, None)
            answer = _result(sent_ahead) if sent_ahead is not None else None
            answer = answer or self._send(url, sent)
            self.answers.keep(same, answer)
        masked = tuple((name, MASK if is_credential(name, self.auth_header) else value) for name, value in sent.items())
        exchange = Exchange(
            url=url,
            request_headers=masked,
            status=answer.status_code,
            headers={k.lower(): v for k, v in answer.headers.items()},
            body=answer.body,
            elapsed=answer.elapsed or 0.0,
            har_id=answer.har_id,
            resend=lambda: self.get(path_or_url, params, headers, fresh=True),
        )
        if fetched:
            self.seen.note(exchange)
        return exchange

    def _prepared(self, path_or_url: str, params: Any, headers: dict[str, str] | None
                  ) -> tuple[str, dict[str, str], tuple]:
        """The URL, the headers, and what tells this GET from another (URL and the headers that change the answer).
        Every credential sent is taught to the redactor first."""
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        if params:
            items = params.items() if isinstance(params, dict) else params
            flat = [(k, v) for k, vs in items for v in (vs if isinstance(vs, list) else [vs])]
            url += ("&" if "?" in url else "?") + urlencode([(k, _text(v)) for k, v in flat])
        headers = dict(headers or {})
        for name, value in headers.items():
            if is_credential(name, self.auth_header):
                REDACTOR.add(value)
        same = (url, tuple(sorted((name.lower(), str(value)) for name, value in headers.items()
                                  if name.lower() not in INCIDENTAL_HEADERS)))
        return url, headers, same

    def _send(self, url: str, headers: dict[str, str]) -> Answer:
        """One GET through the transport; its answer (the body already read and decoded by the stack)."""
        with self._http.stream("GET", url, headers=headers) as response:
            body = b"".join(response.iter_raw())
        return Answer(response.status_code, response.headers, body, response.extensions.get(HAR_ID),
                      response.extensions.get(ELAPSED))

    def send_ahead_messages(self, calls: Sequence[tuple[Any, Any, str | None]]) -> list[tuple]:
        """send_ahead for get_messages(chat_id, params, key) calls."""
        return self.send_ahead([(self.messages_path(chat_id), params, self._key_headers(key))
                                for chat_id, params, key in calls])

    def send_ahead(self, gets: Sequence[tuple[str, Any, dict[str, str] | None]]) -> list[tuple]:
        """Send these GETs (path or URL, params, headers) now, up to --concurrency in flight, each within
        --rate-limit and --max-requests: the independent probes of one check. Each answer is given to the first
        get of the same GET (an error it met is raised there); none is sent twice. Nothing ahead with concurrency 1.
        Returns what tells apart the GETs it sent ahead (for cancel_ahead)."""
        placed: list[tuple] = []
        if self.concurrency == 1:
            return placed
        for path_or_url, params, headers in gets:
            url, headers, same = self._prepared(path_or_url, params, headers)
            with self._lock:
                if same in self._ahead or self.answers.has(same):
                    continue
                self._ahead[same] = self._executor().submit(self._send, url, headers)
                placed.append(same)
        return placed

    def cancel_ahead(self, which: Sequence[tuple] | None = None) -> None:
        """GETs sent ahead no longer wanted. `which` (a walk that ended): not sent if not started, and never given
        to a later GET (a chat may have moved since). All (the target stopped answering): those not started are not
        sent; an answer already under way is still given to its GET."""
        with self._lock:
            for same in list(self._ahead) if which is None else which:
                future = self._ahead.get(same)
                if future is not None and (future.cancel() or which is not None):
                    del self._ahead[same]

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="conformance-get")
        return self._pool


def _result(sent_ahead: Future[Answer]) -> Answer | None:
    """The answer a GET sent ahead got (its error raised), or None when it was cancelled before it was sent."""
    try:
        return sent_ahead.result()
    except CancelledError:
        return None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
