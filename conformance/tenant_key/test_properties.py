"""Property-based: Schemathesis generates GETs from openapi.yaml; every answer meets the same rules."""

from __future__ import annotations

from conformance import fuzzing
from conformance.profiles import TENANT_KEY
from conformance.rules import bodies, http, ordering, pagination, params
from conformance.tenant_key.pages import DEFAULTS

created_at, content_exact = bodies.created_at[TENANT_KEY], bodies.content_exact[TENANT_KEY]

# Also checked when the target allows it, so not listed (a failure is still reported under its id): the foreign
# chat's refusal (needs the foreign key or chat); in dataset mode the total, chat scope and exact content.
RULES = (*fuzzing.COMMON_RULES, http.error_is_json_object, bodies.page_envelope, bodies.page_messages, bodies.created_at,
         pagination.offset_echoed, pagination.limit_echoed, pagination.has_more, pagination.length,
         ordering.ascending, ordering.descending, params.valid_accepted, params.limit_above_max_refused,
         params.limit_invalid_refused, params.offset_invalid_refused, params.order_invalid_refused)


def page_rules(ctx, response, case):
    """Every 200 page: shape, echoes, has_more, length, order, and (dataset mode) content and total."""
    if response.status_code != 200:
        return
    sent = fuzzing.SENT.get()
    body = bodies.page_envelope(sent.exchange.body)
    bodies.page_messages(body)
    instants = [created_at(m["created_at"]) for m in body["messages"]]
    try:
        offset, limit = (int(str(case.query.get(n, DEFAULTS[n]))) for n in ("offset", "limit"))
    except ValueError:
        return  # a negative case answered 200: negative_data_rejection judges it
    order = str(case.query.get("order", DEFAULTS["order"])).lower()  # ASC read as asc (IMPL-ORDER-CASE)
    if offset < 0 or not 0 <= limit <= 100 or order not in ("asc", "desc"):
        return
    pagination.offset_echoed(offset, body["offset"])
    pagination.limit_echoed(limit, body["limit"])
    pagination.length(limit, offset, body["total"], len(body["messages"]))
    pagination.has_more(offset, len(body["messages"]), body["total"], body["has_more"])
    ordering.sorted_as(order)(instants)
    chat = sent.dataset_chat()
    if chat is not None:
        pagination.total(len(chat.messages), body["total"], "the dataset's chat")
        expected = {m["id"]: m for m in chat.messages}
        pagination.chat_scoped([m["id"] for m in body["messages"]], expected)
        for message in body["messages"]:
            content_exact(message, expected[message["id"]])


def error_rules(ctx, response, case):
    if response.status_code >= 400:
        body = fuzzing.SENT.get().exchange.body
        http.error_is_json_object(body)
        fuzzing.no_internals(response.status_code, body, TENANT_KEY)


test_generated_requests_meet_the_contract = fuzzing.PropertyTest(TENANT_KEY, RULES, (page_rules, error_rules))
