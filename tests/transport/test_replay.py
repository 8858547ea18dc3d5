"""The Replay transport: each GET answered from a recording, no socket; what the Recorded layer wrote replays."""

from __future__ import annotations

import httpx
import pytest

from conformance import har
from conformance.transport.base import ELAPSED, HAR_ID, answer, body_of
from conformance.transport.errors import TargetError, Unreachable
from conformance.transport.recording import Recorded, Recorder, write_har
from conformance.transport.replay import NotRecorded, Recording, Replay, read_har
from fakes import own_redactor

KEY = "tk_live_0123456789abcdef"
KEYS = {"primary": KEY, "foreign": None}
URL = "http://target.test/api/v1/chats/c1/messages"

redactor = pytest.fixture(autouse=True)(own_redactor)


def entry(entry_id: str, status: int, body: bytes, auth: str | None = "<primary key>", url: str = URL, **extra):
    return har.entry(entry_id=entry_id, started_at=0, seconds=0.25, url=url, request_headers=[], auth=auth,
                     status=status, response_headers=[("Content-Type", "application/json")], body=body, **extra)


def replay(*items: dict) -> Replay:
    return Replay(Recording({"profile": "tenant-key"}, list(items), "run.har"), "X-API-Key", KEYS)


def get(transport: httpx.BaseTransport, key: str | None = KEY, url: str = URL) -> httpx.Response:
    return transport.handle_request(httpx.Request("GET", url, headers={"X-API-Key": key} if key else {}))


def test_identical_gets_get_the_recorded_answers_in_order_then_the_last_again():
    transport = replay(entry("main-1", 500, b"{}"), entry("main-2", 200, b"[]"))
    answers = [get(transport) for _ in range(3)]
    assert [a.status_code for a in answers] == [500, 200, 200]
    assert [a.extensions[HAR_ID] for a in answers] == ["main-1", "main-2", "main-2"]
    assert answers[0].extensions[ELAPSED] == 0.25 and body_of(answers[1]) == b"[]"
    assert answers[0].headers["content-type"] == "application/json"


def test_a_get_is_matched_by_its_url_and_its_key_s_label():
    transport = replay(entry("main-1", 200, b"[]"), entry("main-2", 401, b"{}", auth=None))
    assert get(transport, key=None).status_code == 401
    assert get(transport, key=KEY).status_code == 200
    with pytest.raises(NotRecorded, match="not in the recording: GET .* with <near miss: truncated>"):
        get(transport, key=KEY[:-1])
    with pytest.raises(NotRecorded, match="without a key"):
        get(transport, key=None, url=URL + "?limit=1")


def test_a_recorded_failure_is_raised_again_with_its_entry():
    transport = replay(entry("gw1-4", 0, b"", error={"type": "Unreachable", "message": "GET x: no answer within 1 s"}),
                       entry("gw1-5", 0, b"", url=URL + "?o=1", error={"type": "Elsewhere", "message": "cut"}))
    with pytest.raises(Unreachable, match="no answer within 1 s") as caught:
        get(transport)
    assert caught.value.har_id == "gw1-4"
    with pytest.raises(TargetError, match="cut") as other:
        get(transport, url=URL + "?o=1")
    assert type(other.value) is TargetError


def test_what_the_recorded_layer_wrote_replays_as_it_was_answered(tmp_path):
    (tmp_path / "parts").mkdir()
    recorder = Recorder(tmp_path / "parts", "main")
    network = httpx.MockTransport(lambda request: answer(request, 200, [("X-Seen", request.url.query.decode())],
                                                         b'{"page": "' + request.url.query + b'"}'))
    recorded = Recorded(network, recorder, "X-API-Key", KEYS)
    live = [get(recorded, url=URL + f"?offset={i}") for i in range(2)]
    recorded.close()
    path = tmp_path / "run.har"
    assert write_har(path, tmp_path / "parts", {"profile": "tenant-key"}, "0") == 2
    meta, items = har.parse(read_har(str(path)))
    transport = Replay(Recording.of(meta, items, str(path)), "X-API-Key", KEYS)
    again = [get(transport, url=URL + f"?offset={i}") for i in range(2)]
    assert [body_of(a) for a in again] == [body_of(a) for a in live]
    assert [a.headers["x-seen"] for a in again] == ["offset=0", "offset=1"]
    assert [a.extensions[HAR_ID] for a in again] == [a.extensions[HAR_ID] for a in live]
