"""conformance/rules/chats.py: org-token's messages name the path's chat, and every message of it comes once.

Every rejection is asserted by the requirement id it raises, so a rule that fails for the wrong reason fails here.
A rule both profiles have is called bound to each (`rule[profile]`), and must name that profile's id."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.rules import chats
from rule_inputs import FAST, org_message, violates


# ------------------------------------------------------------------ org-token rules

@FAST
@given(chat_id=st.integers(1, 10**9), count=st.integers(0, 10))
def test_org_messages_name_chat_accepts_messages_of_the_path_chat(chat_id, count):
    chats.org_messages_name_chat([org_message(id=i, chat_id=chat_id) for i in range(count)], chat_id)


@pytest.mark.parametrize("wrong", [28069, "28068", True, None, 0], ids=["other chat", "string", "bool", "null", "zero"])
def test_org_messages_name_chat_rejects_another_chat_id(wrong):
    messages = [org_message(), org_message(id=2, chat_id=wrong)]
    with violates("ORG-MSG-CHAT-ID"):
        chats.org_messages_name_chat(messages, 28068)


def test_org_messages_name_chat_rejects_a_message_without_chat_id():
    message = org_message()
    del message["chat_id"]
    with violates("ORG-MSG-CHAT-ID"):
        chats.org_messages_name_chat([message], 28068)


def test_org_messages_name_chat_rejects_true_for_chat_1():
    with violates("ORG-MSG-CHAT-ID"):
        chats.org_messages_name_chat([org_message(chat_id=True)], 1)


@FAST
@given(expected=st.lists(st.integers(1, 10**6), unique=True, max_size=30), data=st.data())
def test_org_all_messages_accepts_every_message_once_in_any_order(expected, data):
    chats.org_all_messages(data.draw(st.permutations(expected)), expected)


@FAST
@given(expected=st.lists(st.integers(1, 10**6), unique=True, min_size=1, max_size=30), data=st.data())
def test_org_all_messages_rejects_a_duplicate_a_missing_or_a_stranger(expected, data):
    returned = data.draw(st.permutations(expected))
    with violates("ORG-ALL-MESSAGES"):
        chats.org_all_messages([*returned, data.draw(st.sampled_from(expected))], expected)
    with violates("ORG-ALL-MESSAGES"):
        chats.org_all_messages(returned[1:], expected)
    stranger = data.draw(st.integers(1, 10**6).filter(lambda i: i not in expected))
    with violates("ORG-ALL-MESSAGES"):
        chats.org_all_messages([*returned, stranger], expected)
    with violates("ORG-ALL-MESSAGES"):
        chats.org_all_messages([*returned[1:], stranger], expected)
