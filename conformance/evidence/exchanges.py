"""Judging one captured exchange: the rules of any answer, of keys and tenancy, of a 200's body and its page."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from typing import Any

from conformance.evidence.ledger import Ledger
from conformance.evidence.query import Query, well_formed
from conformance.evidence.reading import Captured
from conformance.profiles import Profile
from conformance.rules import access, answers, bodies, chats, http, pagination, params
from conformance.tenant_key import pages

TENANT_LABEL = re.compile(r"<(\w+) key>")  # a label of a valid key of a named tenant (<primary key>, <foreign key>)
NEAR_MISS_LABEL = re.compile(r"<near miss(?: of the \w+ key)?: (?P<how>[^>]+)>")
NO_SUCH_KEY_LABEL = re.compile(r"<no such key[^>]*>")
FORGED_LABEL = re.compile(r"<forged(?: from the \w+ key)?: [^>]+>")  # a token forged from a JWT (forgeries.py)


def entries_of(captured: Captured) -> list[tuple[int, str]]:
    return [(captured.index, captured.entry)]


def judge_answer(ledger: Ledger, captured: Captured, profile: Profile) -> None:
    """Rules about any answer: no 5xx, a documented status, a JSON media type, errors as JSON objects, no internals."""
    exchange, status, on = captured.exchange, captured.exchange.status, entries_of(captured)
    with ledger.judging(exchange, on):
        http.no_server_error[profile](status)
    with ledger.judging(exchange, on):
        http.status_documented[profile](status, profile.name)
    if captured.type_known:
        with ledger.judging(exchange, on):
            http.json_content_type[profile](exchange.content_type, status)
    if not captured.body_known:
        return
    if status < 400:
        with ledger.judging(exchange, on):
            http.no_internals[profile](exchange.body, carries_messages=status == 200)
        return
    for bound in answers.applicable(answers.ERROR, profile):
        with ledger.judging(exchange, on):
            bound.on(exchange)


def judge_access(ledger: Ledger, captured: Captured, profile: Profile, query: Query, valid: Container[Any],
                 owns: bool, first_reader: str | None) -> None:
    """Rules of keys and tenancy, and the refusals of values the docs do not allow, where the traffic shows them:
    no key; a key the labels call invalid, a near miss or forged; a key that reads its own chat with a bad parameter; a key
    valid elsewhere asking for a chat another key read."""
    exchange, status, who, on = captured.exchange, captured.exchange.status, captured.who, entries_of(captured)
    if not well_formed(captured.chat, profile):
        if who in valid:
            with ledger.judging(exchange, on):
                chats.malformed_id_refused[profile](status, f"chat id {captured.chat!r}", profile.malformed_statuses)
        return
    bad_key = (NO_SUCH_KEY_LABEL, NEAR_MISS_LABEL, FORGED_LABEL)
    if who is None or any(pattern.fullmatch(who) for pattern in bad_key):
        with ledger.judging(exchange, on):
            if query.problems:
                access.key_or_parameter_refused(status, "a bad key and an invalid parameter")
            elif who is None:
                access.missing_key_401[profile](status, f"no {profile.auth_header} header")
            elif FORGED_LABEL.fullmatch(who) and access.forged_token_401.id_in(profile):
                access.forged_token_401[profile](status, f"a token {who}")
            elif NO_SUCH_KEY_LABEL.fullmatch(who) or FORGED_LABEL.fullmatch(who):
                access.invalid_key_401[profile](status)
            elif NEAR_MISS_LABEL.fullmatch(who)["how"] == "other case":  # type: ignore[index]
                access.other_case_401[profile](status, f"a key {who}")
            else:
                access.near_miss_401[profile](status, f"a key {who}")
        return
    if owns and query.problems:
        for refusal, what in query.problems:
            with ledger.judging(exchange, on):
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
        with ledger.judging(exchange, on, conclusive=tenants):
            access.foreign_refused[profile](status, allowed, f"a chat {first_reader} read first, asked with {who}")


def judge_body(ledger: Ledger, captured: Captured, profile: Profile, query: Query) -> Any:
    """A 200's body held to its shape, its timestamps and (tenant-key) the page's own arithmetic; returns what was
    read (a Page, or the org-token array), or None."""
    exchange, on = captured.exchange, entries_of(captured)
    if exchange.status != 200 or not captured.body_known:
        return None
    if not profile.messages_key:
        messages: list[Any] | None = None
        with ledger.judging(exchange, on):
            messages = bodies.org_array(exchange.body)
        if not messages:
            return messages
        with ledger.judging(exchange, on):
            bodies.org_messages(messages)
        objects = [m for m in messages if isinstance(m, dict)]
        with ledger.judging(exchange, on):
            for message in objects:
                if "created_at" in message:
                    bodies.created_at[profile](message["created_at"])
        if well_formed(captured.chat, profile) and objects:
            with ledger.judging(exchange, on):
                chats.org_messages_name_chat(objects, int(captured.chat))
        return messages
    page = None
    with ledger.judging(exchange, on):
        page = pages.read_page(exchange, None)
    if page is None:
        return None
    with ledger.judging(exchange, on):
        page.instants()
    if query.valid:
        ledger.situations |= page_situations(page, query, dict(captured.query))
        with ledger.judging(exchange, on):
            pages.check_page(page, query.offset, query.limit, query.order)
        if query.offset >= page.total and isinstance(page.total, int):
            with ledger.judging(exchange, on):
                pagination.past_the_end(query.offset, page.total, len(page.messages), page.has_more)
        if query.offset == 0 and (not page.messages or page.total == 0):
            with ledger.judging(exchange, on):  # nothing at offset 0: the chat is empty, and the page must say so
                chats.empty_chat[profile]({"messages": list(page.messages), "total": page.total,
                                           "has_more": page.has_more}, profile.messages_key)
    return page


def judge_refused_read(ledger: Ledger, captured: Captured, query: Query, told: int | None) -> None:
    """A key that read a chat (200) asking it again with valid parameters is answered 200: past the end of the
    chat (an offset at or past the largest total it was told, `told`) an empty page, else a page (tenant-key)."""
    status = captured.exchange.status
    past = told is not None and query.offset >= told > 0
    with ledger.judging(captured.exchange, entries_of(captured)):
        if past:
            pagination.past_the_end.expect(status, [200], f"offset {query.offset}, at or past the end of a chat "
                                           f"of {told} messages, asked by a key that read it")
        else:
            params.valid_accepted.expect(status, [200], "valid parameters for a chat the same key read")
    if past:
        ledger.situations.add("past the end")


def page_situations(page: pages.Page, query: Query, asked: Mapping[str, str]) -> set[str]:
    """The situations (ledger.SITUATIONS) one valid page holds."""
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
