"""Targets that misbehave on purpose, on loopback: silent, garbage, enormous; a method-recording wrapper; and a
scripted inner transport for the layers of conformance/transport/."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from conformance.masking import Redactor
from reference.serve import start_in_thread


def closed_port_url() -> str:
    """A loopback URL where nothing listens (the port was bound, never listened on, and released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def silent_server(reset: bool = False) -> Iterator[str]:
    """Accepts connections, reads, never answers (or, with reset, drops each connection at once)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            if reset:
                # SO_LINGER 0: close sends a TCP reset instead of a clean end
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            else:
                held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        for conn in held:
            conn.close()


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` on a free loopback port, in a thread; yields the base URL and stops the server after."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def http_server(status: int, content_type: str, body: bytes, repeat: int = 1) -> Iterator[str]:
    """Answers every GET with the same status, content type and body (sent `repeat` times)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body) * repeat))
            self.end_headers()
            try:
                for _ in range(repeat):
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        yield url


class MethodRecorder:
    """ASGI middleware counting the methods (and requests) that reach the wrapped app."""

    def __init__(self, app) -> None:
        self.app = app
        self.methods: Counter[str] = Counter()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.methods[scope["method"]] += 1
        await self.app(scope, receive, send)


@contextlib.contextmanager
def recorded_reference(profile: str = "tenant-key") -> Iterator[tuple[str, MethodRecorder]]:
    from conformance.dataset import load_dataset
    from conformance.profiles import default_dataset_path
    from reference.app import create_app

    recorder = MethodRecorder(create_app(load_dataset(default_dataset_path(profile), profile), profile))
    running = start_in_thread(recorder)
    try:
        yield running.url, recorder
    finally:
        running.stop()


@contextlib.contextmanager
def scripted_server(*answers: tuple[int, dict[str, str], bytes]) -> Iterator[tuple[str, list[str]]]:
    """Answers the n-th GET with the n-th (status, headers, body), every later one with the last; yields the URL
    and the paths asked for, in order."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            status, headers, body = answers[min(len(asked), len(answers) - 1)]
            asked.append(self.path)
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        yield url, asked


def scripted_transport(*outcomes: int | tuple[int, dict[str, str], bytes] | BaseException
                       ) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """An inner transport for a layer's test, no socket: each request gets the next outcome (a status, a status with
    headers and body, or an exception raised), the last again once they run out; the requests it got, in order."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        outcome = outcomes[min(len(sent), len(outcomes) - 1)]
        sent.append(request)
        if isinstance(outcome, BaseException):
            raise outcome
        status, headers, body = (outcome, {}, b"{}") if isinstance(outcome, int) else outcome
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body), request=request)

    return httpx.MockTransport(handle), sent


def own_redactor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recording layer with a redactor of the test's own (a fixture): what other tests of the process taught the
    shared one (a label read as an auth header's value of captured traffic) masks nothing there."""
    monkeypatch.setattr("conformance.transport.recording.REDACTOR", Redactor())
