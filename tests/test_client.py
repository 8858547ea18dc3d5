"""The client over its transport; the bounds that a deployment may legitimately exceed: the body size (--max-body),
and a cold start."""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from conformance.client import Client, reusable
from conformance.masking import REDACTOR
from conformance.transport import stack
from conformance.transport.base import ELAPSED, HAR_ID, answer
from conformance.transport.errors import BudgetExhausted, TargetError, Unreachable
from conformance.transport.limits import Limits
from fakes import http_server, recorded_reference, scripted_server, serving
from harness import run_suite


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


# ------------------------------------------------------------------ answers given again, GETs sent ahead (Answers)

PAGE_OK = (200, {}, b'{"messages": [], "total": 0, "offset": 0, "limit": 50, "has_more": false}')


def reusing_client(url: str, fixed_data: bool = True, max_requests: int = 100, concurrency: int = 4) -> Client:
    limits = Limits(max_requests=max_requests, rate_per_second=None)
    return Client(url, "X-API-Key", stack.live(limits, 5.0, 1 << 20, "X-API-Key", {}), limits,
                  concurrency=concurrency, reuse=reusable(fixed_data))


@pytest.mark.parametrize(("fixed_data", "status", "reused"), [
    (True, 200, True), (True, 400, True), (True, 404, True), (True, 500, False), (True, 502, False),
    (False, 200, False), (False, 400, True), (False, 401, True), (False, 500, False),
])
def test_an_identical_get_is_answered_again_only_when_its_answer_cannot_have_changed(fixed_data, status, reused):
    """With a fixed dataset any answer but a server error (or a throttling one) stands for the run; on a chat that
    may be live, only refusals do: a 200 page is read again."""
    with scripted_server((status, {}, b"{}")) as (url, asked):
        client = reusing_client(url, fixed_data)
        first = client.get_messages("c1", {"limit": 5}, key="k-1")
        second = client.get_messages("c1", {"limit": 5}, key="k-1")
        client.close()
    assert first.status == second.status == status
    assert len(asked) == (1 if reused else 2)
    assert client.answers.given == (1 if reused else 0)


def test_another_key_query_or_header_is_another_get_and_fresh_always_sends():
    with scripted_server(PAGE_OK) as (url, asked):
        client = reusing_client(url)
        client.get_messages("c1", {"limit": 5}, key="k-1")
        client.get_messages("c1", {"limit": 5}, key="k-2")
        client.get_messages("c1", {"limit": 6}, key="k-1")
        client.get_messages("c1", None, key="k-1")
        client.get(client.messages_path("c1"), {"limit": 5}, {"X-API-Key": "k-1", "X-Other": "1"})
        # Schemathesis's own headers (agent, case id, Accept */*) do not make another GET.
        client.get(client.messages_path("c1"), {"limit": 5}, {"X-API-Key": "k-1", "User-Agent": "schemathesis/4",
                                                              "X-Schemathesis-TestCaseId": "abc", "Accept": "*/*"})
        again = client.get_messages("c1", {"limit": 5}, key="k-1")
        assert len(asked) == 5
        fresh = again.resend()  # the flaky recheck: always sent
        client.close()
    assert len(asked) == 6 and fresh.status == 200


def test_gets_sent_ahead_are_each_sent_once_within_the_budget_and_given_to_their_get():
    with recorded_reference() as (url, recorder):
        client = reusing_client(url, max_requests=6)
        calls = [("c1", {"offset": str(i)}, "k") for i in range(4)]
        client.send_ahead_messages(calls + calls)  # the same GET twice: sent once
        answers = [client.get_messages(*call) for call in calls]
        assert [a.url.rsplit("=", 1)[1] for a in answers] == ["0", "1", "2", "3"]
        assert client.limits.sent == 4 and sum(recorder.methods.values()) == 4
        # Sent ahead past the budget: the GET that asks for it meets the budget's stop, as if it had sent it.
        more = [("c1", {"offset": str(i)}, "k") for i in range(4, 8)]
        client.send_ahead_messages(more)
        results = []
        for call in more:
            try:
                results.append(client.get_messages(*call).status)
            except BudgetExhausted:
                results.append("stopped")
        client.close()
    assert results.count("stopped") == 2 and client.limits.sent == 6


def test_nothing_is_sent_ahead_one_at_a_time_and_cancelled_gets_are_sent_when_asked():
    with scripted_server(PAGE_OK) as (url, asked):
        one = reusing_client(url, concurrency=1)
        one.send_ahead_messages([("c1", {"offset": "1"}, "k")])
        assert asked == []
        one.close()
        client = reusing_client(url, concurrency=4)
        client.cancel_ahead()  # nothing ahead: nothing to cancel
        client.send_ahead_messages([("c1", {"offset": str(i)}, "k") for i in range(3)])
        client.cancel_ahead()
        answers = [client.get_messages("c1", {"offset": str(i)}, "k") for i in range(3)]
        client.close()
    assert [a.status for a in answers] == [200, 200, 200]
    assert sorted(asked) == sorted(f"/api/v1/chats/c1/messages?offset={i}" for i in range(3))


@pytest.mark.parametrize("profile", ["tenant-key", "org-token"])
def test_a_run_reuses_answers_and_says_so_with_the_same_verdict_one_at_a_time(profile):
    """The default run and a run with --concurrency 1 reach the same verdict; reused answers are counted apart."""
    runs = [run_suite("--profile", profile, *extra) for extra in ([], ["--concurrency", "1"])]
    for run in runs:
        assert run.returncode == 0, run.output[-3000:]
        assert re.search(r"requests sent: \d+ \(all GET\); \d+ more answered as an identical earlier GET was", run.output)
    verdicts = [re.search(r"^(MUST .*)$", run.output, re.M).group(1) for run in runs]
    assert verdicts[0] == verdicts[1]
