"""A GET sent again when its failure may be the network's rather than the target's, and the failure that stays said
as the suite's error (TargetError, Unreachable) with the request and the option that bounds it.

Sent again: after a reset, once (a server may close a kept-alive connection after an answer — uvicorn does after a
500 — and the next request on it fails before any byte comes back; a GET is safe to send again, on a new
connection); and the first GET of a run that timed out before any answer of the target (a target that starts cold,
serverless or scaled to zero, may outlast --request-timeout once).
"""

from __future__ import annotations

import sys
import threading
from typing import NoReturn

import httpx

from conformance.masking import REDACTOR
from conformance.transport.base import Layer
from conformance.transport.errors import TargetError, Unreachable
from conformance.transport.live import Unfinished

RESET = (httpx.ReadError, httpx.RemoteProtocolError)


class Resent(Layer):
    """A GET sent again after a reset (once) or the run's first timeout before any answer; what fails for good is
    raised as a TargetError (Unreachable when no answer came at all)."""

    def __init__(self, inner: httpx.BaseTransport, timeout: float) -> None:
        super().__init__(inner)
        self.timeout = timeout
        self._cold = True  # nothing answered yet in this run
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url, problem = request.url, None
        for attempt in (1, 2, 3):
            try:
                response = self.inner.handle_request(request)
            except (httpx.TimeoutException, httpx.ConnectError) as exc:
                if isinstance(exc, Unfinished):
                    self._cold = False
                elif isinstance(exc, httpx.TimeoutException) and self._warming():
                    continue
                raise_unanswered(url, self.timeout)
            except httpx.DecodingError as exc:
                self._cold = False
                problem = f"GET {url}: {exc}"
                break
            except RESET as exc:
                if attempt >= 2:
                    raise TargetError(f"GET {url}: {type(exc).__name__}: "
                                      f"{REDACTOR.scrub(str(exc)) or 'connection failed'}") from exc
            except httpx.HTTPError as exc:
                raise TargetError(f"GET {url}: {type(exc).__name__}: {REDACTOR.scrub(str(exc)) or 'connection failed'}") from exc
            else:
                self._cold = False
                return response
        # Raised out of the except block, unchained: see live.py.
        raise TargetError(problem)

    def _warming(self) -> bool:
        """Whether a GET that timed out before any answer of the target is to be sent once more (once a run)."""
        with self._lock:
            cold, self._cold = self._cold, False
        return cold


def raise_unanswered(url: httpx.URL, timeout: float) -> NoReturn:
    """The TargetError of a GET that got no answer in time: none at all (Unreachable), or not the whole of one."""
    exc = sys.exc_info()[1]
    if isinstance(exc, httpx.ConnectError):
        raise Unreachable(f"GET {url}: ConnectError: {REDACTOR.scrub(str(exc)) or 'connection failed'}") from exc
    if isinstance(exc, Unfinished):
        raise TargetError(
            f"GET {url}: the answer did not complete within {timeout:g} s "
            "(--request-timeout bounds the whole request: connect, headers and body)"
        ) from exc
    raise Unreachable(f"GET {url}: no answer within {timeout:g} s (--request-timeout)") from exc
