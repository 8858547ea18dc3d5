"""A target gone silent stops the run; one that still answers what it answered before is judged, not stopped."""

from __future__ import annotations

import httpx
import pytest

from conformance.transport import silence
from conformance.transport.errors import TargetSilent
from conformance.transport.silence import SILENT_REQUESTS, SILENT_SECONDS, Watched
from fakes import scripted_transport

URL = "http://target.test/api/v1/chats/c1/messages"


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(silence.time, "monotonic", lambda: now[0])
    return now


def get(layer: Watched, query: str = "") -> httpx.Response:
    return layer.handle_request(httpx.Request("GET", URL + query))


def fail_in_a_row(layer: Watched, times: int) -> None:
    for _ in range(times):
        with pytest.raises(httpx.ReadTimeout):
            get(layer, "?offset=1000")


def test_requests_in_a_row_without_an_answer_and_a_long_quiet_stop_the_run(clock):
    inner, sent = scripted_transport(200, httpx.ReadTimeout("no answer"))
    layer = Watched(inner, timeout=2.0)
    get(layer)
    fail_in_a_row(layer, SILENT_REQUESTS)
    assert layer.silent() is None  # a burst is not silence: no answer for long enough yet
    clock[0] += SILENT_SECONDS
    with pytest.raises(TargetSilent, match=r"3 requests in a row got no answer within 2 s \(--request-timeout\)"):
        get(layer, "?offset=2000")
    assert [r.url.query for r in sent[-2:]] == [b"offset=1000", b""]  # asked again what it answered last, in vain


def test_a_target_that_still_answers_what_it_answered_is_not_silent(clock):
    outcomes = [200, *[httpx.ReadTimeout("past an offset")] * SILENT_REQUESTS, 200, 200]
    inner, sent = scripted_transport(*outcomes)
    layer = Watched(inner, timeout=1.0)
    get(layer)
    fail_in_a_row(layer, SILENT_REQUESTS)
    clock[0] += SILENT_SECONDS
    assert get(layer, "?offset=5").status_code == 200
    assert len(sent) == len(outcomes) and layer.unanswered == 0


def test_a_refused_body_is_an_answer_and_a_reset_is_none():
    inner, _ = scripted_transport(httpx.RemoteProtocolError("reset"), httpx.DecodingError("too large"))
    layer = Watched(inner, timeout=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        get(layer)
    assert layer.unanswered == 1
    with pytest.raises(httpx.DecodingError):
        get(layer)
    assert layer.unanswered == 0


def test_silence_before_any_answer_stops_without_asking_again(clock):
    inner, sent = scripted_transport(httpx.ConnectError("refused"))
    layer = Watched(inner, timeout=1.0)
    for _ in range(SILENT_REQUESTS):
        with pytest.raises(httpx.ConnectError):
            get(layer)
    clock[0] += SILENT_SECONDS
    with pytest.raises(TargetSilent):
        get(layer)
    assert len(sent) == SILENT_REQUESTS
