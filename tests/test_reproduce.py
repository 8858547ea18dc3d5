"""A failure is asked again: the report says whether it reproduced, and a flaky one still fails the gate."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from conformance.exchange import Exchange
from conformance.transport.errors import Unreachable
from conformance.reproduce import recheck, same_answer
from harness import run_suite, serve, shipped_dataset
from reference.app import create_app
from reference.serve import start_in_thread

ONE_CHECK = ("-k", "test_missing_key_is_answered_401")


def exchange(status: int, body: bytes, resend=None) -> Exchange:
    return Exchange(url="http://127.0.0.1:1/x", request_headers=(), status=status, headers={}, body=body, resend=resend)


def test_answers_are_the_same_when_only_incidental_tokens_differ():
    first = exchange(404, b'{"detail": "Chat not found", "request_id": "9f3a1c2b7d4e5f60"}')
    assert same_answer(first, exchange(404, b'{"detail": "Chat not found", "request_id": "0a1b2c3d4e5f6789"}'))
    assert not same_answer(first, exchange(401, first.body))
    assert not same_answer(first, exchange(404, b'{"detail": "Permission denied"}'))


def test_recheck_says_whether_the_same_answer_came_back():
    first = exchange(200, b"{}", resend=lambda: exchange(200, b"{}"))
    assert recheck(first).reproduced is True
    flaky = exchange(200, b"{}", resend=lambda: exchange(401, b'{"detail": "no key"}'))
    checked = recheck(flaky)
    assert checked.reproduced is False and "flaky" in checked.note and "HTTP 401" in checked.note


def test_a_request_that_cannot_be_sent_again_is_said_so():
    def gone() -> Exchange:
        raise Unreachable("connection refused")

    checked = recheck(exchange(200, b"{}", resend=gone))
    assert checked.reproduced is None and "connection refused" in checked.note
    assert recheck(exchange(200, b"{}")).reproduced is None


class FirstKeylessAnswered200:
    """ASGI middleware: the first request without a key gets a 200 (a cache that served a keyed answer), the rest
    reach the app."""

    def __init__(self, app) -> None:
        self.app, self.fired = app, False

    async def __call__(self, scope, receive, send) -> None:
        keyless = scope["type"] == "http" and not any(k == b"x-api-key" for k, _ in scope["headers"])
        if keyless and not self.fired:
            self.fired = True
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": b'{"messages": [], "total": 0, "offset": 0, "limit": 50, "has_more": false}'})
            return
        await self.app(scope, receive, send)


@contextlib.contextmanager
def flaky_reference() -> Iterator[str]:
    running = start_in_thread(FirstKeylessAnswered200(create_app(shipped_dataset("tenant-key"), "tenant-key")))
    try:
        yield running.url
    finally:
        running.stop()


def test_a_failure_that_does_not_reproduce_is_labelled_flaky_and_still_fails():
    with flaky_reference() as url:
        run = run_suite(*ONE_CHECK, base_url=url)
    assert run.returncode == 1, run.output[-2000:]
    result = next(r for r in run.report["requirements"] if r["id"] == "AUTH-MISSING-401")
    assert result["status"] == "fail" and result["flaky"] is True
    assert "did not reproduce (flaky)" in run.output and "HTTP 401" in run.output
    assert "flaky: did not reproduce" in run.files["report/report.md"].decode()


def test_a_deterministic_failure_is_said_to_reproduce():
    with serve("tenant-key", mutant="missing-key-200") as url:
        run = run_suite(*ONE_CHECK, base_url=url)
    assert run.returncode == 1
    result = next(r for r in run.report["requirements"] if r["id"] == "AUTH-MISSING-401")
    assert result["status"] == "fail" and result["flaky"] is False
    assert "the same answer came back: the failure reproduces" in run.output
