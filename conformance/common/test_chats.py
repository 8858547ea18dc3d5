"""Which chat is read, in every profile: an id that names no chat is 404, an id of the wrong form is refused, an
empty chat has no messages.

`unknown_chat_id` and `malformed_chat_id` are drawn from the run's profile (the plugin parametrizes them).
"""

from __future__ import annotations

from conformance.sends import sends
from conformance.rules import bodies, chats, checks
from conformance.violations import citing


@checks(chats.unknown_is_404)
@sends(lambda target, unknown_chat_id: (unknown_chat_id, None, target.api_key), needs=("api_key",))
def test_unknown_chat_is_404(answer, target, unknown_chat_id):
    with citing(answer):
        chats.unknown_is_404[target.profile](answer.status, "a well-formed chat id that names no chat",
                                             target.profile.unknown_chat_statuses(unknown_chat_id))


@checks(chats.malformed_id_refused)
@sends(lambda target, malformed_chat_id: (malformed_chat_id, None, target.api_key), needs=("api_key",))
def test_malformed_chat_id_is_refused(answer, target, malformed_chat_id):
    with citing(answer):
        chats.malformed_id_refused[target.profile](answer.status, f"chat id {malformed_chat_id!r}",
                                                   target.profile.malformed_statuses)


@checks(chats.malformed_id_400)
@sends(lambda target, malformed_chat_id: (malformed_chat_id, None, target.api_key), needs=("api_key",))
def test_malformed_chat_id_is_answered_400_where_the_docs_say_so(answer, target, malformed_chat_id):
    with citing(answer):
        chats.malformed_id_400[target.profile](answer.status, f"chat id {malformed_chat_id!r}")


@checks(chats.empty_chat)
def test_empty_chat_is_answered_with_no_messages(client, target, need):
    need("api_key", "empty_chat_id")
    exchange = client.get_messages(target.empty_chat_id, key=target.api_key)
    rule = chats.empty_chat[target.profile]
    with citing(exchange):
        rule.expect(exchange.status, [200], "an existing chat of the caller's without messages")
        rule(bodies.conforming(exchange.body, target.profile.messages_key), target.profile.messages_key)
