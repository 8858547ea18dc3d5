"""conformance/rules/reading.py: JSON read strictly under the rule that reads it, statuses expected, values compared
as JSON values.

Every rejection is asserted by the requirement id it raises, so a rule that fails for the wrong reason fails here.
A rule both profiles have is called bound to each (`rule[profile]`), and must name that profile's id."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance import strict_json
from conformance.rules import access, bodies, http, reading
from rule_inputs import FAST, TK, json_values, shuffled_copy, violates


# ------------------------------------------------------------------ json_of, through the rules that read JSON

@FAST
@given(value=json_values)
def test_json_of_returns_any_json_value(value):
    # org_array returns the array it read; the value inside it comes back as it was written.
    assert reading.same_value(bodies.org_array(json.dumps([value]).encode("utf-8")), [value])


@pytest.mark.parametrize("body", [b"", b"not json", b"{", b'{"a": 1', b"<html>500</html>", b"\xff\xfe{}",
                                  b"\xef\xbb\xbf{}", b'{"detail": "x"} trailing'],
                         ids=["empty", "text", "open brace", "truncated", "html", "not utf-8", "utf-8 BOM", "trailing"])
def test_json_of_rejects_what_is_not_json_under_the_rule_that_reads_it(body):
    with violates("ORG-BODY-ARRAY"):
        bodies.org_array(body)


@pytest.mark.parametrize("body", [b'{"detail": NaN}', b'{"detail": Infinity}', b"[-Infinity]"])
def test_json_of_rejects_non_json_number_tokens(body):
    with violates("HTTP-ERROR-JSON"):
        http.error_is_json_object(body)


@pytest.mark.parametrize(("body", "problem"), [
    (b'{"messages": [], "total": 999, "offset": 0, "limit": 50, "has_more": false, "total": 5}',
     "duplicate key 'total'"),
    (b'{"metadata": {"a": 1, "a": 1}}', "duplicate key 'a'"),
    (b"[" * 100_000, "nested deeper than"),
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than"),
    (b'{"a": ' * 200 + b"1" + b"}" * 200, "nested deeper than"),
], ids=["duplicate total", "duplicate nested", "deep open", "deep closed", "deep objects"])
def test_json_of_rejects_duplicate_keys_and_deep_nesting_as_a_failure_of_its_rule(body, problem):
    with violates("ENV-SHAPE") as info:
        bodies.page_envelope(body)
    assert problem in str(info.value)


def test_json_of_reads_nesting_up_to_the_bound():
    depth = strict_json.MAX_DEPTH
    assert bodies.org_array(b"[" * depth + b"]" * depth) is not None


# ------------------------------------------------------------------ statuses: expect_status, Rule.expect, documented, no 5xx

@FAST
@given(status=st.integers(100, 599), expected=st.sets(st.integers(100, 599), min_size=1, max_size=4))
def test_expect_status_accepts_exactly_the_expected_statuses(status, expected):
    rule = access.missing_key_401[TK]
    if status in expected:
        rule(status, "no key", iter(sorted(expected)))
        rule.expect(status, iter(sorted(expected)), "no key")
    else:
        with violates("AUTH-MISSING-401"):
            rule(status, "no key", iter(sorted(expected)))
        with violates("AUTH-MISSING-401"):
            rule.expect(status, iter(sorted(expected)), "no key")


def test_expect_status_says_what_was_expected_and_what_came():
    for refuse in (lambda: access.key_or_parameter_refused(200, "no key and limit=101"),
                   lambda: access.key_or_parameter_refused.expect(200, [400, 401], "no key and limit=101")):
        with violates("AUTH-PARAM-PRECEDENCE") as caught:
            refuse()
        assert "no key and limit=101" in caught.value.detail
        assert "400 or 401" in caught.value.detail and "200" in caught.value.detail


# ------------------------------------------------------------------ same_value / content_exact


@FAST
@given(value=json_values, data=st.data())
def test_same_value_ignores_key_order_and_integer_formatting(value, data):
    assert reading.same_value(value, value)
    other = shuffled_copy(value, data)
    assert reading.same_value(value, other) and reading.same_value(other, value)


@FAST
@given(value=json_values)
def test_same_value_agrees_with_a_json_round_trip(value):
    assert reading.same_value(value, json.loads(json.dumps(value)))


@pytest.mark.parametrize("a, b", [
    (True, 1), (False, 0), (1, "1"), (None, 0), (None, ""), ("", []), ([1, 2], [2, 1]), ({"a": 1}, {"a": 1, "b": 2}),
    ({"a": 1}, {"b": 1}), ([1], [1, 1]), ({"a": [True]}, {"a": [1]}), (1, 1.5), (2**53 + 1, float(2**53 + 1)),
    ({}, []), ("\u00e9", "e\u0301"),
], ids=repr)
def test_same_value_tells_apart_values_that_differ(a, b):
    assert not reading.same_value(a, b)
    assert not reading.same_value(b, a)
