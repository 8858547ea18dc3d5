"""The only way the suite talks to a target: GET requests, bounded in time, number and rate."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, NoReturn
from urllib.parse import quote, urlencode

import httpx

from conformance import edge, har
from conformance.exchange import Exchange
from conformance.deadlines import bounded_transport, deadline
from conformance.decoding import ACCEPTED_CODINGS, BodyError, BodyTooLarge, read_body
from conformance.masking import MASK, REDACTOR, Secret
from conformance.recording import Recorder, Recording, label, scrub_body
from conformance.throttling import ThrottleBudget, told_wait

MAX_BODY_BYTES = 8 * 1024 * 1024  # --max-body's default
SILENT_REQUESTS = 3  # requests in a row without an answer, and
SILENT_TIMEOUTS = 3  # request timeouts without any answer (and at least SILENT_SECONDS), after which the target
SILENT_SECONDS = 10.0  # counts as gone silent; a target that leaves some requests unanswered is judged, not stopped
SLOWED_INTERVAL = 0.1  # seconds between requests after the first throttle of a run with no --rate-limit (10/s)
SLOWEST_INTERVAL = 1.0  # however often the target throttles, the run still sends a request a second
RECOVERY = 0.9  # each answer that is not a throttle shortens the interval by this factor, back to --rate-limit
RECOVERED_INTERVAL = 0.025  # a run once throttled stays at 40 requests a second at most: no burst to throttle again


class TargetError(Exception):
    """The target's answer could not be read: a reset mid-answer, an oversized body."""

    har_id: str | None = None  # the HAR entry that records it (--record, --from-har)


class Unreachable(TargetError):
    """No answer at all: the connection failed (refused, DNS, TLS) or timed out."""


class BudgetExhausted(TargetError):
    """--max-requests was reached; the rest of the run is stopped."""


class DurationExceeded(BudgetExhausted):
    """--max-duration was reached; the rest of the run is stopped."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM stopped the run: raised by the next request when the signal could not stop it where it landed."""


class TargetSilent(BudgetExhausted):
    """The target stopped answering: requests in a row got no answer for several request timeouts; the rest of the run
    is stopped rather than waiting out every request."""


class ThrottleExhausted(BudgetExhausted):
    """The target kept throttling (429, 503 with Retry-After) past --max-throttle-wait; the rest of the run is stopped."""


class Limits:
    """A request cap, an optional rate, a bound on the run's wall time and one on the time spent waiting for a
    throttling target, shared by every request of the process."""

    def __init__(self, max_requests: int, rate_per_second: float | None, max_duration: float | None = None,
                 started_at: float | None = None, max_throttle_wait: float = 120.0) -> None:
        self.max_requests = max_requests
        self.interval = 1.0 / rate_per_second if rate_per_second else 0.0
        self.base_interval = self.interval  # --rate-limit's: the interval a throttled run recovers to
        self.slowed = False  # throttled lately: a longer interval, and one request in flight at a time
        self.max_duration = max_duration
        # time.monotonic() is one clock for every process of the machine (xdist workers share the start), and NTP
        # steps do not move it.
        self.ends_at = (started_at if started_at is not None else time.monotonic()) + max_duration if max_duration else None
        self.sent = 0
        self.throttle = ThrottleBudget(max_throttle_wait)
        self._next_at = 0.0
        self._lock = threading.Lock()
        self._flight = threading.Condition()
        self._in_flight = 0
        self.interrupted: str | None = None  # why the run was stopped by a signal: no request starts after it
        self.unanswered = 0  # requests in a row that got no answer (none came, or not whole, in time)
        self.last_answer_at = time.monotonic()

    def heard(self, answered: bool) -> None:
        """A request got its answer, or got none in time (or no connection)."""
        with self._lock:
            if answered:
                self.unanswered, self.last_answer_at = 0, time.monotonic()
            else:
                self.unanswered += 1

    def silent(self, timeout: float) -> str | None:
        """Why the target counts as gone silent: SILENT_REQUESTS requests in a row unanswered, and no answer for
        SILENT_TIMEOUTS request timeouts or SILENT_SECONDS, whichever is longer (requests sent together time out
        together: a burst is not silence)."""
        quiet = time.monotonic() - self.last_answer_at
        if self.unanswered < SILENT_REQUESTS or quiet < max(SILENT_TIMEOUTS * timeout, SILENT_SECONDS):
            return None
        return (f"the target stopped answering: {self.unanswered} requests in a row got no answer "
                f"within {timeout:g} s (--request-timeout), none for {quiet:.0f} s; the remaining checks were not run")

    def acquire(self) -> None:
        if self.interrupted is not None:
            raise Interrupted(self.interrupted)
        with self._lock:
            if self.ends_at is not None and time.monotonic() >= self.ends_at:
                raise DurationExceeded(
                    f"run time limit reached: {self.max_duration:g} s (--max-duration); the remaining checks were not run"
                )
            if self.sent >= self.max_requests:
                raise BudgetExhausted(
                    f"request budget exhausted: {self.max_requests} requests sent (--max-requests); "
                    "the remaining checks were not run"
                )
            self.sent += 1
            now = time.monotonic()
            wait = self._next_at - now
            self._next_at = max(now, self._next_at) + self.interval
        if wait > 0:
            time.sleep(wait)

    def slow_down(self, wait: float) -> None:
        """The target throttled: no request starts before `wait` has passed, the interval between requests doubles
        (from SLOWED_INTERVAL, at most SLOWEST_INTERVAL; once for the answers of one burst) and one request is in
        flight at a time, so that the run
        goes at a pace the target takes instead of spending --max-throttle-wait."""
        with self._lock:
            now = time.monotonic()
            if now >= self._next_at:  # not one more answer of a burst already throttled (those were in flight)
                self.interval = min(max(self.interval * 2, SLOWED_INTERVAL),
                                    max(SLOWEST_INTERVAL, self.base_interval))
            self._next_at = max(self._next_at, now + wait)
            self.slowed = True

    def recover(self) -> None:
        """An answer that was no throttle: the pace comes back towards --rate-limit (at most RECOVERED_INTERVAL) and
        --concurrency, answer by answer."""
        if not self.slowed:
            return
        with self._lock:
            self.interval *= RECOVERY
            if self.interval <= max(self.base_interval, RECOVERED_INTERVAL):
                # Concurrency comes back; the pace stays within what the target took (and --rate-limit).
                self.interval, self.slowed = max(self.base_interval, RECOVERED_INTERVAL), False
        if not self.slowed:
            with self._flight:
                self._flight.notify_all()

    @contextlib.contextmanager
    def in_flight(self) -> Iterator[None]:
        """One request on the wire: while the run is slowed down, it waits until no other is."""
        with self._flight:
            while self.slowed and self._in_flight > 0:
                self._flight.wait(0.5)
            self._in_flight += 1
        try:
            yield
        finally:
            with self._flight:
                self._in_flight -= 1
                self._flight.notify_all()

    def pause(self, seconds: float) -> None:
        """Sleep, but not past the end of --max-duration (the next acquire then stops the run)."""
        if self.ends_at is not None:
            seconds = min(seconds, max(0.0, self.ends_at - time.monotonic()))
        time.sleep(seconds)


@dataclass(frozen=True)
class Answer:
    """What one GET got back: from the target, or from a recording (--from-har)."""

    status_code: int
    headers: httpx.Headers
    body: bytes
    har_id: str | None = None
    elapsed: float | None = None  # a recorded answer's time


AUTH_NAMES = ("authorization", "x-api-key")
ERRORS = {"Unreachable": Unreachable, "TargetError": TargetError}  # recorded _error types, by name


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
    """GETs to the target; with a recorder every answer is also written to the run's HAR file, with a recording
    (--from-har) every answer comes from the file and no socket is opened."""

    def __init__(self, base_url: str, auth_header: str, timeout: float, limits: Limits,
                 keys: dict[str, str | None] | None = None, recorder: Recorder | None = None,
                 recording: Recording | None = None, concurrency: int = 1,
                 reuse: Callable[[int], bool] = lambda status: False, max_body: int = MAX_BODY_BYTES) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_body = max_body
        # Nothing answered yet: a target that starts cold (serverless, scale to zero) may outlast --request-timeout
        # once; its first request that times out is sent once more before anything fails.
        self._cold = True
        self.auth_header = auth_header
        self.timeout = timeout
        self.limits = limits
        self.tripped: dict[str, TargetError] = {}  # the Schemathesis layer's breaker: operation → what stopped it
        self.keys = dict(keys or {})  # name → key: what the auth labels of a recording tell apart
        self.recorder = recorder
        self.recording = recording
        self.default_headers = {"Accept": "application/json", "Accept-Encoding": ACCEPTED_CODINGS}
        self.concurrency = max(1, concurrency)
        self._pool: ThreadPoolExecutor | None = None
        self.answers = Answers(reuse)  # answers given once, given again to the same GET without sending it
        self.seen = edge.Seen()  # the target's answers as they came: which the edge wrote (edge.py)
        self._ahead: dict[tuple, Future[Answer]] = {}  # GETs sent ahead (send_ahead), by what tells them apart
        self._last_answered: tuple[str, dict[str, str]] | None = None  # the last GET the target answered
        self._lock = threading.Lock()
        # Content codings are decoded here, within the body bound (conformance/decoding.py), not by httpx.
        self._http = None if recording is not None else httpx.Client(
            timeout=timeout, follow_redirects=False, transport=bounded_transport(), headers=self.default_headers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if self._http is not None:
            self._http.close()
        if self.recorder is not None:
            self.recorder.close()

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
        url, sent, labels, same = self._prepared(path_or_url, params, headers)
        answer = None if fresh else self.answers.get(same)
        fetched = answer is None  # not an earlier answer given again: the seen take it in
        if fetched:
            with self._lock:
                sent_ahead = None if fresh else self._ahead.pop(same, None)
            answer = _result(sent_ahead) if sent_ahead is not None else None
            answer = answer or self._fetch(url, sent, labels)
            self.answers.keep(same, answer)
        masked = tuple((name, MASK if name in labels else value) for name, value in sent.items())
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
                  ) -> tuple[str, dict[str, str], dict[str, str | None], tuple]:
        """The URL, the headers, the auth labels, and what tells this GET from another (URL and the headers that
        change the answer)."""
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        if params:
            items = params.items() if isinstance(params, dict) else params
            flat = [(k, v) for k, vs in items for v in (vs if isinstance(vs, list) else [vs])]
            url += ("&" if "?" in url else "?") + urlencode([(k, _text(v)) for k, v in flat])
        headers = dict(headers or {})
        auth_names = (self.auth_header.lower(), *AUTH_NAMES)
        labels: dict[str, str | None] = {}
        for name, value in headers.items():
            if name.lower() in auth_names:
                REDACTOR.add(value)
                labels[name] = label(value, self.keys)
        same = (url, tuple(sorted((name.lower(), str(value)) for name, value in headers.items()
                                  if name.lower() not in INCIDENTAL_HEADERS)))
        return url, headers, labels, same

    def _fetch(self, url: str, headers: dict[str, str], labels: dict[str, str | None]) -> Answer:
        """One GET sent (again while the target throttles, as it asks or with a backoff; the run slows down)."""
        auth = self._auth(labels)
        answer = self._answer(url, headers, labels, auth)
        resent = 0
        while (wait := self._throttled(url, answer, resent)) is not None:
            if self.recording is None:
                self.limits.slow_down(wait)
                self.limits.pause(wait)
            resent += 1
            answer = self._answer(url, headers, labels, auth)
        if self.recording is None:
            self.limits.recover()
        return answer

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
            url, headers, labels, same = self._prepared(path_or_url, params, headers)
            with self._lock:
                if same in self._ahead or self.answers.has(same):
                    continue
                self._ahead[same] = self._executor().submit(self._fetch, url, headers, labels)
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

    def _warming(self) -> bool:
        """Whether a GET that timed out before any answer of the target is to be sent once more (once a run)."""
        with self._lock:
            cold, self._cold = self._cold, False
        return cold

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="conformance-get")
        return self._pool

    def _auth(self, labels: dict[str, str | None]) -> str | None:
        """The auth label a recording is matched on: the auth header's, and any other credential header's."""
        own = [v for n, v in labels.items() if n.lower() == self.auth_header.lower()]
        others = [f"{n}: {v}" for n, v in labels.items() if n.lower() != self.auth_header.lower()]
        parts = own + others
        return " + ".join(parts) if parts else None

    def _answer(self, url: str, headers: dict[str, str], labels: dict[str, str | None], auth: str | None) -> Answer:
        """One GET, from the recording or the target; recorded when --record is on."""
        if self.recording is not None:
            self.limits.acquire()
            return _replayed(self.recording.answer(url, auth))
        started_wall, started = time.time(), time.monotonic()
        try:
            response, body = self._send(url, headers)
        except BudgetExhausted:
            raise  # not sent: nothing to record
        except TargetError as exc:
            if self.recorder is not None:
                exc.har_id = self._record(url, headers, labels, auth, started_wall, time.monotonic() - started,
                                          0, [], b"", {"type": type(exc).__name__, "message": str(exc)})
            raise
        elapsed = time.monotonic() - started
        har_id = None
        if self.recorder is not None:
            har_id = self._record(url, headers, labels, auth, started_wall, elapsed, response.status_code,
                                  response.headers.multi_items(), body)
        return Answer(response.status_code, response.headers, body, har_id, elapsed)

    def _record(self, url: str, headers: dict[str, str], labels: dict[str, str | None], auth: str | None,
                started_wall: float, elapsed: float, status: int, response_headers: list[tuple[str, str]],
                body: bytes, error: dict[str, str] | None = None) -> str:
        entry_id = self.recorder.next_id()
        sent = [*self.default_headers.items(),
                *((name, labels[name] or MASK) if name in labels else (name, value) for name, value in headers.items())]
        self.recorder.write(har.entry(entry_id=entry_id, started_at=started_wall, seconds=elapsed, url=url,
                                      request_headers=sent, auth=auth, status=status,
                                      response_headers=response_headers, body=scrub_body(body), error=error))
        return entry_id

    def _throttled(self, url: str, response: Answer, resent: int = 0) -> float | None:
        """Seconds to wait before sending the GET again (`resent` times so far), or None when this answer is the
        answer."""
        told = told_wait(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                         datetime.now(timezone.utc), resent)
        if told is None:
            return None
        wait = self.limits.throttle.take(told)
        if wait is None:
            so_far = self.limits.throttle.so_far()
            asked = response.headers.get("retry-after")
            raise ThrottleExhausted(
                f"throttle wait limit reached: {self.limits.throttle.max_total:g} s (--max-throttle-wait); "
                f"the target answered {response.status_code}"
                + (f" with Retry-After: {REDACTOR.scrub(asked)[:40]}" if asked is not None else "")
                + f" for GET {url} after {so_far.waits} waits ({so_far.seconds:.0f} s); the remaining checks were not run"
            )
        return wait

    def _still_answers(self) -> bool:
        """Whether the target still answers a GET it answered before (requests that all hang may be of one kind,
        such as pages past an offset, while the target is up): sent once, within the request timeout."""
        if self._last_answered is None:
            return False
        url, headers = self._last_answered
        self.limits.acquire()
        try:
            with deadline(self.timeout), self._http.stream("GET", url, headers=headers) as response:
                read_body(response.iter_raw(), response.headers.get("content-encoding", ""), self.max_body)
        except (httpx.HTTPError, BodyError):
            self.limits.heard(False)
            return False
        self.limits.heard(True)
        return True

    def _send(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        # A server may close a kept-alive connection after an answer (uvicorn does after a 500); the next request
        # on it then fails before any byte comes back. GET is safe to send again, once, on a new connection.
        for attempt in (1, 2, 3):
            silent = self.limits.silent(self.timeout)
            if silent is not None and not self._still_answers():
                raise TargetSilent(silent)
            self.limits.acquire()
            answered = False
            try:
                with self.limits.in_flight(), deadline(self.timeout), \
                        self._http.stream("GET", url, headers=headers) as response:
                    answered = True
                    self._cold = False
                    raw = response.iter_raw()
                    body = read_body(raw, response.headers.get("content-encoding", ""), self.max_body)
                self.limits.heard(True)
                self._last_answered = (url, headers)
                return response, body
            except (httpx.TimeoutException, httpx.ConnectError) as exc:
                if isinstance(exc, httpx.TimeoutException) and not answered and self._warming():
                    continue
                self.limits.heard(False)
                raise_unanswered(url, self.timeout, answered)
            except BodyError as exc:
                self.limits.heard(True)
                problem = f"GET {url}: {exc}"
                if isinstance(exc, BodyTooLarge):
                    problem += f" (--max-body {self.max_body / 1024 / 1024:g} MiB)"
                break
            except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
                self.limits.heard(False)  # a reset: no answer either
                if attempt >= 2:
                    raise TargetError(f"GET {url}: {type(exc).__name__}: "
                                      f"{REDACTOR.scrub(str(exc)) or 'connection failed'}") from exc
            except httpx.HTTPError as exc:
                raise TargetError(f"GET {url}: {type(exc).__name__}: {REDACTOR.scrub(str(exc)) or 'connection failed'}") from exc
        # Raised out of the except block, unchained: a body error's traceback holds the frames that decoded it, with up
        # to the body bound in their locals, and every failed check would keep one alive.
        raise TargetError(problem)


def raise_unanswered(url: str, timeout: float, answered: bool) -> NoReturn:
    """The TargetError of a GET that got no answer in time: none at all (Unreachable), or not the whole of one."""
    exc = sys.exc_info()[1]
    if isinstance(exc, httpx.ConnectError):
        raise Unreachable(f"GET {url}: ConnectError: {REDACTOR.scrub(str(exc)) or 'connection failed'}") from exc
    if answered:
        raise TargetError(
            f"GET {url}: the answer did not complete within {timeout:g} s "
            "(--request-timeout bounds the whole request: connect, headers and body)"
        ) from exc
    raise Unreachable(f"GET {url}: no answer within {timeout:g} s (--request-timeout)") from exc


def _result(sent_ahead: Future[Answer]) -> Answer | None:
    """The answer a GET sent ahead got (its error raised), or None when it was cancelled before it was sent."""
    try:
        return sent_ahead.result()
    except CancelledError:
        return None


def _replayed(item: dict[str, Any]) -> Answer:
    """A recorded entry as the answer it records; a recorded failure raised again."""
    error = item.get("_error")
    if isinstance(error, dict):
        exc = ERRORS.get(str(error.get("type")), TargetError)(str(error.get("message", "no answer")))
        exc.har_id = item.get("_id")
        raise exc
    response = item["response"]
    seconds = item.get("time")
    return Answer(response["status"], httpx.Headers(har.response_headers(item)), har.body_of(response.get("content", {})),
                  item.get("_id"), seconds / 1000 if isinstance(seconds, (int, float)) and seconds >= 0 else None)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
