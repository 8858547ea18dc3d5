"""conformance/har.py: a body survives HAR's content object, an entry is HAR 1.2, a malformed file is refused
with a reason."""

from __future__ import annotations

import json

import pytest

from conformance import har


@pytest.mark.parametrize("body", [b'{"a": "\xc3\xa9"}', b"\xff\xfe\x00binary", b""])
def test_a_body_survives_the_har_content_object(body):
    content = har.content(body, "application/json")
    assert ("encoding" in content) == (body == b"\xff\xfe\x00binary")
    assert har.body_of(json.loads(json.dumps(content))) == body


def test_an_entry_is_har_1_2():
    item = har.entry(entry_id="main-1", started_at=0.5, seconds=0.0125, url="http://h/api?a=1&b=",
                     request_headers=[("X-API-Key", "<primary key>")], auth="<primary key>", status=200,
                     response_headers=[("Content-Type", "application/json")], body=b"[]")
    assert item["startedDateTime"] == "1970-01-01T00:00:00.500Z"
    assert item["time"] == item["timings"]["wait"] == 12.5
    assert item["request"]["queryString"] == [{"name": "a", "value": "1"}, {"name": "b", "value": ""}]
    assert item["response"]["content"] == {"size": 2, "mimeType": "application/json", "text": "[]"}
    assert {"send", "wait", "receive"} <= set(item["timings"]) and item["cache"] == {}
    text = har.document_head({"profile": "p"}, "1") + json.dumps(item) + har.DOCUMENT_TAIL
    meta, entries = har.parse(text)
    assert meta == {"profile": "p"} and entries == [item]


@pytest.mark.parametrize("text, says", [
    ("not json", "not JSON"),
    ('{"entries": []}', 'no "log" object'),
    ('{"log": {"version": "2.0", "entries": []}}', "HAR version '2.0'"),
    ('{"log": {"version": "1.2"}}', 'no "entries" array'),
    ('{"log": {"version": "1.2", "entries": [{"request": {"url": "u"}}]}}', "entry 0: no request"),
])
def test_a_malformed_har_is_refused_with_a_reason(text, says):
    with pytest.raises(har.HarError, match=says):
        har.parse(text)
