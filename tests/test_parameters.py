"""The query grammar, read once for the rules, the Schemathesis layer, passive judging and the reference server."""

from __future__ import annotations

import pytest

from conformance import parameters


@pytest.mark.parametrize("value, number", [("0", 0), ("7", 7), ("0050", 50), (12, 12), ("999999999999", 999999999999)])
def test_an_integer_is_ascii_digits_only(value, number):
    assert parameters.integer(value) == number


@pytest.mark.parametrize("value", ["", "-1", -1, "+5", " 5", "5 ", "1_0", "1.5", 1.5, "1e3", "abc", "\u00b2", "\u0663",
                                   "\uff15", True, None])
def test_anything_else_is_no_integer(value):
    assert parameters.integer(value) is None


@pytest.mark.parametrize("value, served", [("1", 1), ("100", 100), (50, 50), ("0", None), ("101", None), ("-1", None),
                                           ("abc", None)])
def test_a_limit_is_a_page_size_from_1_to_the_maximum(value, served):
    assert parameters.limit(value) == served


def test_an_order_is_asc_or_desc_as_written():
    assert [parameters.order(v) for v in ("asc", "desc", "ASC", "Desc", "", "up")] == ["asc", "desc", *[None] * 4]


def test_the_defaults_are_the_docs():
    assert parameters.DEFAULTS == {"offset": 0, "limit": 50, "order": "asc"} and parameters.MAX_LIMIT == 100
