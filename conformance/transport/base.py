"""What every layer of the stack shares: the transport it wraps, and the answer it hands up.

An answer is an httpx.Response whose stream holds the body already read whole and decoded (by the live transport,
within --max-body, or from a recording): read it with `body_of`, never with `.read()`, which would decode it again
by its Content-Encoding. Its extensions carry the time it took and, once recorded, its HAR entry.
"""

from __future__ import annotations

from typing import Any

import httpx

ELAPSED = "elapsed"  # extension: seconds the answer took (a recorded answer's, as recorded)
HAR_ID = "har_id"  # extension: the answer's entry in the HAR file (--record, --from-har)


class Layer(httpx.BaseTransport):
    """A transport over another: what it adds around `inner.handle_request`; closing it closes the inner one."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def close(self) -> None:
        self.inner.close()


def answer(request: httpx.Request, status: int, headers: Any, body: bytes, **extensions: Any) -> httpx.Response:
    """An answer of the stack to `request`: the headers as the target sent them, the body decoded."""
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body), request=request,
                          extensions=extensions)


def body_of(response: httpx.Response) -> bytes:
    """The decoded body of an answer of the stack (its stream can be read again)."""
    return b"".join(response.stream)
