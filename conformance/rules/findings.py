"""Which rule a Schemathesis finding breaks: the one table from Schemathesis failure codes to rules.

A code maps to a rule, and the rule to its requirement id in the run's profile. Findings no entry names are
reported as themselves (their code and title), never blamed on a requirement.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance import parameters
from conformance.rules import bodies, chats, http, params
from conformance.rules.registry import Rule

BUILTIN: Mapping[str, Rule] = {
    "ST101": http.no_server_error,  # a 5xx
    "ST102": http.no_server_error,  # the server closed the connection on a generated request
    "ST103": http.status_documented,
    "ST104": http.json_content_type,
    "ST105": http.json_content_type,
    "ST106": http.json_content_type,
}
# ST104-106 on an error: its media type, which only the docs of some variants give (IMPL-ERROR-MEDIA-TYPE).
MEDIA_TYPE_CODES = ("ST104", "ST105", "ST106")
ERROR_MEDIA_TYPE = http.error_media_type
# ST108 (schema) and ST109 (not JSON): by the answer's outcome and where in the body the finding is.
BODY_CODES = ("ST108", "ST109")
BODIES: Mapping[tuple[str, str], tuple[Rule, ...]] = {
    ("ok", "envelope"): (bodies.page_envelope, bodies.org_array),
    ("ok", "item"): (bodies.page_messages, bodies.org_messages),
    ("error", "envelope"): (http.error_is_json_object, http.error_is_object_of_strings),
    ("error", "item"): (http.error_is_json_object, http.error_is_object_of_strings),
}
# ST201: a request the spec forbids was answered 200. By the parameter its message names.
NEGATIVE = "ST201"
NEGATIVE_PARAMETERS: Mapping[str, Rule] = {
    "limit": params.limit_invalid_refused, "offset": params.offset_invalid_refused,
    "order": params.order_invalid_refused, "chat_id": chats.malformed_id_refused, "chatID": chats.malformed_id_refused,
}
LIMIT_ABOVE_MAX, LIMIT_ZERO = params.limit_above_max_refused, params.limit_zero


def body_rule(outcome: str, depth: int, item_depth: int, profile: str) -> str:
    """The requirement id a body finding breaks: `outcome` ok | error, `depth` of its place in the body."""
    rules = BODIES[(outcome, "item" if depth >= item_depth else "envelope")]
    return next(r.id_in(profile) for r in rules if r.id_in(profile))  # type: ignore[return-value]


def negative_rules(query: Mapping[str, Any], message: str) -> list[Rule]:
    """The rule a negative request answered 200 breaks, from its query and Schemathesis's message."""
    if parameters.integer(query.get("limit")) == 0:
        return [LIMIT_ZERO]
    found = [r for name, r in NEGATIVE_PARAMETERS.items() if f"`{name}`" in message]
    if found and found[0] is params.limit_invalid_refused and "maximum" in message:
        return [LIMIT_ABOVE_MAX]
    return found[:1]
