"""The client's bounds that a deployment may legitimately exceed: the body size (--max-body), and a cold start."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from conformance.client import Client, Limits, TargetError, Unreachable
from fakes import http_server, serving


def client_for(url: str, timeout: float = 5.0, max_body: int = 8 * 1024 * 1024) -> Client:
    return Client(url, "X-API-Key", timeout, Limits(max_requests=10, rate_per_second=None), max_body=max_body)


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
