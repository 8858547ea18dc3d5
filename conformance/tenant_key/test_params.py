"""Query parameters: defaults, the limit cap, and 400 for values that are not valid."""

from __future__ import annotations

import pytest

from conformance.sends import sends
from conformance.rules import answers, bodies, checks, ordering, pagination, params
from conformance.parameters import DEFAULTS
from conformance.tenant_key.pages import check_page, read_page
from conformance.violations import citing, every

pytestmark = pytest.mark.usefixtures("own_chat")


@checks(params.defaults)
def test_no_query_string_means_offset_0_limit_50_ascending(client, target, walks):
    seen = walks.still(lambda before: (
        read_page(client.get_messages(target.chat_id, key=target.api_key)),
        read_page(client.get_messages(target.chat_id, {"offset": 0, "limit": 50, "order": "asc"}, key=target.api_key)),
    ))
    page, explicit = seen.value
    with citing(page.exchange):
        params.defaults(page.offset, page.limit, page.ids, page.ids)  # the echoes: one answer
        seen.inconclusive_if_moved(params.defaults)
        params.defaults(page.offset, page.limit, page.ids, explicit.ids)


@checks(params.limit_100_accepted)
def test_limit_100_is_accepted(client, target):
    page = read_page(client.get_messages(target.chat_id, {"limit": 100}, key=target.api_key), params.limit_100_accepted)
    check_page(page, 0, 100)


@checks(params.repeated_limit)
@pytest.mark.parametrize("values", [("5", "500"), ("500", "5"), ("5", "7")], ids=lambda v: "&".join(v))
@sends(lambda target, values: (target.chat_id, [("limit", v) for v in values], target.api_key))
def test_repeated_limit_is_refused_or_one_valid_value_is_used(answer, values):
    with citing(answer):
        params.repeated_limit(answer.status, values)
        ok, body = answer.parsed  # read before its shape: a limit above 100 breaks this rule first
        if answer.status == 200 and ok and isinstance(body, dict):
            params.repeated_limit(answer.status, values, body)


@checks(params.limit_zero)
def test_limit_zero_is_400_or_an_empty_page(client, target):
    exchange = client.get_messages(target.chat_id, {"limit": 0}, key=target.api_key)
    with citing(exchange):
        params.limit_zero(exchange.status)
        if exchange.status == 200:
            body = bodies.page_envelope(exchange.body)
            with every() as each:
                with each:
                    bodies.page_messages(body)
                with each:
                    params.limit_zero(exchange.status, body)
                with each:
                    pagination.has_more(0, 0, body["total"], body["has_more"])


@checks(params.empty_value)
@pytest.mark.parametrize("name", ["limit", "offset", "order"])
@sends(lambda target, name: (target.chat_id, [(name, "")], target.api_key))
def test_empty_value_is_400_or_the_default(answer, name):
    with citing(answer):
        if answer.status != 200:
            params.empty_value(answer.status, name)
            return
        page = read_page(answer)
        if name == "order":
            ordering.ascending(page.instants())
            return
        params.empty_value(answer.status, name, getattr(page, name))


@checks(params.valid_accepted, answers.PAGE)
@pytest.mark.parametrize(
    "query", [{"offset": 0}, {"limit": 1}, {"order": "desc"}, {"offset": 3, "limit": 2, "order": "desc"},
              {"offset": 1, "order": "asc"}],
    ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()),
)
@sends(lambda target, query: (target.chat_id, query, target.api_key))
def test_valid_parameters_are_accepted(answer, query):
    page = read_page(answer)
    merged = {**DEFAULTS, **query}
    check_page(page, merged["offset"], merged["limit"], merged["order"])
