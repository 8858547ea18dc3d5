"""Captured traffic for the tests of conformance/evidence/: the docs' own client run against the reference server (or
a mutant) and written as a raw HAR, as a proxy captures it; and that capture judged in this process."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

import httpx

from conformance import evidence, har
from conformance.profiles import profile as profile_named
from harness import serve, shipped_dataset

MAX_PAGES = 30  # the docs' loop trusts has_more; a server whose has_more never ends would keep it going


def docs_client(url: str, profile: str) -> list[httpx.Response]:
    """What the docs' own client code sends, with each tenant's key, and every answer it got.

    tenant-key (seed 003): the pagination example (`limit = 100`, `order: 'asc'`, `offset += data.messages.length`
    while `has_more`) and the Python example's single page (`offset 0, limit 20, order asc`) of each of the tenant's
    chats; the foreign tenant the same of its chat; and the single-page read of the foreign tenant's chat id with
    the primary key (a client given the wrong id). org-token (seed 002): its one GET per chat, the same way.
    """
    data = shipped_dataset(profile)
    header = profile_named(profile).auth_header
    keys = {"primary": data.tenants["primary"], "foreign": data.tenants["foreign"]}
    reads = [("primary", role) for role in data.roles if role != "foreign"] + [("foreign", "foreign"),
                                                                                ("primary", "foreign")]
    seen: list[httpx.Response] = []
    with httpx.Client(base_url=url, event_hooks={"response": [lambda r: (r.read(), seen.append(r))]}) as client:
        for tenant, role in reads:
            path = f"/api/v1/chats/{data.roles[role]}/messages"
            headers = {header: keys[tenant]}
            if profile == "org-token":
                client.get(path, headers=headers)
                continue
            if (tenant == "foreign") == (role == "foreign"):  # its own chat: the whole of it
                load_all_messages(client, path, headers)
            client.get(path, params={"offset": 0, "limit": 20, "order": "asc"}, headers=headers)
    return seen


def load_all_messages(client: httpx.Client, path: str, headers: dict[str, str]) -> None:
    """Seed 003's loadAllMessages: pages of 100 until has_more is false (it throws, and stops, on a body without
    the fields it reads)."""
    offset, has_more = 0, True
    for _ in range(MAX_PAGES):
        if not has_more:
            return
        try:
            body = client.get(path, params={"offset": offset, "limit": 100, "order": "asc"}, headers=headers).json()
            has_more, offset = body["has_more"], offset + len(body["messages"])
        except (ValueError, KeyError, TypeError):
            return


def har_of(responses: list[httpx.Response]) -> dict[str, Any]:
    """The exchanges as a raw capture (as a proxy writes it): the keys in clear, no `_conformance`, `_id`, `_auth`."""
    entries = []
    for index, response in enumerate(responses):
        item = har.entry(entry_id="", started_at=1_700_000_000 + index, seconds=0.01, url=str(response.request.url),
                         request_headers=list(response.request.headers.items()), auth=None,
                         status=response.status_code, response_headers=list(response.headers.items()),
                         body=response.content)
        del item["_id"], item["_auth"]
        entries.append(item)
    return {"log": {"version": "1.2", "creator": {"name": "a proxy", "version": "1"}, "entries": entries}}


@functools.cache
def captured(profile: str, mutant: str | None) -> str:
    """The docs' client's traffic against the reference server (or a mutant), as HAR text; the server is stopped."""
    with serve(profile, mutant=mutant) as url:
        responses = docs_client(url, profile)
    return json.dumps(har_of(responses))


def judged(profile: str, text: str) -> Mapping[str, evidence.Verdict]:
    _, entries = har.parse(text)
    profile_value = profile_named(profile)
    return evidence.judge_entries(entries, "capture.har", profile_value, profile_value.auth_header).verdicts


def outcome(verdicts: Mapping[str, evidence.Verdict]) -> tuple[set[str], set[str]]:
    """(the ids failed, the ids passed: ran and held)."""
    failed = {i for i, v in verdicts.items() if v.broken}
    return failed, {i for i, v in verdicts.items() if v.passed}


def relabelled(text: str, profile: str, more: Mapping[str, str] | None = None) -> str:
    """The raw capture with its keys (and `more` values) replaced by --record's labels, as a tool that knows the
    tenants writes it."""
    data = json.loads(text)
    tenants = shipped_dataset(profile).tenants
    names = {tenants["primary"]: "<primary key>", tenants["foreign"]: "<foreign key>", **(more or {})}
    header = profile_named(profile).auth_header.lower()
    for item in data["log"]["entries"]:
        for h in item["request"]["headers"]:
            if h["name"].lower() == header:
                item["_auth"] = h["value"] = names[h["value"]]
    return json.dumps(data)


@functools.cache
def odd_requests(profile: str, mutant: str | None) -> str:
    """The docs' client's traffic and what else production sees: a request without its key, a limit above 100 and
    a malformed chat id asked with a key that reads its own chat."""
    data = shipped_dataset(profile)
    header = profile_named(profile).auth_header
    key, chat = data.tenants["primary"], data.roles["populated"]
    with serve(profile, mutant=mutant) as url:
        responses = docs_client(url, profile)
        with httpx.Client(base_url=url) as client:
            responses.append(client.get(f"/api/v1/chats/{chat}/messages"))
            responses.append(client.get(f"/api/v1/chats/{chat}/messages", params={"limit": 101} if profile ==
                                        "tenant-key" else None, headers={header: key}))
            responses.append(client.get("/api/v1/chats/not-an-id/messages", headers={header: key}))
    return json.dumps(har_of(responses))


def summary(verdicts: Mapping[str, evidence.Verdict]) -> dict[str, tuple[Any, ...]]:
    """What a verdict says: failed (how often), passed, exercised, inconclusive, on how many entries it held."""
    return {req_id: (v.broken_count, v.passed, v.exercised, bool(v.inconclusive), v.held_count, v.lacking)
            for req_id, v in verdicts.items()}


def capture_text(mutant: str | None = None) -> str:
    """The docs' client and odd requests, with tenants' labels: every kind of judgment (access, walks, chats)."""
    return relabelled(odd_requests("tenant-key", mutant), "tenant-key")
