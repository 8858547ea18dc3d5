"""Run an ASGI app with uvicorn in a background thread, for tests and the CLI."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass(frozen=True)
class RunningServer:
    url: str  # e.g. http://127.0.0.1:43817
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving; requests still running after 1 s are cancelled (so a hung handler cannot block)."""
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise RuntimeError(f"the server at {self.url} did not stop within {timeout} s")


def start_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0) -> RunningServer:
    """Serve `app` on host:port (0: a free port) and return once it accepts connections."""
    # Binding here rather than in uvicorn is what tells us the real port when port is 0.
    # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say so, and without it
    # every keep-alive response waits ~40 ms for a delayed ACK.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=1, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="reference-server")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server thread exited before it started listening; see the log above")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the server did not start listening within {timeout} s")
        time.sleep(0.01)
    bound_host, bound_port = sock.getsockname()[:2]
    return RunningServer(f"http://{f'[{bound_host}]' if ':' in bound_host else bound_host}:{bound_port}", server, thread)


def with_latency(app: ASGIApp, seconds: float) -> ASGIApp:
    """`app` answering each request `seconds` late, as a deployment across a network does (requests in flight
    together wait together)."""

    async def delayed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(seconds)
        await app(scope, receive, send)

    return delayed
