"""conformance/rules/http.py: statuses documented, no 5xx, media types, error bodies and internals kept out of them.

Every rejection is asserted by the requirement id it raises, so a rule that fails for the wrong reason fails here.
A rule both profiles have is called bound to each (`rule[profile]`), and must name that profile's id."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.catalogue import requirement
from conformance.profiles import ORG_TOKEN
from conformance.rules import answers, http
from conformance.violations import Violation
from rule_inputs import FAST, ORG, TK, cases, exchange, json_values, violates

CASES = cases(__file__)


def statuses_in_statement(req_id: str) -> set[int]:
    """The statuses a STATUS-DOCUMENTED statement lists in its parenthesis, e.g. "(200, 400, 401, 404, 500)"."""
    listed = re.search(r"\(([\d,\s]+)\)", requirement(req_id).statement)
    assert listed, f"{req_id}'s statement lists no statuses in parentheses"
    return {int(s) for s in listed.group(1).split(",")}


@pytest.mark.parametrize("profile, req_id", [(TK, "HTTP-STATUS-DOCUMENTED"), (ORG, "ORG-STATUS-DOCUMENTED")])
def test_status_documented_accepts_exactly_the_statuses_the_catalogue_lists(profile, req_id):
    listed = statuses_in_statement(req_id)
    rule = http.status_documented[profile]
    for status in range(100, 600):
        if status in listed:
            rule(status, profile)
        else:
            with violates(req_id):
                rule(status, profile)


@pytest.mark.parametrize("status", [403, 422])
def test_tenant_key_never_documents_403_or_422(status):
    with violates("HTTP-STATUS-DOCUMENTED"):
        http.status_documented[TK](status, TK)


def test_org_token_documents_403_but_not_422():
    http.status_documented[ORG](403, ORG)
    with violates("ORG-STATUS-DOCUMENTED"):
        http.status_documented[ORG](422, ORG)


@FAST
@given(status=st.integers(100, 999))
def test_no_server_error_rejects_exactly_5xx_and_above(status):
    if status < 500:
        http.no_server_error[TK](status)
        http.no_server_error[ORG](status)
    else:
        with violates("HTTP-NO-5XX"):
            http.no_server_error[TK](status)
        with violates("ORG-NO-5XX"):
            http.no_server_error[ORG](status)


# ------------------------------------------------------------------ json_content_type

JSON_CONTENT_TYPES = CASES["json_content_types"]
NOT_JSON_CONTENT_TYPES = CASES["not_json_content_types"]


@pytest.mark.parametrize("content_type", JSON_CONTENT_TYPES)
def test_json_content_type_accepts_application_json_with_parameters_in_any_case(content_type):
    http.json_content_type[TK](content_type)
    http.json_content_type[ORG](content_type)


@pytest.mark.parametrize("content_type", NOT_JSON_CONTENT_TYPES)
def test_json_content_type_rejects_every_other_media_type(content_type):
    with violates("HTTP-CONTENT-TYPE-JSON"):
        http.json_content_type[TK](content_type)
    with violates("ORG-HTTP-CONTENT-TYPE-JSON"):
        http.json_content_type[ORG](content_type)


ERROR_JSON_CONTENT_TYPES = CASES["error_json_content_types"]
NOT_ERROR_JSON_CONTENT_TYPES = CASES["not_error_json_content_types"]


@pytest.mark.parametrize("content_type", [*JSON_CONTENT_TYPES, *ERROR_JSON_CONTENT_TYPES])
def test_an_error_may_have_any_json_media_type(content_type):
    http.error_media_type(content_type)


@pytest.mark.parametrize("status", [400, 401, 404, 500])
@pytest.mark.parametrize("content_type", [*JSON_CONTENT_TYPES, *ERROR_JSON_CONTENT_TYPES, *NOT_ERROR_JSON_CONTENT_TYPES,
                                          "text/plain; charset=utf-8"])
def test_the_main_variant_requires_no_media_type_of_an_error(content_type, status):
    # Seeds 000, 001, 003 give error statuses only (IMPL-ERROR-MEDIA-TYPE): Go's http.Error, an empty 401
    http.json_content_type[TK](content_type, status)
    http.json_content_type[ORG](content_type, status)  # org-token's is error_media_type, on every error answer


@pytest.mark.parametrize("content_type", ERROR_JSON_CONTENT_TYPES)
def test_json_content_type_refuses_a_suffixed_json_media_type_for_a_200(content_type):
    with violates("HTTP-CONTENT-TYPE-JSON"):
        http.json_content_type[TK](content_type, 200)


@pytest.mark.parametrize("content_type", NOT_ERROR_JSON_CONTENT_TYPES)
def test_org_token_refuses_what_is_no_json_media_type_for_an_error(content_type):
    with violates("ORG-HTTP-CONTENT-TYPE-JSON"):
        answers.judge(answers.ERROR, exchange(404, b'{"error": "Chat not found"}', content_type), ORG_TOKEN)


def test_a_missing_content_type_is_reported_as_missing():
    with pytest.raises(Violation) as caught:
        http.json_content_type[TK]("")
    assert "missing" in caught.value.detail


# ------------------------------------------------------------------ error bodies

ERROR_OBJECTS = CASES["error_objects"]


@pytest.mark.parametrize("value", ERROR_OBJECTS, ids=["detail", "nested error", "empty", "list detail"])
def test_error_is_json_object_accepts_any_object(value):
    http.error_is_json_object(json.dumps(value).encode())


@pytest.mark.parametrize("body", [b"[]", b'["bad"]', b'"bad limit"', b"400", b"null", b"true", b"", b"Bad Request",
                                  b"<h1>404</h1>", b"\xff"])
def test_error_is_json_object_rejects_anything_else(body):
    with violates("HTTP-ERROR-JSON"):
        http.error_is_json_object(body)


def as_bytes(body: str | bytes) -> bytes:
    return body if isinstance(body, bytes) else body.encode("utf-8")


STACK_TRACES = {name: as_bytes(body) for name, body in CASES["stack_traces"].items()}
ORDINARY_ERRORS = {name: as_bytes(body) for name, body in CASES["ordinary_errors"].items()}


@pytest.mark.parametrize("body", STACK_TRACES.values(), ids=STACK_TRACES.keys())
def test_no_internals_catches_frames_panics_and_database_text_of_every_stack(body):
    with violates("HTTP-NO-STACK-TRACE"):
        http.no_internals[TK](body)
    with violates("ORG-NO-INTERNALS"):
        http.no_internals[ORG](body)


@pytest.mark.parametrize("body", ORDINARY_ERRORS.values(), ids=ORDINARY_ERRORS.keys())
def test_no_internals_passes_ordinary_messages(body):
    http.no_internals[TK](body)
    http.no_internals_in_5xx[ORG](500, body)


def test_no_internals_catches_a_python_frame_inside_a_json_string():
    body = json.dumps({"detail": 'File "/app/main.py", line 12, in get_messages'}).encode()
    with violates("HTTP-NO-STACK-TRACE"):
        http.no_internals[TK](body)


TRACE = STACK_TRACES["python traceback"].decode()


def test_messages_that_quote_internals_are_the_chat_s_data_in_an_answer_that_carries_them():
    """IMPL-MESSAGES-ARE-DATA: a 200 page's messages may quote a trace; its envelope may not; an error body is searched
    whole."""
    quoting = [{"id": "m1", "content": TRACE}, {"id": "m2", "content": "SQLSTATE 22P02"}]
    page = json.dumps({"messages": quoting, "total": 2, "offset": 0, "limit": 50, "has_more": False}).encode()
    http.no_internals[TK](page, carries_messages=True)
    http.no_internals[ORG](json.dumps(quoting).encode(), carries_messages=True)
    with violates("HTTP-NO-STACK-TRACE"):  # the same body as an error's: nothing in it is the chat's data
        http.no_internals[TK](page)
    leaking = json.dumps({"messages": quoting, "total": 2, "debug": TRACE}).encode()
    with violates("HTTP-NO-STACK-TRACE"):
        http.no_internals[TK](leaking, carries_messages=True)
    with violates("HTTP-NO-STACK-TRACE"):  # not JSON: nothing in it is known to be a message
        http.no_internals[TK](TRACE.encode(), carries_messages=True)
    hidden = "".join(f"\\u{ord(c):04x}" for c in TRACE)  # every character escaped: no literal in the bytes
    escaped = f'{{"messages": [], "total": 0, "debug": "{hidden}"}}'.encode()
    with violates("HTTP-NO-STACK-TRACE"):  # the envelope read as JSON: an escape hides nothing
        http.no_internals[TK](escaped, carries_messages=True)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_internals_in_a_server_error_break_the_must(status):
    with violates("HTTP-5XX-NO-INTERNALS"):
        http.no_internals_in_5xx[TK](status, STACK_TRACES["go panic"])
    with violates("ORG-5XX-NO-INTERNALS"):
        http.no_internals_in_5xx[ORG](status, STACK_TRACES["sqlstate"])


@pytest.mark.parametrize("status", [200, 400, 404])
def test_internals_below_500_are_left_to_the_should(status):
    http.no_internals_in_5xx[TK](status, STACK_TRACES["go panic"])


@FAST
@given(value=st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=5))
def test_error_is_object_of_strings_accepts_any_object_of_strings(value):
    http.error_is_object_of_strings(json.dumps(value).encode())


@FAST
@given(value=st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=4), key=st.text(max_size=8),
       bad=json_values.filter(lambda v: not isinstance(v, str)))
def test_error_is_object_of_strings_rejects_any_value_that_is_not_a_string(value, key, bad):
    with violates("ORG-ERROR-BODY"):
        http.error_is_object_of_strings(json.dumps({**value, key: bad}).encode())


@pytest.mark.parametrize("body", [b"[]", b'["x"]', b'"x"', b"null", b"", b"oops"])
def test_error_is_object_of_strings_rejects_what_is_not_an_object(body):
    with violates("ORG-ERROR-BODY"):
        http.error_is_object_of_strings(body)
