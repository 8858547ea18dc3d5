"""The query string, in every profile: parameters the docs do not define are ignored, never a server error."""

from __future__ import annotations

import pytest

from conformance.probes import probe
from conformance.rules import checks, http, params
from conformance.violations import evidence

UNKNOWN_PARAMETERS = [{"foo": "1"}, {"page": "2"}, {"sort": "created_at"}, {"cursor": "abc"}, {"_": "1700000000000"}]


@checks(http.no_server_error, params.unknown_ignored)
@pytest.mark.parametrize("query", UNKNOWN_PARAMETERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
@probe(lambda target, query: (target.chat_id, query, target.api_key))
def test_unknown_parameters_are_ignored(client, target, answer, query):
    plain = client.get_messages(target.chat_id, key=target.api_key)
    profile = target.profile
    with evidence(answer):
        http.no_server_error[profile](answer.status)
        params.unknown_ignored[profile](answer.status, profile.message_ids(answer.parsed[1]), plain.status,
                                        profile.message_ids(plain.parsed[1]), "&".join(f"{k}={v}" for k, v in query.items()))
