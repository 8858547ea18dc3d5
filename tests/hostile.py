"""Hostile targets on loopback: a trickling body, slow answers, nesting, duplicate keys, key echoes, a gzip bomb; and
the reference server behind a path prefix, as a gateway serves it. Each is a context manager yielding its base URL."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import threading
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

from reference.serve import start_in_thread

EMPTY_PAGE = json.dumps({"messages": [], "total": 0, "offset": 0, "limit": 50, "has_more": False}).encode()
KEY_HEADERS = ("X-API-Key", "Authorization")


@contextlib.contextmanager
def _serving(answer: Callable[[BaseHTTPRequestHandler, threading.Event], None]) -> Iterator[str]:
    """Every GET is answered by `answer(handler, stopping)`; stopping is set when the block ends, so that an
    answer that never finishes by itself (a trickle, a delay) ends then."""
    stopping = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            try:
                answer(self, stopping)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the suite gave up on this answer: as it should

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False  # close does not wait for answers still being sent
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, length: int | None = None,
          **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


@contextlib.contextmanager
def trickle_server(interval: float = 1.0) -> Iterator[str]:
    """Status 200, application/json and a Content-Length of 1,000,000, then one byte every `interval` seconds,
    forever."""

    def answer(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        _send(handler, 200, b"[", length=1_000_000)
        while not stopping.wait(interval):
            handler.wfile.write(b" ")
            handler.wfile.flush()

    with _serving(answer) as url:
        yield url


@contextlib.contextmanager
def header_trickle_server(interval: float = 0.25) -> Iterator[str]:
    """A status line, then the headers one byte every `interval` seconds, never ending."""

    def answer(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while not stopping.wait(interval):
            handler.wfile.write(b"x")
            handler.wfile.flush()

    with _serving(answer) as url:
        yield url


@contextlib.contextmanager
def slow_server(delay: float) -> Iterator[str]:
    """An empty tenant-key page after `delay` seconds, for every GET."""

    def answer(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        if not stopping.wait(delay):
            _send(handler, 200, EMPTY_PAGE)

    with _serving(answer) as url:
        yield url


@contextlib.contextmanager
def silent_after_server(answered: int = 10) -> Iterator[str]:
    """An empty tenant-key page to the first `answered` GETs; then no answer at all, ever (a leaked connection
    pool: every later request waits out its timeout)."""
    lock, count = threading.Lock(), [0]

    def answer(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        with lock:
            count[0] += 1
            quiet = count[0] > answered
        if not quiet:
            _send(handler, 200, EMPTY_PAGE)
            return
        stopping.wait()

    with _serving(answer) as url:
        yield url


@contextlib.contextmanager
def nested_json_server(depth: int = 100_000, closed: bool = True) -> Iterator[str]:
    """200, application/json, `depth` opening brackets (and as many closing ones)."""
    body = b"[" * depth + (b"]" * depth if closed else b"")
    with _serving(lambda handler, _: _send(handler, 200, body)) as url:
        yield url


@contextlib.contextmanager
def duplicate_key_server() -> Iterator[str]:
    """200, a tenant-key page whose `total` appears twice: 999, then 0."""
    body = b'{"messages": [], "total": 999, "offset": 0, "limit": 50, "has_more": false, "total": 0}'
    with _serving(lambda handler, _: _send(handler, 200, body)) as url:
        yield url


def key_encodings(key: str) -> dict[str, str]:
    """The forms in which a target may echo a key: raw, percent-encoded, base64 and base64url (padded or not),
    hex (either case)."""
    raw = key.encode("utf-8")
    b64, b64url = base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()
    return {"raw": key, "pct": quote(key, safe=""), "b64": b64, "b64_nopad": b64.rstrip("="), "b64url": b64url,
            "b64url_nopad": b64url.rstrip("="), "hex": raw.hex(), "HEX": raw.hex().upper()}


@contextlib.contextmanager
def echo_key_server() -> Iterator[str]:
    """An empty page to the first request (the preflight: the target answers, the key is accepted); then 401 to
    every request, its JSON body echoing the received key in every form of key_encodings."""
    answered = threading.Event()
    lock = threading.Lock()

    def answer(handler: BaseHTTPRequestHandler, _: threading.Event) -> None:
        with lock:
            first = not answered.is_set()
            answered.set()
        if first:
            _send(handler, 200, EMPTY_PAGE)
            return
        key = next((handler.headers[h] for h in KEY_HEADERS if handler.headers.get(h) is not None), None)
        body = {"error": "bad key"} if key is None else {"error": "bad key", **key_encodings(key)}
        _send(handler, 401, json.dumps(body).encode())

    with _serving(answer) as url:
        yield url


BOMB_INFLATED = 1 << 30  # bytes of spaces the body inflates to


@functools.cache
def gzip_bomb(layers: int = 1) -> bytes:
    """A gzip member that inflates to 1 GiB of spaces (about 1 MB), gzipped again for each further layer (two
    layers: about 2 KB); compressed piecewise, never held inflated."""
    if layers > 1:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        return packer.compress(gzip_bomb(layers - 1)) + packer.flush()
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
    piece = b" " * (1 << 20)
    return b"".join(packer.compress(piece) for _ in range(BOMB_INFLATED // len(piece))) + packer.flush()


@contextlib.contextmanager
def gzip_bomb_server(layers: int = 1) -> Iterator[str]:
    """200, application/json, the gzip_bomb(layers) body with `Content-Encoding: gzip` (`gzip, gzip` for two
    layers: a client that decodes each read whole then holds the whole GiB at once)."""
    body = gzip_bomb(layers)
    coding = ", ".join(["gzip"] * layers)
    with _serving(lambda handler, _: _send(handler, 200, body, Content_Encoding=coding)) as url:
        yield url


class PathPrefix:
    """ASGI middleware: a gateway that serves the app under `prefix` (stripped before the app sees the path);
    any other path is a 404."""

    def __init__(self, app, prefix: str) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if not path.startswith(self.prefix + "/"):
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": b'{"error": "no route (gateway)"}'})
            return
        raw_path = scope.get("raw_path")
        inner = dict(scope, path=path[len(self.prefix):])
        if raw_path is not None:
            inner["raw_path"] = raw_path[len(self.prefix.encode()):]
        await self.app(inner, receive, send)


@contextlib.contextmanager
def prefixed_reference(prefix: str = "/gw", profile: str = "tenant-key") -> Iterator[str]:
    """The reference server behind a gateway that serves it under `prefix`; yields the base URL, prefix included."""
    from harness import shipped_dataset
    from reference.app import create_app

    running = start_in_thread(PathPrefix(create_app(shipped_dataset(profile), profile), prefix))
    try:
        yield running.url + prefix
    finally:
        running.stop()

