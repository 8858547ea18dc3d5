"""The network transport: the body read whole, decoded, within --max-body, by one deadline (loopback servers)."""

from __future__ import annotations

import gzip
import time
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from conformance.transport.base import ELAPSED, body_of
from conformance.transport.live import Live, Unfinished
from fakes import closed_port_url, http_server, serving
from hostile import gzip_bomb_server, header_trickle_server, trickle_server

PAGE = b'{"messages": [], "total": 0, "offset": 0, "limit": 50, "has_more": false}'


def get(transport: httpx.BaseTransport, url: str) -> httpx.Response:
    return transport.handle_request(httpx.Request("GET", url + "/api/v1/chats/c1/messages"))


class Gzipped(BaseHTTPRequestHandler):
    """A page, gzip-coded, its Content-Encoding said."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = gzip.compress(PAGE)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_an_answer_holds_the_target_s_headers_and_its_body_decoded():
    live = Live(timeout=5.0, max_body=1 << 20)
    with serving(Gzipped) as url:
        response = get(live, url)
    live.close()
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert body_of(response) == PAGE and body_of(response) == PAGE  # read again: the same
    assert response.extensions[ELAPSED] >= 0


def test_a_body_over_the_bound_is_a_decoding_error_naming_the_option():
    live = Live(timeout=5.0, max_body=1024 * 1024)
    with http_server(200, "application/json", b"[" + b"0," * 600_000 + b"0]") as url:
        with pytest.raises(httpx.DecodingError, match=r"larger than 1048576 bytes.*\(--max-body 1 MiB\)") as caught:
            get(live, url)
    live.close()
    assert caught.value.__context__ is None  # nothing holds the frames that read the body


def test_a_gzip_bomb_is_refused_once_decoded_past_the_bound():
    live = Live(timeout=10.0, max_body=8 * 1024 * 1024)
    with gzip_bomb_server() as url, pytest.raises(httpx.DecodingError, match="once gzip-decoded"):
        get(live, url)
    live.close()


def test_a_trickling_body_ends_within_the_request_s_deadline_as_unfinished():
    """A byte every 0.2 s keeps every read short; the deadline of the whole request still ends it."""
    live = Live(timeout=1.0, max_body=1 << 20)
    with trickle_server(0.2) as url:
        started = time.monotonic()
        with pytest.raises(Unfinished):
            get(live, url)
        took = time.monotonic() - started
    live.close()
    assert took < 5.0


def test_headers_that_never_end_are_a_timeout_before_any_answer():
    live = Live(timeout=1.0, max_body=1 << 20)
    with header_trickle_server() as url:
        with pytest.raises(httpx.TimeoutException) as caught:
            get(live, url)
    live.close()
    assert not isinstance(caught.value, Unfinished)


def test_a_refused_connection_is_httpx_s_connect_error():
    live = Live(timeout=2.0, max_body=1 << 20)
    with pytest.raises(httpx.ConnectError):
        get(live, closed_port_url())
    live.close()
