"""A target that says "not now" (429, or 503): how long to wait before sending the GET again.

A gateway's rate limit often says nothing of when to come back (nginx's limit_req answers 503, or 429, without
Retry-After): such an answer is waited out with a backoff (1 s, 2 s, 4 s … at most MAX_BACKOFF) and the GET sent
again. A 503 without Retry-After is given UNAVAILABLE_RESENDS resends; one that still comes back is the answer (a
server error that repeats). Waiting is bounded: each wait by MAX_WAIT, the wall-clock time the process spends
waiting (concurrent waits counted once) by --max-throttle-wait. A target that keeps throttling past that stops the
run (ThrottleExhausted, a budget stop), so the run still ends. The Throttled layer does so for each GET.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import httpx

from conformance.masking import REDACTOR
from conformance.transport.base import Layer
from conformance.transport.errors import ThrottleExhausted

if TYPE_CHECKING:
    from conformance.transport.limits import Limits

THROTTLED = 429  # Too Many Requests: waited out, with or without Retry-After
UNAVAILABLE = 503  # Service Unavailable: waited out as it says, or with a backoff UNAVAILABLE_RESENDS times
BACKOFF = 1.0  # seconds to wait after the first 429 or 503 that does not say how long; doubled at each resend
MAX_BACKOFF = 8.0  # seconds: the longest backoff of an answer that does not say how long
UNAVAILABLE_RESENDS = 2  # a 503 without Retry-After is sent again this often (1 s, 2 s), then it is the answer
ASCTIME = "%a %b %d %H:%M:%S %Y"  # RFC 9110's obsolete asctime form (RFC 850's is read by email.utils)


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait by a Retry-After value (RFC 9110 §10.2.3): delta-seconds or an HTTP-date (≥ 0);
    None when there is no value or it is neither."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    when = _http_date(text)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def _http_date(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            when = datetime.strptime(" ".join(text.split()), ASCTIME)
        except ValueError:
            return None
    # An HTTP-date is in GMT; a date written without a zone is read as GMT too.
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def told_wait(status: int, headers: dict[str, str], now: datetime, resent: int = 0) -> float | None:
    """How long the target asks to be left alone before the same GET, or None when its answer is the answer.

    `resent`: how often this GET was sent again already. A 429 always asks, a 503 with a readable Retry-After too;
    without one, each waits a backoff (BACKOFF doubled per resend, at most MAX_BACKOFF), and a 503 only for its
    first UNAVAILABLE_RESENDS resends (then it is a server error that repeats)."""
    if status not in (THROTTLED, UNAVAILABLE):
        return None
    told = retry_after(headers.get("retry-after"), now)
    if told is not None:
        return told
    if status == UNAVAILABLE and resent >= UNAVAILABLE_RESENDS:
        return None
    return min(BACKOFF * 2 ** resent, MAX_BACKOFF)


class Throttled(Layer):
    """A GET answered "not now" waited out and sent again, each resend within the limits; the answer handed up is
    never such a "not now". Paced (a live run): the run slows down after a throttle and recovers answer by answer. A
    replay is not paced: the recording's time has passed, its waits are counted, not waited."""

    def __init__(self, inner: httpx.BaseTransport, limits: Limits, paced: bool = True) -> None:
        super().__init__(inner)
        self.limits = limits
        self.paced = paced

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        resent = 0
        while (wait := self._wait(request, response, resent)) is not None:
            if self.paced:
                self.limits.slow_down(wait)
                self.limits.pause(wait)
            resent += 1
            response = self.inner.handle_request(request)
        if self.paced:
            self.limits.recover()
        return response

    def _wait(self, request: httpx.Request, response: httpx.Response, resent: int) -> float | None:
        """Seconds to wait before sending the GET again (`resent` times so far), or None when this answer is the
        answer."""
        told = told_wait(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                         datetime.now(timezone.utc), resent)
        if told is None:
            return None
        budget = self.limits.throttle
        wait = budget.take(told)
        if wait is None:
            so_far = budget.so_far()
            asked = response.headers.get("retry-after")
            raise ThrottleExhausted(
                f"throttle wait limit reached: {budget.max_total:g} s (--max-throttle-wait); "
                f"the target answered {response.status_code}"
                + (f" with Retry-After: {REDACTOR.scrub(asked)[:40]}" if asked is not None else "")
                + f" for GET {request.url} after {so_far.waits} waits ({so_far.seconds:.0f} s); "
                "the remaining checks were not run"
            )
        return wait
