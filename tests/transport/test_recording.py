"""The Recorded layer: what went out written to the part file, a credential as its label, never as itself."""

from __future__ import annotations

import json

import httpx
import pytest

from conformance.forgeries import FORGERIES, forged, jwt_parts
from conformance.near_misses import NEAR_MISSES, OTHER_CASE
from conformance.transport.base import HAR_ID, answer
from conformance.transport.errors import BudgetExhausted, TargetError, Unreachable
from conformance.transport.recording import Recorded, Recorder, label, labelled
from conformance.transport.replay import PLACEHOLDER_KEYS
from fakes import own_redactor

KEY, FOREIGN = "tk_live_0123456789abcdef", "tk_live_fedcba9876543210"
KEYS = {"primary": KEY, "foreign": FOREIGN}
URL = "http://target.test/api/v1/chats/c1/messages?limit=5"


redactor = pytest.fixture(autouse=True)(own_redactor)


def entries(recorder: Recorder) -> list[dict]:
    recorder.close()
    return [json.loads(line) for line in recorder.path.read_text(encoding="utf-8").splitlines()]


def test_credentials_are_told_by_their_labels_the_auth_header_first():
    headers = httpx.Headers([("Accept", "application/json"), ("Authorization", "Bearer x"), ("X-Token", FOREIGN[:-1])])
    shown, auth = labelled(headers, "X-Token", KEYS)
    assert shown == [("Accept", "application/json"), ("Authorization", "<no such key: 8 characters>"),
                     ("X-Token", "<near miss of the foreign key: truncated>")]
    assert auth == "<near miss of the foreign key: truncated> + Authorization: <no such key: 8 characters>"
    assert labelled(httpx.Headers({"Accept": "*/*"}), "X-Token", KEYS) == ([("Accept", "*/*")], None)


def test_an_answer_is_written_with_its_key_labelled_and_carries_its_entry_id(tmp_path):
    recorder = Recorder(tmp_path, "main")
    inner = httpx.MockTransport(lambda request: answer(request, 200, [("Content-Type", "application/json")],
                                                       b'{"echo": "' + KEY.encode() + b'"}'))
    response = Recorded(inner, recorder, "X-API-Key", KEYS).handle_request(
        httpx.Request("GET", URL, headers={"X-API-Key": KEY}))
    assert response.extensions[HAR_ID] == "main-1" and response.status_code == 200
    [item] = entries(recorder)
    assert item["_id"] == "main-1" and item["_auth"] == "<primary key>" and item["request"]["url"] == URL
    assert ["X-API-Key", "<primary key>"] in [[h["name"], h["value"]] for h in item["request"]["headers"]]
    assert item["response"]["status"] == 200
    assert KEY not in json.dumps(item)  # the key the target echoed is masked too


def test_a_failure_is_written_as_its_type_and_one_not_sent_is_not(tmp_path):
    recorder = Recorder(tmp_path, "gw0")
    failures = iter([Unreachable("GET x: no answer within 1 s"), BudgetExhausted("request budget exhausted")])

    def handle(request: httpx.Request) -> httpx.Response:
        raise next(failures)

    layer = Recorded(httpx.MockTransport(handle), recorder, "X-API-Key", KEYS)
    with pytest.raises(Unreachable) as caught:
        layer.handle_request(httpx.Request("GET", URL))
    assert caught.value.har_id == "gw0-1"
    with pytest.raises(BudgetExhausted):
        layer.handle_request(httpx.Request("GET", URL))
    [item] = entries(recorder)
    assert item["_error"] == {"type": "Unreachable", "message": "GET x: no answer within 1 s"}
    assert item["response"]["status"] == 0 and "_auth" not in item or item["_auth"] is None


def test_closing_the_layer_closes_the_recorder(tmp_path):
    recorder = Recorder(tmp_path, "main")
    Recorded(httpx.MockTransport(lambda request: httpx.Response(200)), recorder, "X-API-Key", KEYS).close()
    recorder.write({"after": "close"})  # dropped, not raised
    assert recorder.path.read_text() == ""


def test_a_target_error_keeps_its_name_in_the_recording(tmp_path):
    recorder = Recorder(tmp_path, "main")

    def handle(request: httpx.Request) -> httpx.Response:
        raise TargetError("GET x: the answer did not complete within 1 s")

    with pytest.raises(TargetError):
        Recorded(httpx.MockTransport(handle), recorder, "X-API-Key", KEYS).handle_request(httpx.Request("GET", URL))
    assert entries(recorder)[0]["_error"]["type"] == "TargetError"


def test_labels_say_what_was_sent_without_the_key():
    keys = {"primary": KEY, "foreign": FOREIGN}
    assert label(None, keys) is None
    assert label(KEY, keys) == "<primary key>"
    assert label(FOREIGN, keys) == "<foreign key>"
    for variant, change in NEAR_MISSES.items():
        assert label(change(KEY), keys) == f"<near miss: {variant}>"
    assert label(OTHER_CASE(KEY), keys) == "<near miss: other case>"
    assert label(FOREIGN[:-1], keys) == "<near miss of the foreign key: truncated>"
    assert label("not-a-real-key-7c1d9e", keys) == "<no such key: 21 characters>"
    assert label("", keys) == "<no such key: 0 characters>"
    assert label(KEY, {"primary": None}) == f"<no such key: {len(KEY)} characters>"


def test_a_replay_without_keys_can_ask_for_the_forged_tokens_again():
    assert all(jwt_parts(stand_in) is not None for stand_in in PLACEHOLDER_KEYS.values())


def test_tokens_forged_from_a_jwt_are_labelled_so():
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJvcmdfaWQiOiJwcmltYXJ5In0.c2lnbmF0dXJl"
    keys = {"primary": jwt, "foreign": FOREIGN}
    for how in FORGERIES:
        assert label(forged(jwt, how), keys) == f"<forged: {how}>"
        assert label(forged(jwt, how), {"primary": KEY, "foreign": jwt}) == f"<forged from the foreign key: {how}>"
