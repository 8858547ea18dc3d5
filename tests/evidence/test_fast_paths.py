"""The fast paths passive judging at volume takes (a compiled schema, orjson, fromisoformat, the internals searched
form by form) decide exactly as the strict readings they stand in for."""

from __future__ import annotations

import copy
import random
import re

import pytest

from conformance import spec, strict_json, timestamps
from conformance.rules import http

PAGE = {"messages": [{"id": "m1", "content": "hi", "sender_role": "user", "media_type": None, "media_url": None,
                      "created_at": "2024-01-15T10:30:00Z", "metadata": {}}],
        "total": 1, "offset": 0, "limit": 20, "has_more": False}


@pytest.mark.parametrize("change", [
    {}, {"total": 12.0}, {"total": True}, {"total": -1}, {"limit": 101}, {"has_more": 1}, {"offset": "0"},
    {"extra": 1}, {"messages": [{**PAGE["messages"][0], "created_at": "not a date"}]},
    {"messages": [{**PAGE["messages"][0], "sender_role": "bot"}]},
    {"messages": [{**PAGE["messages"][0], "media_url": 3}]}, {"messages": [{"id": "m1"}]},
])
def test_the_compiled_schema_judges_as_jsonschema(change):
    page = {**copy.deepcopy(PAGE), **change}
    strict = spec.validator("tenant-key", "MessagePage").is_valid(page)
    assert spec.conforms("tenant-key", "MessagePage", page) == strict


ORG_MESSAGE = {"id": 1, "chat_id": 2, "content": "hi", "created_at": "2024-01-15T10:30:00Z", "role": "user",
               "metadata": {"response_time": 1.5, "token_count": 3}}


@pytest.mark.parametrize("change", [
    {}, {"id": 1.0}, {"chat_id": 2.0}, {"metadata": {"response_time": 1, "token_count": 3.0}}, {"metadata": 3},
    {"metadata": {"response_time": 1.5}}, {"id": True}, {"id": None}, {"role": 1}, {"id": 2 ** 70},
])
def test_the_compiled_schema_finds_integers_written_as_floats_where_jsonschema_does(change):
    message = {**copy.deepcopy(ORG_MESSAGE), **change}
    strict = spec.validator("org-token", "Message").is_valid(message)
    assert spec.conforms("org-token", "Message", message) == strict


@pytest.mark.parametrize("schema, paths", [
    ({"type": "object", "properties": {"n": {"type": "integer"},
                                       "o": {"properties": {"m": {"type": ["integer", "null"]}}}}},
     [("n",), ("o", "m")]),
    ({"properties": {"n": {"type": ["integer", "number"]}}}, []),
    ({"type": "array", "items": {"type": "integer"}}, None),
    ({"type": "object", "additionalProperties": {"type": "integer"}}, None),
    ({"properties": {"a": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}}, None),
    ({"properties": {"a": {"$ref": "#/components/schemas/Loop"}}}, None),
    ({"properties": {"a": {"type": "array", "items": {"$ref": "#/components/schemas/Flat"}}}}, []),
])
def test_integers_are_looked_for_at_their_paths_only_where_every_one_has_a_path(schema, paths):
    schemas = {"Loop": {"properties": {"next": {"$ref": "#/components/schemas/Loop"}}},
               "Flat": {"properties": {"s": {"type": "string"}}}, "Root": schema}
    assert spec._integer_paths(schemas, {"$ref": "#/components/schemas/Root"}, (), frozenset()) == paths


def strict(data):
    quick = strict_json._quick
    strict_json._quick = lambda _: strict_json._UNDECIDED
    try:
        return _outcome(strict_json.loads, data)
    finally:
        strict_json._quick = quick


def _outcome(read, data):
    try:
        return "ok", read(data)
    except strict_json.JSONError as exc:
        return type(exc).__name__, str(exc)


def test_strict_json_keeps_only_the_body_it_read_last_and_by_identity():
    """The last body read is kept (the rules of one answer read it once): a body equal to it but another object, or
    one read in between, is read again; a body that is not JSON is refused each time."""
    first, same_text = b'{"a":[1,2]}', bytes(bytearray(b'{"a":[1,2]}'))
    read = strict_json.loads(first)
    assert strict_json.loads(first) is read
    assert strict_json.loads(same_text) == read and strict_json.loads(same_text) is not read
    assert strict_json.loads(b'{"b":1}') == {"b": 1}
    assert strict_json.loads(first) == read and strict_json.loads(first) is not read
    for _ in range(2):
        with pytest.raises(strict_json.JSONError):
            strict_json.loads(b'{"a":1,"a":2}')


@pytest.mark.parametrize("data", [
    b'{"a":1,"a":2}', b'{"a" :1,"a":2}', b'{"a":\n1, "a":2}', b"[NaN]", b"[Infinity]", b'{"a":"x\\":"}', b"\xff",
    b"[" * 200 + b"]" * 200, b"[" * 128 + b"]" * 128, b"[" * 129 + b"]" * 129, b'{"a":1e400}',
    b'{"a":123456789012345678901234567890}', b'"\\ud800"', b'{"a":{"b":[1,2,{"c":null}]}}', '{"é":1}', b" 1 ",
    b'[{"a":[{"a":1,"a":1}]}]', b'{"a":1,}', b"", b'{"k":"\\u0000"}',
    b'{"a":"x:y","a":1}', b'{"a":1,"a":"\\u003a"}', b'{"a":1,"b":"\\u003A","b":2}', b'{"a:b":1,"a:b":1}',
    b'{"a":"\\\\u003a","a":1}', b'{"a":9223372036854775807}', b'{"a":-9223372036854775809}',
    b'{"a":18446744073709551615}', b'{"a":18446744073709551616}', b'{"a":1e+20,"b":"1234567890123456789"}',
    b'{"a":12345678901234567890.5}', b'{"a":"+","b":[1,2.5]}', b'{"a":1E5}', b'[[{"a":1}]]' * 1,
    b"[" * 127 + b'{"a":1}' + b"]" * 127, b"[" * 128 + b'{"a":1}' + b"]" * 128,
])
def test_strict_json_reads_as_its_strict_reading(data):
    assert strict_json._BOUNDED  # orjson's depth limit as read at import: the proof at C speed is the one tested
    assert _outcome(strict_json.loads, data) == strict(data)


@pytest.mark.parametrize("value", [
    "2024-01-15T10:30:00Z", "2024-01-15T10:30:00.1Z", "2024-01-15T10:30:00.1234567+05:30", "2024-01-15T10:30:60Z",
    "2024-02-30T10:30:00Z", "2024-01-15T10:30:00+24:00", "2024-01-15t10:30:00Z", "2024-01-15T10:30:00z",
    "2024-01-15T10:30:00-00:00", "2024-01-15T25:30:00Z", "0000-01-01T00:00:00Z", "2024-01-15T10:30:00+00:99",
    "2024-01-15T10:30:00+23:59", "2024-01-15 10:30:00Z", "2024-01-15T10:30:00",
])
def test_timestamps_read_as_the_strict_parser(value, monkeypatch):
    def read():
        try:
            parsed = timestamps.parse_rfc3339(value)
            return parsed, parsed.isoformat()
        except ValueError as exc:
            return str(exc)

    fast = read()
    monkeypatch.setattr(timestamps, "FAST_ISOFORMAT", False)
    assert fast == read()


def test_internals_are_found_form_by_form_as_the_one_pattern_finds_them():
    pieces = ["at ", "xat ", "panic: ", "apanic: ", "pq: ", " ORA-12345 ", "ORA-123456", "SQLITE_BUSY", "xSQLITE_X",
              "System.IO.FileException", "at foo.Bar(Baz.java:12)", "at x (/a/b.js:1:2)", "hello", " ", "é", "_",
              "Traceback (most recent call last)", 'File "x.py", line 3', "goroutine 1 [running]:", "x.php on line 4",
              "at A.B() in C:line 5", "main.go:12 +0x1f", "x.rb:3:in `y'", "PHP Fatal error", "Stack trace:\n#0 ",
              "x.php(12)", "panicked at ", "RUST_BACKTRACE", "SQLSTATE", "invalid input syntax for type", "psycopg",
              "sqlite3.OperationalError", "You have an error in your SQL syntax", "duplicate key value violates",
              'File \\"x.py\\", line 3']
    chance = random.Random(1)
    for _ in range(5000):
        text = "".join(chance.choice(pieces) for _ in range(chance.randint(0, 6)))
        match = http.INTERNALS.search(text)
        assert http._internals(text.encode()) == (match.group(0) if match else None), text


@pytest.mark.parametrize(("needle", "form"), http.INTERNALS_FORMS)
def test_each_form_of_internals_holds_its_literal(needle, form):
    assert needle in re.sub(r"\\(.)", r"\1", form)  # the literal is written in the form (its escapes read)


def test_timestamps_of_a_page_read_at_once_as_each_alone():
    values = ["2024-01-15T10:30:00Z", "2024-01-15T10:30:00.1234567+05:30", "2024-01-15T10:30:00-00:00"]
    assert timestamps.parse_many(values) == [timestamps.parse_rfc3339(v) for v in values]
    for odd in ("2024-01-15T10:30:60Z", "2024-01-15t10:30:00Z", "2024-01-15T10:30:00+00:99", "2024-02-30T10:30:00Z",
                "2024-01-15T10:30:00Z\n2024-01-15T10:30:00Z", 5, "2024-01-15T10:30:00"):
        assert timestamps.parse_many([*values, odd]) is None, odd  # each is read alone, and says why


@pytest.mark.parametrize("data", [b'{"a":"x:y","b":[1,{"c":null}]}', b'{"t":"2024-01-15T10:30:00+05:30","n":-12}',
                                  b'{"a": "line\\nnext", "b": 1.5}'])
def test_strict_json_proves_plain_bodies_without_a_walk(data, monkeypatch):
    monkeypatch.setattr(strict_json, "_keys_if_shallow", None)  # the walk in Python is not called
    assert strict_json.loads(data) == strict(data)[1]
