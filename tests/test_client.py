"""The client over its transport; the bounds that a deployment may legitimately exceed: the body size (--max-body),
and a cold start."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from conformance.client import Client
from conformance.masking import REDACTOR
from conformance.transport.base import ELAPSED, HAR_ID, answer
from conformance.transport import stack
from conformance.transport.errors import TargetError, Unreachable
from conformance.transport.limits import Limits
from fakes import http_server, serving


def client_for(url: str, timeout: float = 5.0, max_body: int = 8 * 1024 * 1024) -> Client:
    limits = Limits(max_requests=10, rate_per_second=None)
    return Client(url, "X-API-Key", stack.live(limits, timeout, max_body, "X-API-Key", {}), limits)


def test_a_body_over_max_body_is_refused_naming_the_option_and_a_larger_cap_reads_it():
    with http_server(200, "application/json", b"[" + b"0," * 600_000 + b"0]") as url:  # 1.2 MB
        small = client_for(url, max_body=1024 * 1024)
        with pytest.raises(TargetError, match=r"larger than 1048576 bytes.*--max-body 1 MiB"):
            small.get_messages("c1")
        small.close()
        large = client_for(url, max_body=2 * 1024 * 1024)
        assert large.get_messages("c1").status == 200
        large.close()


class ColdStart(BaseHTTPRequestHandler):
    """Its first answer comes after `delay` seconds (a serverless start), every later one at once."""

    delay = 2.0
    asked: list[str] = []
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        with self.lock:
            self.asked.append(self.path)
            first = len(self.asked) == 1
        if first:
            time.sleep(self.delay)
        body = b"[]"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


def test_a_first_request_that_times_out_is_sent_once_more_before_anything_fails():
    ColdStart.asked = []
    with serving(ColdStart) as url:
        client = client_for(url, timeout=0.5)
        assert client.get_messages("c1").status == 200  # the cold start outlasted the timeout once
        client.close()
    assert len(ColdStart.asked) == 2


def test_only_the_first_timeout_of_a_run_is_forgiven():
    ColdStart.asked = []
    with serving(ColdStart) as url:
        client = client_for(url, timeout=0.5)
        client.get_messages("c1")
        ColdStart.asked = []  # the next first request is slow again: the target is warm by now, so it fails
        with pytest.raises(Unreachable, match="no answer within 0.5 s"):
            client.get_messages("c2")
        client.close()
    assert len(ColdStart.asked) == 1


def test_the_client_sends_through_its_transport_and_hands_back_what_the_stack_read():
    """No socket: the stack's answer holds its body decoded (here with the target's gzip header kept), its time and
    its HAR entry; the exchange shows the request without its key."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer(request, 200, [("Content-Encoding", "gzip"), ("Content-Type", "application/json")], b"[]",
                      **{HAR_ID: "main-7", ELAPSED: 0.5})

    limits = Limits(max_requests=10, rate_per_second=None)
    client = Client("http://target.test/", "X-Token", httpx.MockTransport(handle), limits)
    exchange = client.get_messages("c 1", {"limit": 5, "flag": True}, key="secret-key-123")
    client.close()
    assert exchange.url == "http://target.test/api/v1/chats/c%201/messages?limit=5&flag=true"
    assert exchange.body == b"[]" and exchange.headers["content-encoding"] == "gzip"
    assert (exchange.har_id, exchange.elapsed) == ("main-7", 0.5)
    assert exchange.request_headers == (("X-Token", "***"),)
    assert sent[0].headers["x-token"] == "secret-key-123" and sent[0].headers["accept"] == "application/json"
    assert REDACTOR.scrub("echo secret-key-123") == "echo ***"
