"""Which chat is read, in every profile: an id that names no chat is 404, an id of the wrong form is refused, an
empty chat has no messages.

`unknown_chat_id` and `malformed_chat_id` are drawn from the run's profile (the plugin parametrizes them).
"""

from __future__ import annotations

from conformance.rules import bodies, chats, checks
from conformance.violations import evidence


@checks(chats.unknown_is_404)
def test_unknown_chat_is_404(client, target, need, unknown_chat_id):
    need("api_key")
    exchange = client.get_messages(unknown_chat_id, key=target.api_key)
    with evidence(exchange):
        chats.unknown_is_404[target.profile](exchange.status, "a well-formed chat id that names no chat",
                                             target.profile.unknown_chat_statuses(unknown_chat_id))


@checks(chats.malformed_id_refused)
def test_malformed_chat_id_is_refused(client, target, need, malformed_chat_id):
    need("api_key")
    exchange = client.get_messages(malformed_chat_id, key=target.api_key)
    with evidence(exchange):
        chats.malformed_id_refused[target.profile](exchange.status, f"chat id {malformed_chat_id!r}",
                                                   target.profile.malformed_statuses)


@checks(chats.empty_chat)
def test_empty_chat_is_answered_with_no_messages(client, target, need):
    need("api_key", "empty_chat_id")
    exchange = client.get_messages(target.empty_chat_id, key=target.api_key)
    rule = chats.empty_chat[target.profile]
    with evidence(exchange):
        rule.expect(exchange.status, [200], "an existing chat of the caller's without messages")
        rule(bodies.conforming(exchange.body, target.profile.messages_key), target.profile.messages_key)
