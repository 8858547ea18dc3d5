"""The bounds of a run on what it sends: a request cap, an optional rate, its wall time, one request in flight at a
time while the target throttles, and a stop once a signal came. One Limits is shared by every request of the process;
the Limited layer holds each GET the stack sends to it."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import httpx

from conformance.transport.base import Layer
from conformance.transport.errors import BudgetExhausted, DurationExceeded, Interrupted
from conformance.transport.budget import ThrottleBudget

SLOWED_INTERVAL = 0.1  # seconds between requests after the first throttle of a run with no --rate-limit (10/s)
SLOWEST_INTERVAL = 1.0  # however often the target throttles, the run still sends a request a second
RECOVERY = 0.9  # each answer that is not a throttle shortens the interval by this factor, back to --rate-limit
RECOVERED_INTERVAL = 0.025  # a run once throttled stays at 40 requests a second at most: no burst to throttle again


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


class Limited(Layer):
    """Each GET within the limits: counted against --max-requests, spaced by the rate, refused past --max-duration
    or a signal, and alone on the wire while the run is slowed down."""

    def __init__(self, inner: httpx.BaseTransport, limits: Limits) -> None:
        super().__init__(inner)
        self.limits = limits

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.limits.acquire()
        with self.limits.in_flight():
            return self.inner.handle_request(request)
