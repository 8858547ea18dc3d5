"""Passive conformance: traffic the suite did not send (a HAR file captured by a gateway, a proxy or a browser)
held to the registry's rules.

Pure functions, in three steps: the file's entries → the exchanges of the endpoint (`load_capture`: GETs of
`/api/v1/chats/{chat_id}/messages` under the base path, the auth header replaced by a label) → a verdict per
requirement id (`judge`). A rule is judged only where the traffic shows what it needs; a requirement fails where
one of its rules broke, passes where one actually ran and held (the registry tells which ran: `registry.watched`),
and is otherwise "not exercised by this traffic", never passed, never failed.

Keys: every credential value found in the file (the auth header, Authorization, cookies, a key in the query) is
given to the redactor before anything is printed. Answers to different keys are told apart by the labels of a
file written by --record style tools (`_auth`: `<primary key>`, `<foreign key>`, `<near miss: …>`, …) or, in a
raw capture, by an HMAC of the header value under a random key made for this process: held in memory only, each
key shown as `<captured key N>`.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from conformance import har
from conformance.client import Exchange
from conformance.masking import REDACTOR
from conformance.profiles import Profile
from conformance import spec
from conformance.rules import access, answers, bodies, chats, http, ordering, pagination, params
from conformance.rules.params import DEFAULTS
from conformance.rules.registry import Rule, watched
from conformance.tenant_key import pages
from conformance.violations import Inconclusive, Violation, evidence

ENDPOINT = re.compile(r"(?P<prefix>.*)/api/v1/chats/(?P<chat>[^/]+)/messages/?")
# Header and query names whose values are credentials: masked in all output, whatever the profile's header.
CREDENTIAL = re.compile(r"auth|key|token|secret|cookie|session|password", re.IGNORECASE)
TENANT_LABEL = re.compile(r"<(\w+) key>")  # a label of a valid key of a named tenant (<primary key>, <foreign key>)
NEAR_MISS_LABEL = re.compile(r"<near miss(?: of the \w+ key)?: (?P<how>[^>]+)>")
NO_SUCH_KEY_LABEL = re.compile(r"<no such key[^>]*>")
SALT = os.urandom(32)  # the key of the fingerprints of this process: never written, gone when it ends


class CaptureError(har.HarError):
    """The file holds nothing this mode can judge; the message says why."""


@dataclass(frozen=True)
class Captured:
    """One GET of the endpoint from the capture, as an Exchange (auth header as its label) and what it asked."""

    exchange: Exchange
    chat: str  # the chat id of the path, as written (percent-decoded)
    who: str | None  # the label of its key (None: no auth header)
    query: tuple[tuple[str, str], ...]
    body_known: bool  # the capture kept the body (content.text present)
    type_known: bool  # the capture kept the response headers (or a mimeType)

    @property
    def entry(self) -> str:
        return self.exchange.har_id or "?"


@dataclass(frozen=True)
class Capture:
    source: str
    profile: Profile
    exchanges: tuple[Captured, ...]
    entries: int  # every entry of the file
    set_aside: Mapping[str, int]  # entries of the endpoint not judged, by reason
    origins: tuple[str, ...]  # where the judged exchanges went (scheme://host[:port]/prefix)
    keys: int  # distinct auth header values (or labels) seen

    def describe(self) -> str:
        aside = "; ".join(f"{n} {why}" for why, n in self.set_aside.items())
        return (f"{len(self.exchanges)} exchanges of the endpoint judged of {self.entries} HAR entries"
                f"{f' ({aside}: set aside)' if aside else ''}, {self.keys} key(s), to {', '.join(self.origins)}")


# ------------------------------------------------------------------ the file → exchanges

def load_capture(entries: Sequence[Mapping[str, Any]], source: str, profile: Profile, auth_header: str,
                 base_url: str | None = None) -> Capture:
    """The endpoint's GETs among a HAR log's entries (har.parse), every credential in them masked from now on;
    CaptureError when there is none to judge."""
    mask_credentials(entries)
    return capture_of(entries, source, profile, auth_header, base_url)


def mask_credentials(entries: Sequence[Mapping[str, Any]]) -> None:
    """Every credential value of every entry (requests and answers) to the redactor: masked in all output."""
    for item in entries:
        request, response = item.get("request") or {}, item.get("response") or {}
        # Answers: only the cookies they set (a header such as WWW-Authenticate names a scheme, not a secret).
        issued = [("cookie", v) for n, v in _pairs(response.get("headers")) if n.lower() == "set-cookie"]
        pairs = [*_pairs(request.get("headers")), *_pairs(request.get("cookies")), *issued,
                 *_pairs(response.get("cookies")), *_pairs(request.get("queryString"))]
        pairs += parse_qsl(urlsplit(str(request.get("url", ""))).query, keep_blank_values=True)
        for name, value in pairs:
            if CREDENTIAL.search(name):
                REDACTOR.add(value)
                scheme, _, token = value.partition(" ")  # "Bearer <token>": the token alone too
                if token and scheme.isalpha():
                    REDACTOR.add(token.strip())


def _pairs(items: Any) -> list[tuple[str, str]]:
    if not isinstance(items, list):
        return []
    return [(str(h.get("name", "")), str(h.get("value", ""))) for h in items if isinstance(h, dict)]


def capture_of(entries: Sequence[Mapping[str, Any]], source: str, profile: Profile, auth_header: str,
               base_url: str | None = None) -> Capture:
    prefix = base_url.rstrip("/") if base_url else None
    names: dict[bytes, str] = {}  # fingerprint → label
    found: list[Captured] = []
    aside: Counter[str] = Counter()
    origins: dict[str, None] = {}
    for index, item in enumerate(entries):
        request, response = item["request"], item["response"]
        url = request["url"]
        split = urlsplit(url)
        match = ENDPOINT.fullmatch(split.path)
        if match is None or (prefix is not None and not url.startswith(prefix + "/api/")):
            continue
        why = _not_judged(request["method"], response, item)
        if why:
            aside[why] += 1
            continue
        who = _who(item, auth_header, names)
        headers = {name.lower(): value for name, value in har.response_headers(item)}
        content = response.get("content") or {}
        type_known = bool(response.get("headers")) or bool(content.get("mimeType"))
        if "content-type" not in headers and content.get("mimeType"):
            headers["content-type"] = str(content["mimeType"])
        exchange = Exchange(
            url=REDACTOR.scrub(url),
            request_headers=((auth_header, who),) if who is not None else (),
            status=response["status"], headers=headers, body=har.body_of(content),
            har_id=item["_id"] if isinstance(item.get("_id"), str) else f"#{index}",
        )
        found.append(Captured(exchange, unquote(match["chat"]), who,
                              tuple(parse_qsl(split.query, keep_blank_values=True)),
                              isinstance(content.get("text"), str), type_known))
        origins[REDACTOR.scrub(f"{split.scheme}://{split.netloc}{match['prefix']}")] = None
    if not found:
        detail = f" ({'; '.join(f'{n} {why}' for why, n in aside.items())})" if aside else ""
        where = f" under {prefix}" if prefix else ""
        raise CaptureError(f"no exchange of GET /api/v1/chats/{{chat_id}}/messages{where} to judge among its "
                           f"{len(entries)} entries{detail}")
    keys = len({c.who for c in found if c.who is not None})
    return Capture(source, profile, tuple(found), len(entries), dict(aside), tuple(origins), keys)


def _not_judged(method: str, response: Mapping[str, Any], item: Mapping[str, Any]) -> str | None:
    """Why an entry of the endpoint's path is not judged (None: it is)."""
    status = response["status"]
    if method.upper() != "GET":
        return f"{method.upper()} requests (the endpoint is GET only)"
    if status == 0 or item.get("_error"):
        return "requests without an answer (status 0: cancelled, blocked or failed on the client's side)"
    if status == 304 or item.get("_fromCache"):
        return "answers from the client's cache (304 or _fromCache)"
    retry_after = any(h.lower() == "retry-after" for h, _ in har.response_headers(item))
    if status == 429 or (status == 503 and retry_after):
        return "throttled answers (429, or 503 with Retry-After: IMPL-THROTTLING)"
    return None


def _who(item: Mapping[str, Any], auth_header: str, names: dict[bytes, str]) -> str | None:
    """The key's label: the entry's own (`_auth`), else `<captured key N>` by a fingerprint of the value."""
    if "_auth" in item:
        return item["_auth"] if isinstance(item["_auth"], str) else None
    values = [h.get("value") for h in item["request"].get("headers") or []
              if isinstance(h, dict) and str(h.get("name", "")).lower() == auth_header.lower()]
    if not values or not isinstance(values[0], str):
        return None
    mark = hmac.new(SALT, values[0].encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
    return names.setdefault(mark, f"<captured key {len(names) + 1}>")


# ------------------------------------------------------------------ exchanges → verdicts

@dataclass
class Verdict:
    """What the traffic showed of one requirement."""

    held_on: dict[str, None] = field(default_factory=dict)  # entries on which a rule of it ran and held, in order
    broken: list[Violation] = field(default_factory=list)
    inconclusive: list[Inconclusive] = field(default_factory=list)
    lacking: tuple[str, ...] = ()  # situations where it can break that the traffic does not hold (SITUATIONS)

    @property
    def exercised(self) -> bool:
        return bool(self.broken or self.held_on and not self.lacking)

    @property
    def passed(self) -> bool:
        """Its rules ran and held, on traffic holding every situation where they can break."""
        return bool(self.held_on) and not self.broken and not self.lacking


class Ledger:
    """The verdicts, filled by judging blocks: every rule that runs inside one is told to it by the registry."""

    def __init__(self) -> None:
        self.by_id: dict[str, Verdict] = defaultdict(Verdict)
        self._seen: set[tuple[str, str, str]] = set()
        self.situations: set[str] = set()  # what the traffic holds (SITUATIONS' keys)

    @contextlib.contextmanager
    def judging(self, exchange: Exchange, entries: Sequence[str] = (), conclusive: bool = True) -> Iterator[None]:
        """Rules run inside are recorded on these entries (default: the exchange's). The block stops at the first
        rule broken, as a check does. `conclusive=False`: a weaker reading than the requirement's, whose failure
        counts but whose pass proves nothing."""
        entries = list(entries) or [exchange.har_id or "?"]
        held: list[str] = []
        try:
            with watched(lambda req_id, ok: held.append(req_id) if ok else None), evidence(exchange):
                yield
        except Violation as violation:
            shown = violation.exchange.har_id if violation.exchange is not None else None
            key = (violation.requirement, shown or entries[0], violation.detail)
            if key not in self._seen:
                self._seen.add(key)
                if len(entries) > 1:  # a rule across pages: name every page of the walk
                    violation = Violation(violation.requirement, f"{violation.detail} (the walk of HAR entries "
                                          f"{', '.join(entries)})", violation.exchange)
                self.by_id[violation.requirement].broken.append(violation)
        except Inconclusive as moved:
            for req_id in {i for r in moved.rules for i in r.ids.values()}:
                self.by_id[req_id].inconclusive.append(moved)
        finally:
            if conclusive:
                for req_id in dict.fromkeys(held):
                    self.by_id[req_id].held_on.update(dict.fromkeys(entries))


def judge(capture: Capture) -> dict[str, Verdict]:
    """Every rule the traffic can show, on every exchange, page and walk; requirement id → Verdict."""
    ledger = Ledger()
    profile = capture.profile
    valid = {c.who for c in capture.exchanges if c.exchange.status == 200 and c.who is not None}
    valid |= {c.who for c in capture.exchanges if c.who and TENANT_LABEL.fullmatch(c.who)}
    own = {(c.who, c.chat) for c in capture.exchanges if c.exchange.status == 200 and c.who is not None}
    # A file in which no request carries the auth header had it stripped (a browser's sanitized export): a request
    # without it there says nothing of what was sent.
    keys_kept = any(c.who is not None for c in capture.exchanges)
    first_reader: dict[str, str] = {}  # chat → the first key seen reading it (200): its tenant's, when labels tell
    for c in capture.exchanges:
        if c.exchange.status == 200 and c.who is not None:
            first_reader.setdefault(c.chat, c.who)
    read: list[tuple[Captured, Query, Any]] = []
    for captured in capture.exchanges:
        query = Query.of(captured.query, profile)
        judge_answer(ledger, captured, profile)
        if captured.who is not None or keys_kept:
            judge_access(ledger, captured, profile, query, valid, (captured.who, captured.chat) in own,
                         first_reader.get(captured.chat))
        body = judge_body(ledger, captured, profile, query)
        if body is not None:
            read.append((captured, query, body))
    if profile.messages_key:
        judge_walks(ledger, [(c, q, b) for c, q, b in read if q.valid])
        judge_refused_reads(ledger, capture, read, own)
    ledger.situations |= {f"status {c.exchange.status}" for c in capture.exchanges}
    if "walk without ties" in ledger.situations and "walk uncut at its ties" not in ledger.situations:
        ledger.situations.add("walk cut inside a tie")  # no walk met a tie it could have split
    verdicts = dict(ledger.by_id)
    for rule, needed in SITUATIONS.items():
        req_id = rule.id_in(profile)
        verdict = verdicts.get(req_id) if req_id else None
        wanted = [s for s in needed(profile)
                  if (s[4:] in ledger.situations if s.startswith("not ") else s not in ledger.situations)]
        if verdict is not None and wanted:
            verdict.lacking = tuple(SITUATION_NAMES.get(s, s) for s in wanted)
    return verdicts


# What the traffic must hold before a rule that held on it passes: the situations where it can break (those the live
# suite probes). Without them a rule that held proves nothing of the case a server gets wrong (a has_more off by one
# shows only with one message left; a panic only on the input that causes it): not exercised, with what is lacking.
def _every_answer(profile: Profile) -> list[str]:
    return [f"status {s}" for s in sorted(spec.documented_statuses(profile.name)) if s < 500]


def _every_error(profile: Profile) -> list[str]:
    return [s for s in _every_answer(profile) if s != "status 200"]


SITUATIONS: dict[Rule, Callable[[Profile], list[str]]] = {
    **dict.fromkeys((http.no_server_error, http.status_documented, http.json_content_type, http.no_internals,
                     http.no_internals_in_5xx), _every_answer),
    **dict.fromkeys((http.error_is_json_object, http.error_is_object_of_strings), _every_error),
    pagination.has_more: lambda _: ["left 0", "left 1", "left more"],
    pagination.length: lambda _: ["page full", "page short", "order asc", "order desc"],
    pagination.past_the_end: lambda _: ["past the end"],
    pagination.partition: lambda _: ["walk cut inside a tie"],  # or only walks without ties: see judge
    **dict.fromkeys((pagination.chat_scoped, pagination.ids_unique), lambda _: ["two chats walked"]),
    pagination.ids_unique_in_chat: lambda _: ["walk whole"],
    pagination.total: lambda _: ["walk whole", "not walk off its total", "not chats share messages"],
    ordering.ascending: lambda _: ["order asc", "order default"],
    ordering.descending: lambda _: ["order desc"],
}
SITUATION_NAMES = {
    "left 0": "page that ends at the chat's end", "left 1": "page with exactly one message after it",
    "left more": "page with more than one message after it", "page full": "page as long as its limit",
    "page short": "page shorter than its limit, not empty",
    "order asc": "page of two or more messages asked with order=asc",
    "order desc": "page of two or more messages asked with order=desc",
    "order default": "page of two or more messages asked without order",
    "past the end": "page asked at or past the end of a chat that has messages",
    "walk cut inside a tie": "whole walk with a page boundary inside a group of messages of equal created_at, "
                             "between pages at offsets of different parity (or of a chat without such groups)",
    "two chats walked": "two chats walked whole",
    "walk whole": "walk of a whole chat",
    "not chats share messages": "walks of chats that share no message (two did: the totals counted messages of "
                                "other chats)",
    "not walk off its total": "walk of a whole chat that read as many messages as its total said (one did not: the "
                              "total or the pages are wrong, and the traffic cannot tell which)",
}


@dataclass(frozen=True)
class Query:
    """The request's parameters, the documented defaults where absent (tenant-key); `problems` the values the
    docs do not allow, each with the rule that refuses it; `odd` a query no rule here reads (a repeated or
    empty value: judged by the live suite, which chooses its inputs)."""

    offset: int = DEFAULTS["offset"]
    limit: int = DEFAULTS["limit"]
    order: str = DEFAULTS["order"]
    problems: tuple[tuple[Any, str], ...] = ()
    odd: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems and not self.odd

    @classmethod
    def of(cls, pairs: Sequence[tuple[str, str]], profile: Profile) -> Query:
        if not profile.messages_key:
            return cls()  # org-token defines no parameter; others are ignored (params.unknown_ignored)
        given: dict[str, list[str]] = defaultdict(list)
        for name, value in pairs:
            given[name].append(value)
        if any(len(given[n]) > 1 or given[n] == [""] for n in DEFAULTS if n in given):
            return cls(odd=True)
        values = {n: given[n][0] for n in DEFAULTS if n in given}
        problems: list[tuple[Any, str]] = []
        offset, limit, order = DEFAULTS["offset"], DEFAULTS["limit"], DEFAULTS["order"]
        if "offset" in values:
            if values["offset"].isdigit() and values["offset"].isascii():
                offset = int(values["offset"])
            else:
                problems.append((params.offset_invalid_refused, f"offset={values['offset']}"))
        if "limit" in values:
            text = values["limit"]
            if not (text.isdigit() and text.isascii()):
                problems.append((params.limit_invalid_refused, f"limit={text}"))
            elif int(text) > 100:
                problems.append((params.limit_above_max_refused, f"limit={text}"))
            elif int(text) == 0:
                problems.append((params.limit_zero, "limit=0"))
            else:
                limit = int(text)
        if "order" in values:
            if values["order"].lower() in ("asc", "desc"):
                order = values["order"].lower()
            else:
                problems.append((params.order_invalid_refused, f"order={values['order']}"))
        return cls(offset, limit, order, tuple(problems))


def well_formed(chat: str, profile: Profile) -> bool:
    """A chat id of the profile's form (an integer; a UUID in any letter case)."""
    if profile.integer_chat_ids:
        return re.fullmatch(r"-?[0-9]+", chat) is not None
    try:
        uuid.UUID(chat)
    except ValueError:
        return False
    return len(chat) == 36


def judge_answer(ledger: Ledger, captured: Captured, profile: Profile) -> None:
    """Rules about any answer: no 5xx, a documented status, a JSON media type, errors as JSON objects, no internals."""
    exchange, status = captured.exchange, captured.exchange.status
    with ledger.judging(exchange):
        http.no_server_error[profile](status)
    with ledger.judging(exchange):
        http.status_documented[profile](status, profile.name)
    if captured.type_known:
        with ledger.judging(exchange):
            http.json_content_type[profile](exchange.content_type, status)
    if not captured.body_known:
        return
    if status < 400:
        with ledger.judging(exchange):
            http.no_internals[profile](exchange.body)
        return
    for bound in answers.applicable(answers.ERROR, profile):
        with ledger.judging(exchange):
            bound.on(exchange)


def judge_access(ledger: Ledger, captured: Captured, profile: Profile, query: Query, valid: set[Any],
                 owns: bool, first_reader: str | None) -> None:
    """Rules of keys and tenancy, and the refusals of values the docs do not allow, where the traffic shows them:
    no key; a key the labels call invalid or a near miss; a key that reads its own chat with a bad parameter; a key
    valid elsewhere asking for a chat another key read."""
    exchange, status, who = captured.exchange, captured.exchange.status, captured.who
    if not well_formed(captured.chat, profile):
        if who in valid:
            with ledger.judging(exchange):
                chats.malformed_id_refused[profile](status, f"chat id {captured.chat!r}", profile.malformed_statuses)
        return
    if who is None or NO_SUCH_KEY_LABEL.fullmatch(who) or NEAR_MISS_LABEL.fullmatch(who):
        with ledger.judging(exchange):
            if query.problems:
                access.key_or_parameter_refused(status, "a bad key and an invalid parameter")
            elif who is None:
                access.missing_key_401[profile](status, f"no {profile.auth_header} header")
            elif NO_SUCH_KEY_LABEL.fullmatch(who):
                access.invalid_key_401[profile](status)
            elif NEAR_MISS_LABEL.fullmatch(who)["how"] == "other case":
                access.other_case_401[profile](status, f"a key {who}")
            else:
                access.near_miss_401[profile](status, f"a key {who}")
        return
    if owns and query.problems:
        for refusal, what in query.problems:
            with ledger.judging(exchange):
                if refusal is params.limit_zero:
                    params.limit_zero(status, bodies.page_envelope(exchange.body) if status == 200 else None)
                else:
                    refusal(status, what)
    if who not in valid or first_reader in (None, who) or not query.valid:
        return
    # Labels that name two tenants: the chat is the first reader's tenant's, and the other is refused with the
    # profile's status. A raw capture cannot say whether two keys are one tenant's: a key that never read the chat
    # may be answered 200 too, so only another status fails (a weaker reading, which never passes).
    tenants = bool(TENANT_LABEL.fullmatch(who) and TENANT_LABEL.fullmatch(first_reader))
    if tenants or not owns:
        allowed = (profile.foreign_status,) if tenants else (200, profile.foreign_status)
        with ledger.judging(exchange, conclusive=tenants):
            access.foreign_refused[profile](status, allowed, f"a chat {first_reader} read first, asked with {who}")


def judge_body(ledger: Ledger, captured: Captured, profile: Profile, query: Query) -> Any:
    """A 200's body held to its shape, its timestamps and (tenant-key) the page's own arithmetic; returns what was
    read (a Page, or the org-token array), or None."""
    exchange = captured.exchange
    if exchange.status != 200 or not captured.body_known:
        return None
    if not profile.messages_key:
        messages: list[Any] | None = None
        with ledger.judging(exchange):
            messages = bodies.org_array(exchange.body)
        if not messages:
            return messages
        with ledger.judging(exchange):
            bodies.org_messages(messages)
        objects = [m for m in messages if isinstance(m, dict)]
        with ledger.judging(exchange):
            for message in objects:
                if "created_at" in message:
                    bodies.created_at[profile](message["created_at"])
        if well_formed(captured.chat, profile) and objects:
            with ledger.judging(exchange):
                chats.org_messages_name_chat(objects, int(captured.chat))
        return messages
    page = None
    with ledger.judging(exchange):
        page = pages.read_page(exchange, None)
    if page is None:
        return None
    with ledger.judging(exchange):
        page.instants()
    if query.valid:
        ledger.situations |= page_situations(page, query, dict(captured.query))
        with ledger.judging(exchange):
            pages.check_page(page, query.offset, query.limit, query.order)
        if query.offset >= page.total and isinstance(page.total, int):
            with ledger.judging(exchange):
                pagination.past_the_end(query.offset, page.total, len(page.messages), page.has_more)
        if query.offset == 0 and (not page.messages or page.total == 0):
            with ledger.judging(exchange):  # nothing at offset 0: the chat is empty, and the page must say so
                chats.empty_chat[profile]({"messages": list(page.messages), "total": page.total,
                                           "has_more": page.has_more}, profile.messages_key)
    return page


def judge_refused_reads(ledger: Ledger, capture: Capture, read: Sequence[tuple[Captured, Query, Any]],
                        own: set[tuple[Any, str]]) -> None:
    """A key that read a chat (200) asking it again with valid parameters is answered 200: past the end of the
    chat (an offset at or past a total it was told) an empty page, else a page (tenant-key)."""
    told: dict[str, int] = {}
    for captured, _, page in read:
        if isinstance(page.total, int) and not isinstance(page.total, bool):
            told[captured.chat] = max(told.get(captured.chat, 0), page.total)
    for captured in capture.exchanges:
        status = captured.exchange.status
        query = Query.of(captured.query, capture.profile)
        if status == 200 or (captured.who, captured.chat) not in own or not query.valid:
            continue
        past = captured.chat in told and query.offset >= told[captured.chat] > 0
        with ledger.judging(captured.exchange):
            if past:
                pagination.past_the_end.expect(status, [200], f"offset {query.offset}, at or past the end of a chat "
                                               f"of {told[captured.chat]} messages, asked by a key that read it")
            else:
                params.valid_accepted.expect(status, [200], "valid parameters for a chat the same key read")
        if past:
            ledger.situations.add("past the end")


def page_situations(page: pages.Page, query: Query, asked: Mapping[str, str]) -> set[str]:
    """The situations (SITUATIONS) one valid page holds."""
    if not isinstance(page.total, int) or isinstance(page.total, bool):
        return set()
    left = page.total - query.offset - len(page.messages)
    found = {f"left {left if left in (0, 1) else 'more'}"} if page.messages and left >= 0 else set()
    if len(page.messages) >= 2:
        found.add(f"order {query.order if 'order' in asked else 'default'}")
    if page.messages:
        found.add("page full" if len(page.messages) == query.limit else "page short")
    if query.offset >= page.total > 0:
        found.add("past the end")
    return found


def judge_walks(ledger: Ledger, read: Sequence[tuple[Captured, Query, pages.Page]]) -> None:
    """Pages of one chat, one key, one order and one limit whose offsets follow on (each where the one before
    ended, as the docs' loop `offset += len(messages)` reads) from offset 0 to the end of the chat (an empty page,
    or one that reaches total): a walk, held to the rules across its pages. A walk whose total grew as it was
    read (a live chat) leaves those rules inconclusive (IMPL-LIVE-CHAT)."""
    groups: dict[tuple[Any, ...], list[tuple[Captured, Query, pages.Page]]] = defaultdict(list)
    for captured, query, page in read:
        groups[(captured.who, captured.chat, query.order, query.limit)].append((captured, query, page))
    walked: dict[Any, list[dict[str, Any]]] = {}  # chat → the messages of its first whole walk (whatever the key)
    for (_, chat, order, limit), members in groups.items():
        used: set[int] = set()  # positions in `members` (the capture's order) already in a walk
        for start, (_, query, _) in enumerate(members):
            if query.offset != 0 or start in used:
                continue
            chain = [start]
            used.add(start)
            while members[chain[-1]][2].messages:  # on to where this page ended, whatever has_more and total say
                _, query, page = members[chain[-1]]
                following = query.offset + len(page.messages)
                nxt = next((i for i in range(chain[-1] + 1, len(members))
                            if i not in used and members[i][1].offset == following), None)
                if nxt is None:
                    break
                chain.append(nxt)
                used.add(nxt)
            _, query, page = members[chain[-1]]
            if page.messages and query.offset + len(page.messages) < page.total:
                continue  # it does not reach the end of the chat
            walk = judge_walk(ledger, chat, order, limit, [members[i] for i in chain])
            walked.setdefault(chat, walk.messages())
    judge_chat_scope(ledger, walked, read)


def judge_chat_scope(ledger: Ledger, by_chat: Mapping[Any, list[dict[str, Any]]],
                     read: Sequence[tuple[Captured, Query, pages.Page]]) -> None:
    """Whole walks of two chats: no message is in both (each page holds only its chat's messages), and no id is
    given to two messages (an id met in two chats on messages that differ: pagination.ids_unique, not the same
    message)."""
    for chat, messages in by_chat.items():
        # One message met twice is the partition's to judge; two messages that differ under one id are this rule's.
        distinct = {repr(sorted(m.items(), key=lambda kv: kv[0])): m for m in messages}.values()
        with ledger.judging(next(c.exchange for c, _, _ in read if c.chat == chat)):
            pagination.ids_unique_in_chat({chat: [m.get("id") for m in distinct]})
    if len(by_chat) < 2:
        return
    ledger.situations.add("two chats walked")
    first_seen: dict[Any, tuple[Any, dict[str, Any]]] = {}
    shared: set[Any] = set()  # ids of one message met in two chats
    for chat, messages in by_chat.items():
        for message in messages:
            earlier = first_seen.setdefault(message.get("id"), (chat, message))
            if earlier[0] != chat and earlier[1] == message:
                shared.add(message.get("id"))
    if shared:
        ledger.situations.add("chats share messages")
    for chat, messages in by_chat.items():
        ids = [m.get("id") for m in messages]
        with ledger.judging(next(c.exchange for c, _, _ in read if c.chat == chat)):
            pagination.chat_scoped(ids, set(ids) - shared)
    with ledger.judging(next(c.exchange for c, _, _ in read if c.chat in by_chat)):
        pagination.ids_unique({chat: list(dict.fromkeys(m.get("id") for m in messages if m.get("id") not in shared))
                               for chat, messages in by_chat.items()})  # a repeat within a walk: pagination.partition's


def judge_walk(ledger: Ledger, chat: Any, order: str, limit: int,
               chain: Sequence[tuple[Captured, Query, pages.Page]]) -> pages.Walk:
    totals = [page.total for _, _, page in chain]
    grew = totals == sorted(totals) and len(set(totals)) > 1  # a chat that received messages while it was read
    moved = f"the total grew from {totals[0]} to {totals[-1]} while the walk was read" if grew else None
    walk = pages.Walk(chat, limit, order, tuple(p for _, _, p in chain), tuple((q.offset, q.limit) for _, q, _ in chain),
                      moved=moved)
    entries = [c.entry for c, _, _ in chain]
    last = chain[-1][0].exchange
    # Each page was held to the rules of one answer already; across the pages, each rule in a block of its own.
    with ledger.judging(last, entries):
        pages.check_order_across(walk)
    with ledger.judging(last, entries):
        walk.judge(pagination.total)  # a chat that grew under the walk: inconclusive
        for page in walk.pages:
            pages.stable_total(walk, page)
    with ledger.judging(last, entries):
        walk.judge(pagination.partition)
        pages.check_partition(walk)
    if walk.moved is None:
        ledger.situations |= {ties_of(walk), "walk whole"}
        if len(set(walk.ids)) != walk.total:
            ledger.situations.add("walk off its total")
    return walk


def ties_of(walk: pages.Walk) -> str:
    """"walk without ties"; "walk cut inside a tie": a page boundary inside a group of messages of equal created_at,
    between pages that start at offsets of different parity (where the live suite's tie-cut walk cuts:
    pages.edge_cuts); else "walk uncut at its ties"."""
    try:
        groups = pages.tie_groups(walk.instants())
    except Violation:
        return "walk uncut at its ties"
    if not groups:
        return "walk without ties"
    starts = [offset for offset, _ in walk.asked]
    cuts = [b for a, b in zip(starts, starts[1:]) if (b - a) % 2]
    return "walk cut inside a tie" if any(g0 < b < g1 for g0, g1 in groups for b in cuts) else "walk uncut at its ties"
