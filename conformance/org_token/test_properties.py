"""Property-based (org-token): Schemathesis generates GETs from org-token.yaml; every answer meets the rules."""

from __future__ import annotations

from conformance import fuzzing
from conformance.profiles import ORG_TOKEN
from conformance.rules import bodies, chats
from conformance.violations import every

# Also checked when the target allows it, so not listed (a failure is still reported under its id): the foreign
# chat's refusal (needs the foreign token or chat); in dataset mode every message of the chat.
RULES = (*fuzzing.COMMON_RULES, bodies.org_array, bodies.org_messages,
         chats.org_messages_name_chat)


def body_rules(ctx, response, case):
    sent = fuzzing.SENT.get()
    if response.status_code == 200:
        body = bodies.org_array(sent.exchange.body)
        with every() as each:
            with each:
                bodies.org_messages(body)
            if not bodies.readable(body):
                return  # nothing past the shape can be read
            with each:
                chats.org_messages_name_chat(body, sent.pick.chat_id)
            chat = sent.dataset_chat()
            if chat is not None:
                with each:
                    chats.org_all_messages([m["id"] for m in body], [m["id"] for m in chat.messages])


test_generated_requests_meet_the_contract = fuzzing.PropertyTest(ORG_TOKEN, RULES, (body_rules,))
