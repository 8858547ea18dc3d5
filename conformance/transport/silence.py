"""A target gone silent: requests in a row that get no answer stop the run, rather than each waiting out
--request-timeout. A target that leaves some requests unanswered is judged, not stopped."""

from __future__ import annotations

import threading
import time

import httpx

from conformance.transport.base import Layer
from conformance.transport.errors import TargetSilent

SILENT_REQUESTS = 3  # requests in a row without an answer, and
SILENT_TIMEOUTS = 3  # request timeouts without any answer (and at least SILENT_SECONDS), after which the target
SILENT_SECONDS = 10.0  # counts as gone silent

# Failures that mean no answer came (none, or not whole, in time; no connection; a reset); an answer whose body was
# refused (httpx.DecodingError) came.
NO_ANSWER = (httpx.TimeoutException, httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)


class Watched(Layer):
    """Each GET's outcome heard; before a GET, a target silent for long enough is asked once more what it answered
    last (requests that all hang may be of one kind, such as pages past an offset, while the target is up), and the
    run stops (TargetSilent) when that gets no answer either."""

    def __init__(self, inner: httpx.BaseTransport, timeout: float) -> None:
        super().__init__(inner)
        self.timeout = timeout
        self.unanswered = 0  # requests in a row that got no answer
        self.last_answer_at = time.monotonic()
        self._last_answered: httpx.Request | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        silent = self.silent()
        if silent is not None and not self._still_answers():
            raise TargetSilent(silent)
        try:
            response = self.inner.handle_request(request)
        except NO_ANSWER:
            self.heard(False)
            raise
        except httpx.DecodingError:
            self.heard(True)
            raise
        self.heard(True)
        self._last_answered = request
        return response

    def heard(self, answered: bool) -> None:
        """A request got its answer, or got none in time (or no connection)."""
        with self._lock:
            if answered:
                self.unanswered, self.last_answer_at = 0, time.monotonic()
            else:
                self.unanswered += 1

    def silent(self) -> str | None:
        """Why the target counts as gone silent: SILENT_REQUESTS requests in a row unanswered, and no answer for
        SILENT_TIMEOUTS request timeouts or SILENT_SECONDS, whichever is longer (requests sent together time out
        together: a burst is not silence)."""
        quiet = time.monotonic() - self.last_answer_at
        if self.unanswered < SILENT_REQUESTS or quiet < max(SILENT_TIMEOUTS * self.timeout, SILENT_SECONDS):
            return None
        return (f"the target stopped answering: {self.unanswered} requests in a row got no answer "
                f"within {self.timeout:g} s (--request-timeout), none for {quiet:.0f} s; the remaining checks were not run")

    def _still_answers(self) -> bool:
        """Whether the target still answers the last GET it answered: sent once more, within the limits."""
        if self._last_answered is None:
            return False
        try:
            self.inner.handle_request(self._last_answered)
        except httpx.HTTPError:
            self.heard(False)
            return False
        self.heard(True)
        return True
