"""Property-based (org-token): Schemathesis generates GETs from org-token.yaml; every answer meets the invariants."""

from __future__ import annotations

import pytest

from conformance import fuzzing, invariants
from conformance.profiles import ORG_TOKEN
from conformance.violations import Violation

schema = fuzzing.load_schema(ORG_TOKEN)

PRIMARY_ROLES = ("populated", "other", "empty")
CHECKED = ("ORG-HTTP-ANSWERS", "ORG-NO-5XX", "ORG-STATUS-DOCUMENTED", "ORG-HTTP-CONTENT-TYPE-JSON", "ORG-ERROR-BODY", "ORG-BODY-ARRAY",
           "ORG-MSG-SHAPE", "ORG-MSG-CHAT-ID", "ORG-AUTH-MISSING-401", "ORG-CHAT-UNKNOWN-404",
           "ORG-CHAT-ID-INVALID-400")


# Checked only when the target allows it, so not listed above (a failure is still reported under its id):
# ORG-AUTH-FOREIGN-403 (needs the foreign token or chat); in dataset mode ORG-ALL-MESSAGES.


def known_chats(target):
    roles = [("populated", target.chat_id), ("empty", target.empty_chat_id), ("foreign", target.foreign_chat_id)]
    if target.dataset is not None and "other" in target.dataset.roles:
        roles.append(("other", target.dataset.roles["other"]))
    return [(role, chat) for role, chat in roles if chat is not None]


def expected_status(ctx, response, case):
    """no token → 401; another organisation's chat → 403; no such chat → 404; our chat → 200."""
    sent = fuzzing.SENT.get()
    pick, status = sent.pick, response.status_code
    if pick.chat_role == "drawn":
        if pick.key_name == "none" and status not in (400, 401):
            raise Violation("ORG-AUTH-MISSING-401", f"a request without a token was answered {status}")
        return
    ours = pick.chat_role in PRIMARY_ROLES
    if pick.key_name == "none":
        invariants.status_is(status, [401], "ORG-AUTH-MISSING-401", "no Authorization header")
    elif pick.key_name == "foreign" and ours or pick.key_name == "primary" and pick.chat_role == "foreign":
        invariants.status_is(status, [403], "ORG-AUTH-FOREIGN-403", "a chat of another organisation")
    elif pick.chat_role == "unknown":
        if not (sent.target.dataset and any(c.id == pick.chat_id for c in sent.target.dataset.chats)):
            # A negative id may also be refused as invalid (IMPL-ORG-NEGATIVE-ID).
            allowed = [404] if int(pick.chat_id) >= 0 else [400, 404]
            invariants.status_is(status, allowed, "ORG-CHAT-UNKNOWN-404", "an integer id that names no chat")


def body_rules(ctx, response, case):
    sent = fuzzing.SENT.get()
    if response.status_code == 200:
        body = invariants.json_body(sent.exchange.body, "ORG-BODY-ARRAY")
        invariants.org_body_conforms(body)
        invariants.org_messages_name_chat(body, sent.pick.chat_id)
        dataset = sent.target.dataset
        chat = next((c for c in dataset.chats if c.id == sent.pick.chat_id), None) if dataset else None
        if chat is not None:
            invariants.org_all_messages([m["id"] for m in body], [m["id"] for m in chat.messages])
    elif response.status_code >= 400:
        invariants.error_body_is_object_of_strings(sent.exchange.body)


@pytest.mark.requirement(*CHECKED)
@schema.parametrize()
def test_generated_requests_meet_the_contract(case, target, client):
    if target.missing("api_key", "chat_id"):
        pytest.skip(target.missing("api_key", "chat_id"))
    fuzzing.run_case(case, target, client, known_chats(target), [expected_status, body_rules])
