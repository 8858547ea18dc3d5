"""The target over the network: one GET, its answer read whole, decoded and within --max-body, all of it (connect,
TLS, headers and body) within one deadline of --request-timeout.

It raises what httpx's own transport raises (httpx.ConnectError, httpx.ReadTimeout …), and two kinds of its own:
Unfinished (the answer began, its body did not end in time) and httpx.DecodingError (a body over the bound or in a
coding not asked for). The layers above tell them apart; resend.py says them as the suite's errors.
"""

from __future__ import annotations

import time

import httpcore
import httpx

from conformance.transport.base import ELAPSED, answer
from conformance.transport.deadlines import connection_pool, deadline
from conformance.transport.decoding import BodyError, BodyTooLarge, read_body

# httpcore's errors as httpx says them, the most specific first (httpx's transport maps them the same way).
HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)
STAGES = ("connect", "read", "write", "pool")  # each socket operation waits at most --request-timeout (and the deadline)


class Unfinished(httpx.ReadTimeout):
    """The answer's status and headers came, its body did not end within the request's deadline."""


class Live(httpx.BaseTransport):
    """GETs over a pool of connections that honour the request's deadline."""

    def __init__(self, timeout: float, max_body: int) -> None:
        self.timeout = timeout
        self.max_body = max_body
        # As httpx.HTTPTransport sets up its pool (its default limits, SSL_CERT_FILE/SSL_CERT_DIR honoured).
        self._pool = connection_pool(ssl_context=httpx.create_ssl_context(), max_connections=100,
                                     max_keepalive_connections=20, keepalive_expiry=5.0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        target = httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path)
        started, answered, problem = time.monotonic(), False, None
        try:
            with deadline(self.timeout), self._pool.stream(
                    request.method, target, headers=request.headers.raw,
                    extensions={"timeout": dict.fromkeys(STAGES, self.timeout)}) as response:
                answered = True
                coding = b", ".join(value for name, value in response.headers if name.lower() == b"content-encoding")
                body = read_body(response.iter_stream(), coding.decode("latin-1"), self.max_body)
        except BodyError as exc:
            problem = str(exc) + (f" (--max-body {self.max_body / 1024 / 1024:g} MiB)"
                                  if isinstance(exc, BodyTooLarge) else "")
        except Exception as exc:  # noqa: BLE001 - said as httpx says it, or raised as it is
            said = Unfinished if answered and isinstance(exc, httpcore.TimeoutException) else next(
                (ours for theirs, ours in HTTPX_ERRORS if isinstance(exc, theirs)), None)
            if said is None:
                raise
            raise said(str(exc), request=request) from exc
        if problem is not None:
            # Raised out of the except block, unchained: a body error's traceback holds the frames that decoded it,
            # with up to the body bound in their locals, and every failed check would keep one alive.
            raise httpx.DecodingError(problem, request=request)
        return answer(request, response.status, response.headers, body, **{ELAPSED: time.monotonic() - started})

    def close(self) -> None:
        self._pool.close()
