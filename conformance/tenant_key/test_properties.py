"""Property-based: Schemathesis generates GETs from openapi.yaml; every answer meets the same rules."""

from __future__ import annotations

from conformance import fuzzing, parameters
from conformance.parameters import DEFAULTS, MAX_LIMIT
from conformance.profiles import TENANT_KEY
from conformance.rules import answers, bodies, pagination, params
from conformance.tenant_key.pages import id_of, read_page
from conformance.violations import every

content_exact = bodies.content_exact[TENANT_KEY]

# Also checked when the target allows it, so not listed (a failure is still reported under its id): the foreign
# chat's refusal (needs the foreign key or chat); in dataset mode the total, chat scope and exact content.
RULES = (*fuzzing.COMMON_RULES, bodies.page_envelope, bodies.page_messages, bodies.created_at, answers.PAGE,
         params.valid_accepted, params.limit_above_max_refused, params.limit_invalid_refused,
         params.offset_invalid_refused, params.order_invalid_refused)


def page_rules(ctx, response, case):
    """Every 200 page: shape, created_at, the rules of every page asked validly, and (dataset mode) content and
    total."""
    if response.status_code != 200:
        return
    sent = fuzzing.SENT.get()
    page = read_page(sent.exchange, None)
    page.instants()  # created_at, whatever was asked
    offset, limit = (parameters.integer(case.query.get(n, DEFAULTS[n])) for n in ("offset", "limit"))
    # ASC read as asc (IMPL-ORDER-CASE)
    order = parameters.order(str(case.query.get("order", DEFAULTS["order"])).lower())
    if offset is None or limit is None or limit > MAX_LIMIT or order is None:
        return  # a negative case answered 200: negative_data_rejection judges it
    chat = sent.dataset_chat()
    with every() as each:
        with each:
            answers.judge(answers.PAGE, answers.Paged(page, offset, limit, order), TENANT_KEY)
        if chat is None:
            return
        with each:
            pagination.total(len(chat.messages), page.total, "the dataset's chat")
        expected = {m["id"]: m for m in chat.messages}
        with each:
            pagination.chat_scoped(page.ids, expected)
        with each:
            for message in page.messages:
                if id_of(message) in expected:  # another chat's message: chat_scoped says so
                    content_exact(message, expected[message["id"]])


test_generated_requests_meet_the_contract = fuzzing.PropertyTest(TENANT_KEY, RULES, (page_rules,))
