"""The Schemathesis layer: the spec drives generated GETs; every answer is held to the same rules.

Loaded eagerly at import (the target is known only at run time, so the URL and keys are given per call).
Requests go through the suite's Client (GET only, timeout, budget, rate limit); Schemathesis validates
the answers with its built-in checks and ours, and each failure is mapped back to requirement ids.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode

from conformance import parameters, strict_json
from conformance.client import Client
from conformance.exchange import Exchange
from conformance.transport.errors import TargetError
from conformance.edge import written_by_edge
from conformance.parameters import DEFAULTS
from conformance.profiles import Profile
from conformance.rules import Kind, Rule, access, answers, chats, checks, findings, http, ids_of, params
from conformance.rules.registry import vouch
from conformance.target import Target
from conformance.violations import Violation, flatten

BUILTIN_CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]

HUGE_OFFSET = 2**31 - 1
UNDOCUMENTED_CONTENT_TYPE = "ST105"
REQUIREMENT_PREFIX = re.compile(r"^([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+): ")


@dataclass(frozen=True)
class FuzzSettings:
    examples: int = 60
    seed: int | None = None
    base_url: str | None = None  # the target's, once known: its path is the spec's server path


@dataclass(frozen=True)
class Pick:
    """Which chat and which key a generated case is sent with, and what the target should say to it."""

    chat_id: Any
    chat_role: str  # a dataset role, "unknown" (no such chat), or "drawn" (left as generated)
    key_name: str  # primary | foreign | none


@dataclass(frozen=True)
class Sent:
    pick: Pick
    exchange: Exchange
    target: Target

    def dataset_chat(self) -> Any:
        """The dataset's chat the case was sent to, when the run has a dataset and the chat is one of it."""
        dataset = self.target.dataset
        return next((c for c in dataset.chats if c.id == self.pick.chat_id), None) if dataset else None


SENT: contextvars.ContextVar[Sent] = contextvars.ContextVar("conformance_sent")


class GeneratedCaseFailed(AssertionError):
    """A generated request broke rules; `requirements` names them, `unattributed` holds the findings that map
    to no requirement (each as its Schemathesis code and title), reported as themselves."""

    def __init__(self, requirements: list[str], message: str, unattributed: Sequence[str] = (),
                 har_id: str | None = None) -> None:
        super().__init__(message)
        self.requirements = requirements
        self.unattributed = list(unattributed)
        self.har_id = har_id  # the HAR entry of the generated request (--record, --from-har)


def load_schema(profile: Profile, settings: FuzzSettings) -> Any:
    # Derandomized unless the user asks to explore with a seed; never an example database in the user's tree.
    config = schemathesis.Config(seed=settings.seed) if settings.seed is not None else None
    schema = schemathesis.openapi.from_path(profile.spec_path, config=config)
    schema.config.generation.update(
        modes=list(GenerationMode), max_examples=settings.examples, with_security_parameters=False, database="none",
        deterministic=settings.seed is None,
    )
    if settings.base_url:
        # Behind a path prefix (a gateway's /prefix), the checks match answers to cases by the full path.
        schema.config.update(base_url=settings.base_url)
    # GET only: the coverage phase would otherwise send POST, PUT, ... ; ignored_auth re-sends requests.
    schema.config.phases.coverage.unexpected_methods = set()
    schema.config.checks.ignored_auth.enabled = False
    schema.config.checks.negative_data_rejection.expected_statuses = list(profile.rejections)
    schema.hook("filter_failure")(_accepted_readings)
    return schema


def _accepted_readings(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """filter_failure: what the catalogue accepts is not a failure.

    An error written as application/problem+json or another +json type (IMPL-ERROR-MEDIA-TYPE); negative
    requests allowed to succeed: limit=0 with an empty page (IMPL-LIMIT-ZERO), an empty value as if absent
    (IMPL-EMPTY-VALUE), order in other letter case read as its lower-case value (IMPL-ORDER-CASE; the page
    rules judge the order).
    """
    if getattr(failure, "code", "") == UNDOCUMENTED_CONTENT_TYPE and response.status_code >= 400:
        return not http.is_error_media_type(str(response.headers.get("content-type", [""])[0]))
    if not isinstance(failure, AcceptedNegativeData) or response.status_code != 200:
        return True
    if any(str(value) == "" for value in case.query.values()):
        return False
    if _order_in_other_case(case.query):
        return False
    if parameters.integer(case.query.get("limit")) == 0:
        try:
            return response.json().get("messages") != []
        except (ValueError, AttributeError):
            return True
    return True


def _order_in_other_case(query: dict[str, Any]) -> bool:
    """order=ASC, Desc, …: the only thing wrong with the query (offset and limit, if any, are valid)."""
    order = str(query.get("order", ""))
    if parameters.order(order) or not parameters.order(order.lower()):
        return False
    return (parameters.integer(query.get("offset", DEFAULTS["offset"])) is not None
            and parameters.limit(query.get("limit", DEFAULTS["limit"])) is not None)


def known_chats(target: Target) -> list[tuple[str, Any]]:
    """(role, chat id) pairs the generated cases are sent to; the first is the coverage phase's chat."""
    roles = [("populated", target.chat_id), ("empty", target.empty_chat_id), ("foreign", target.foreign_chat_id)]
    if target.dataset is not None:
        roles += [(r, chat) for r, chat in target.dataset.roles.items() if r not in ("populated", "empty", "foreign")]
    return [(role, chat) for role, chat in roles if chat is not None]


# The rules every generated answer is held to in every profile (Schemathesis's checks and expected_status).
COMMON_RULES = (http.answered, http.no_server_error, http.status_documented, http.json_content_type,
                access.missing_key_401, chats.unknown_is_404, chats.malformed_id_refused, answers.ERROR)


def expected_status(ctx: Any, response: Any, case: Any) -> None:
    """Who may see what: no key → 401; another tenant's chat → its refusal; no chat → 404; our chat → 200."""
    sent = SENT.get()
    pick, status, profile = sent.pick, response.status_code, sent.target.profile
    if pick.chat_role == "drawn" or case.meta.generation.mode.value == "negative":
        if pick.key_name == "none":
            access.missing_key_401[profile](status, "a request without a key", allowed=(400, 401))
        return
    ours = pick.chat_role not in ("foreign", "unknown")
    # An offset beyond 32 bits may be refused (IMPL-HUGE-OFFSET), before or after the chat is looked up.
    refused = (400,) if int(str(case.query.get("offset", 0))) > HUGE_OFFSET else ()
    if pick.key_name == "none":
        access.missing_key_401[profile](status, f"no {sent.target.auth_header} header")
    elif pick.key_name == "foreign" and ours or pick.key_name == "primary" and pick.chat_role == "foreign":
        access.foreign_refused[profile](status, (profile.foreign_status, *refused), "a chat of another tenant")
    elif pick.chat_role == "unknown":
        dataset = sent.target.dataset
        if not (dataset and any(c.id == pick.chat_id for c in dataset.chats)):
            chats.unknown_is_404[profile](status, "a chat id that names no chat",
                                          (*profile.unknown_chat_statuses(pick.chat_id), *refused))
    elif params.valid_accepted.id_in(profile):
        params.valid_accepted(status, "valid parameters for the caller's own chat", (200, *refused))


def error_answers(ctx: Any, response: Any, case: Any) -> None:
    """Every error answer meets the rules of every error answer (answers.ERROR)."""
    if response.status_code >= 400:
        sent = SENT.get()
        answers.judge(answers.ERROR, sent.exchange, sent.target.profile)


def choose(case: Any, target: Target, roles: Sequence[tuple[str, Any]]) -> Pick:
    """A pure function of the case, so that runs repeat: which chat and key to send it with."""
    drawn = case.path_parameters.get(target.profile.chat_id_parameter)
    if case.meta.is_negative_at("path"):
        return Pick(drawn, "drawn", "primary")
    seed = uuid.uuid5(uuid.NAMESPACE_URL, repr(sorted(case.query.items())) + repr(drawn)).int
    if case.meta.phase.name.value == "coverage":
        return Pick(roles[0][1], roles[0][0], "primary")
    choices = [*roles, ("unknown", drawn)]
    role, chat_id = choices[seed % len(choices)]
    # Mostly the primary key; the foreign key (when known) and no key now and then.
    key_names = ("primary",) * 6 + (("foreign",) if target.foreign_api_key is not None else ()) + ("none",)
    return Pick(chat_id, role, key_names[(seed // 7) % len(key_names)])


def run_case(case: Any, target: Target, client: Client, checks: Sequence[Callable[..., None]]) -> None:
    """Send one generated case (GET only) and hold its answer to Schemathesis's checks, expected_status and `checks`."""
    assert case.method == "GET", "the suite sends GET requests only"
    # A target that stopped answering fails the test once: Hypothesis would otherwise replay and shrink the failing
    # case, waiting out the timeout each time. Keyed by operation, so each test trips its own breaker.
    label = f"{target.profile.name} {case.operation.label}"
    if label in client.tripped:
        raise client.tripped[label]
    pick = choose(case, target, known_chats(target))
    if pick.chat_role != "drawn":
        case.path_parameters[target.profile.chat_id_parameter] = pick.chat_id
    headers, kwargs = _request(case, target, pick)
    try:
        exchange = client.get(kwargs["url"], params=kwargs.get("params"), headers=_plain(kwargs.get("headers")))
    except TargetError as exc:
        client.tripped[label] = exc
        client.cancel_ahead()
        raise
    if written_by_edge(exchange, client.seen) is not None:
        return  # the edge's answer (a WAF's 403 for a generated string): no rule is judged on it; the run counts it
    _refuse_unreadable_json(exchange, target.profile)
    http.answered[target.profile](None)  # it came, whole and in time
    token = SENT.set(Sent(pick, exchange, target))
    ids: set[str] = set()
    try:
        case.validate_response(_as_schemathesis(exchange),
                               checks=[*BUILTIN_CHECKS, expected_status, error_answers, *checks],
                               headers=headers, transport_kwargs=kwargs)
    except FailureGroup as group:
        unattributed: list[str] = []
        for failure in group.exceptions:
            found = requirements_of(failure, exchange, target.profile, case.query)
            if found is None:
                continue  # a finding about what this profile's docs do not ask
            ids.update(found)
            if not found:
                unattributed.append(f"{getattr(failure, 'code', '') or type(failure).__name__} "
                                    f"{getattr(failure, 'title', '') or failure}")
        if ids or unattributed:
            raise GeneratedCaseFailed(sorted(ids), str(group), unattributed, exchange.har_id) from None
    finally:
        SENT.reset(token)
        # Schemathesis's own checks judged these on the answer: those that did not break held.
        for req_id in ids_of(set(findings.BUILTIN.values()), target.profile):
            if req_id not in ids:
                vouch(req_id)


@dataclass(frozen=True)
class PropertyTest:
    """A profile's property test, declared in its checks folder: the rules its answers are held to (beside
    Schemathesis's checks and expected_status) and the functions that apply them. The plugin builds the test at
    collection (build), once the run's settings are known: no state to set before the module is imported."""

    profile: Profile
    rules: tuple[Rule | Kind, ...]  # what the test proves: its requirement ids in the run's profile
    answer_checks: tuple[Callable[..., None], ...]  # Schemathesis checks (ctx, response, case); SENT.get() inside

    def build(self, settings: FuzzSettings) -> Callable[..., None]:
        schema = load_schema(self.profile, settings)
        answer_checks = list(self.answer_checks)

        @checks(*self.rules)
        @schema.parametrize()
        def test_generated_requests_meet_the_contract(case: Any, target: Target, client: Client, request: Any) -> None:
            if target.missing("api_key", "chat_id"):
                pytest.skip(target.missing("api_key", "chat_id"))
            send_ahead(request.node.obj, target, client)
            run_case(case, target, client, answer_checks)

        return test_generated_requests_meet_the_contract


def _request(case: Any, target: Target, pick: Pick) -> tuple[dict[str, str], dict[str, Any]]:
    """The auth headers and the transport arguments `case` is sent with, to the chat and key of `pick`."""
    key = {"primary": target.api_key, "foreign": target.foreign_api_key, "none": None}[pick.key_name]
    headers = {target.auth_header: key} if key is not None else {}
    return headers, case.as_transport_kwargs(base_url=target.base_url, headers=headers)


def send_ahead(test: Any, target: Target, client: Client) -> None:
    """The explicit examples of a generated test (the spec's examples and Schemathesis's coverage phase: known
    before the first runs) sent ahead together (--concurrency), each as run_case will send it; once per test."""
    if getattr(test, "conformance_sent_ahead", False):
        return
    test.conformance_sent_ahead = True
    requests_ahead = []
    for example in getattr(test, "hypothesis_explicit_examples", []):
        case = getattr(example, "kwargs", {}).get("case")
        if case is None or case.method != "GET":
            continue
        pick = choose(case, target, known_chats(target))
        drawn = case.path_parameters.get(target.profile.chat_id_parameter)
        if pick.chat_role != "drawn":
            case.path_parameters[target.profile.chat_id_parameter] = pick.chat_id
        try:
            requests_ahead.append(_request(case, target, pick)[1])
        finally:
            if drawn is None:
                case.path_parameters.pop(target.profile.chat_id_parameter, None)
            else:
                case.path_parameters[target.profile.chat_id_parameter] = drawn
    client.send_ahead([(k["url"], k.get("params"), _plain(k.get("headers"))) for k in requests_ahead])


def _refuse_unreadable_json(exchange: Exchange, profile: Profile) -> None:
    """A body nested too deep would crash Schemathesis's own JSON reading: judged here, by the body's rule."""
    try:
        strict_json.loads(exchange.body)
    except strict_json.TooDeep as exc:
        req = findings.body_rule(_outcome(exchange), 0, profile.item_depth, profile.name)
        raise GeneratedCaseFailed([req], f"{req}: the body is not JSON ({exc})\n{exchange.excerpt()}",
                                  har_id=exchange.har_id) from None
    except strict_json.JSONError:
        pass  # Schemathesis and the rules say what is wrong with it


def _outcome(exchange: Exchange) -> str:
    return "ok" if exchange.status == 200 else "error"


def _plain(headers: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (headers or {}).items()}


def requirements_of(failure: Any, exchange: Exchange, profile: Profile, query: dict[str, Any]) -> list[str] | None:
    """The requirement ids a Schemathesis failure breaks in `profile` (findings.py holds the table); None when it is
    about what the profile's docs do not ask (an error's media type in the main variant)."""
    code = getattr(failure, "code", "")
    if code in findings.MEDIA_TYPE_CODES and exchange.status >= 400:
        return ids_of([findings.ERROR_MEDIA_TYPE], profile) or None
    if code == "ST901":  # one of our own checks: the Violation(s) it raised name their ids
        found = [f.requirement for f in flatten(getattr(failure, "exception", None) or failure)
                 if isinstance(f, Violation)]
        if found:
            return found
        match = REQUIREMENT_PREFIX.match(str(getattr(failure, "message", "")))
        return [match.group(1)] if match else []
    if code in findings.BUILTIN:
        return ids_of([findings.BUILTIN[code]], profile)
    if code in findings.BODY_CODES:
        depth = len(list(getattr(failure, "instance_path", []) or []))
        return [findings.body_rule(_outcome(exchange), depth, profile.item_depth, profile.name)]
    if code == findings.NEGATIVE:
        if isinstance(query.get("limit"), list) and params.repeated_limit.id_in(profile):
            return None  # a repeated limit answered 200 may use the default (its rule, repeated_limit, reads the page)
        return ids_of(findings.negative_rules(query, str(getattr(failure, "message", ""))), profile)
    return []


def _as_schemathesis(exchange: Exchange) -> Response:
    # The recorded request carries the masked key only: nothing Schemathesis prints can hold a secret.
    request = requests.Request("GET", exchange.url, headers=dict(exchange.request_headers)).prepare()
    headers = {k: [v] for k, v in exchange.headers.items() if k not in ("content-encoding", "content-length")}
    return Response(
        status_code=exchange.status, headers=headers, content=exchange.body, request=request,
        elapsed=exchange.elapsed, message="", encoding="utf-8", http_version="1.1", verify=True,
    )
