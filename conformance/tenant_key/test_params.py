"""Query parameters: defaults, the limit cap, and 400 for values that are not valid."""

from __future__ import annotations

import pytest

from conformance import invariants
from conformance.tenant_key.pages import DEFAULTS, check_page, read_page
from conformance.violations import Violation, evidence

pytestmark = pytest.mark.usefixtures("own_chat")


@pytest.mark.requirement("PARAM-DEFAULTS")
def test_no_query_string_means_offset_0_limit_50_ascending(client, target):
    page = read_page(client.get_messages(target.chat_id, key=target.api_key))
    explicit = read_page(client.get_messages(target.chat_id, {"offset": 0, "limit": 50, "order": "asc"}, key=target.api_key))
    with evidence(page.exchange):
        for name, used in (("offset", page.offset), ("limit", page.limit)):
            if used != {"offset": 0, "limit": 50}[name] or isinstance(used, bool):
                raise Violation("PARAM-DEFAULTS", f"without a query string the body says {name} {used!r}")
        if page.ids != explicit.ids:
            raise Violation(
                "PARAM-DEFAULTS", "the page without a query string differs from offset=0&limit=50&order=asc")


@pytest.mark.requirement("PARAM-LIMIT-MAX")
def test_limit_100_is_accepted(client, target):
    page = read_page(client.get_messages(target.chat_id, {"limit": 100}, key=target.api_key), "PARAM-LIMIT-MAX")
    check_page(page, 0, 100)


@pytest.mark.requirement("PARAM-LIMIT-ABOVE-MAX-400")
@pytest.mark.parametrize("limit", ["101", "1000", "2147483648"])
def test_limit_above_100_is_rejected_with_400(client, target, limit):
    exchange = client.get_messages(target.chat_id, {"limit": limit}, key=target.api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [400], "PARAM-LIMIT-ABOVE-MAX-400", f"limit={limit}")


@pytest.mark.requirement("PARAM-LIMIT-INVALID-400")
@pytest.mark.parametrize("limit", ["-1", "-100", "1.5", "abc", "10abc"])
def test_invalid_limit_is_rejected_with_400(client, target, limit):
    exchange = client.get_messages(target.chat_id, {"limit": limit}, key=target.api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [400], "PARAM-LIMIT-INVALID-400", f"limit={limit}")


@pytest.mark.requirement("PARAM-OFFSET-INVALID-400")
@pytest.mark.parametrize("offset", ["-1", "-10", "1.5", "abc"])
def test_invalid_offset_is_rejected_with_400(client, target, offset):
    exchange = client.get_messages(target.chat_id, {"offset": offset}, key=target.api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [400], "PARAM-OFFSET-INVALID-400", f"offset={offset}")


@pytest.mark.requirement("PARAM-ORDER-INVALID-400")
@pytest.mark.parametrize("order", ["sideways", "ascending", "1"])
def test_unknown_order_is_rejected_with_400(client, target, order):
    exchange = client.get_messages(target.chat_id, {"order": order}, key=target.api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [400], "PARAM-ORDER-INVALID-400", f"order={order}")


@pytest.mark.requirement("PARAM-LIMIT-ZERO")
def test_limit_zero_is_400_or_an_empty_page(client, target):
    exchange = client.get_messages(target.chat_id, {"limit": 0}, key=target.api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [200, 400], "PARAM-LIMIT-ZERO", "limit=0")
        if exchange.status == 200:
            body = invariants.json_body(exchange.body, "ENV-SHAPE")
            invariants.page_conforms(body)
            if body["messages"] != [] or body["limit"] != 0:
                raise Violation(
                    "PARAM-LIMIT-ZERO",
                    f"limit=0 answered 200 must give an empty page echoing limit 0; got {len(body['messages'])} "
                    f"messages and limit {body['limit']!r}")
            invariants.has_more_is_consistent(0, 0, body["total"], body["has_more"])


@pytest.mark.requirement("PARAM-EMPTY-VALUE")
@pytest.mark.parametrize("name", ["limit", "offset", "order"])
def test_empty_value_is_400_or_the_default(client, target, name):
    exchange = client.get_messages(target.chat_id, [(name, "")], key=target.api_key)
    with evidence(exchange):
        invariants.status_is(exchange.status, [200, 400], "PARAM-EMPTY-VALUE", f"{name}= (empty)")
        if exchange.status == 200:
            page = read_page(exchange)
            if name == "order":
                invariants.is_sorted(page.instants(), "asc")
                return
            used, default = getattr(page, name), DEFAULTS[name]
            if used != default:
                raise Violation("PARAM-EMPTY-VALUE", f"{name}= answered 200 but used {name} {used!r}, not the default {default}")


@pytest.mark.requirement("PARAM-VALID-ACCEPTED")
@pytest.mark.parametrize(
    "query", [{"offset": 0}, {"limit": 1}, {"order": "desc"}, {"offset": 3, "limit": 2, "order": "desc"},
              {"offset": 1, "order": "asc"}],
    ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()),
)
def test_valid_parameters_are_accepted(client, target, query):
    exchange = client.get_messages(target.chat_id, query, key=target.api_key)
    page = read_page(exchange)
    merged = {"offset": 0, "limit": 50, "order": "asc", **query}
    check_page(page, merged["offset"], merged["limit"], merged["order"])
