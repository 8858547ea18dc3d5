"""The query string, in every profile: parameters the docs do not define are ignored, never a server error."""

from __future__ import annotations

import pytest

from conformance.sends import sends
from conformance.rules import checks, http, params
from conformance.tenant_key import live
from conformance.violations import citing

UNKNOWN_PARAMETERS = [{"foo": "1"}, {"page": "2"}, {"sort": "created_at"}, {"cursor": "abc"}, {"_": "1700000000000"}]


@checks(http.no_server_error, params.unknown_ignored)
@pytest.mark.parametrize("query", UNKNOWN_PARAMETERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
@sends(lambda target, query: (target.chat_id, query, target.api_key))
def test_unknown_parameters_are_ignored(client, target, answer, query):
    profile = target.profile
    first = [answer]

    def read():  # the probe (sent ahead, the first time), then the plain read
        asked = first.pop() if first else client.get(client.messages_path(target.chat_id), query,
                                                      {target.auth_header: target.api_key}, fresh=True)
        return asked, client.get(client.messages_path(target.chat_id), None, {target.auth_header: target.api_key},
                                 fresh=target.dataset is None)

    def ids(exchange):
        return profile.message_ids(exchange.parsed[1]) if exchange.status == 200 else None

    answer, plain = live.compare_still(read, lambda a, b: (a.status, ids(a)) == (b.status, ids(b)), ids,
                                       target.dataset is None, params.unknown_ignored)
    with citing(answer):
        http.no_server_error[profile](answer.status)
        params.unknown_ignored[profile](answer.status, profile.message_ids(answer.parsed[1]), plain.status,
                                        profile.message_ids(plain.parsed[1]), "&".join(f"{k}={v}" for k, v in query.items()))
