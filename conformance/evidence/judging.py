"""Captured traffic judged as it streams by: each exchange held to the rules it can show, pages gathered into walks
and compared with each other, every requirement's verdict in a ledger; and the same over parts of the capture in
several processes (--jobs), their ledgers merged.

One pass: the judgments that need what only the whole capture tells (which keys are valid anywhere, which key read a
chat, the largest total of a chat) wait in `deferred` — the answers other than a 200, and 200s without a key — and
are made at the end, when those facts are known. Every other judgment is made as its exchange is read.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import queue
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.evidence import exchanges
from conformance.evidence.ledger import Ledger, Verdict
from conformance.evidence.query import Query
from conformance.evidence.reading import Attachments, Captured, CaptureError, Reader, Source, mask_credentials
from conformance.evidence.walks import Rereads, Walked, Walks, judge_chat_scope
from conformance.profiles import Profile
from conformance.rules.registry import REGISTRY
from conformance.violations import Inconclusive


@dataclass
class Part:
    """What judging some of a capture's exchanges found: the ledger, the facts only the whole capture settles and the
    judgments that wait for them, the chats walked whole (for the comparison of chats) and what the reports say of
    the traffic. Parts merge (`merge`) associatively: unions, sums, the earlier of two firsts."""

    ledger: Ledger = field(default_factory=Ledger)
    valid: set[str] = field(default_factory=set)  # keys answered 200 somewhere, and the labels of tenants' keys
    own: set[tuple[Any, str]] = field(default_factory=set)  # (key, chat) answered 200
    first_reader: dict[str, tuple[int, str]] = field(default_factory=dict)  # chat → (index, key) of its first 200
    keys_kept: bool = False  # some request carries the auth header
    told: dict[str, int] = field(default_factory=dict)  # chat → the largest total a page of it said
    deferred: list[Captured] = field(default_factory=list)
    walked: dict[str, Walked] = field(default_factory=dict)
    first_read: dict[str, Captured] = field(default_factory=dict)
    statuses: set[int] = field(default_factory=set)
    judged: int = 0
    set_aside: Counter[str] = field(default_factory=Counter)
    origins: dict[str, int] = field(default_factory=dict)  # origin → the first entry sent to it
    keys: set[str] = field(default_factory=set)
    bodies_missing: int = 0

    def merge(self, other: Part) -> Part:
        first_reader = dict(self.first_reader)
        for chat, seen in other.first_reader.items():
            first_reader[chat] = min(first_reader.get(chat, seen), seen)
        told = dict(self.told)
        for chat, total in other.told.items():
            told[chat] = max(told.get(chat, total), total)
        first_read = dict(self.first_read)
        for chat, captured in other.first_read.items():
            first_read[chat] = min(first_read.get(chat, captured), captured, key=lambda c: c.index)
        origins = dict(self.origins)
        for origin, index in other.origins.items():
            origins[origin] = min(origins.get(origin, index), index)
        return Part(self.ledger.merge(other.ledger), self.valid | other.valid, self.own | other.own, first_reader,
                    self.keys_kept or other.keys_kept, told,
                    sorted(self.deferred + other.deferred, key=lambda c: c.index), {**self.walked, **other.walked},
                    first_read, self.statuses | other.statuses, self.judged + other.judged,
                    self.set_aside + other.set_aside, origins, self.keys | other.keys,
                    self.bodies_missing + other.bodies_missing)


class Judge:
    """Exchanges fed one by one, in the capture's order; `part()` when they are all in."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.found = Part()
        self.walks = Walks()
        self.rereads = Rereads()

    def feed(self, captured: Captured) -> None:
        profile, found, ledger = self.profile, self.found, self.found.ledger
        status, who, chat = captured.exchange.status, captured.who, captured.chat
        found.judged += 1
        found.statuses.add(status)
        found.origins.setdefault(captured.origin, captured.index)
        if who is not None:
            found.keys.add(who)
            found.keys_kept = True
            if exchanges.TENANT_LABEL.fullmatch(who):
                found.valid.add(who)
        query = Query.of(captured.query, profile)
        exchanges.judge_answer(ledger, captured, profile)
        if status == 200 and who is not None:
            found.valid.add(who)
            found.own.add((who, chat))
            found.first_reader.setdefault(chat, (captured.index, who))
            # Everything its access rules need is known by now: it owns the chat, and a first reader is this or earlier.
            exchanges.judge_access(ledger, captured, profile, query, found.valid, True, found.first_reader[chat][1])
        else:
            found.deferred.append(captured)
        body = exchanges.judge_body(ledger, captured, profile, query)
        if body is None or not profile.messages_key:
            return
        if isinstance(body.total, int) and not isinstance(body.total, bool):
            found.told[chat] = max(found.told.get(chat, 0), body.total)
        if query.valid:
            self.walks.add(ledger, (captured, query, body))
            self.rereads.add(ledger, (captured, query, body))

    def part(self) -> Part:
        """What was found; the walks still open are judged first (they belong to one part: one chat, one key)."""
        self.walks.close(self.found.ledger)
        self.found.walked, self.found.first_read = self.walks.walked, self.walks.first_read
        self.rereads = Rereads()
        return self.found


def verdicts_of(part: Part, profile: Profile) -> dict[str, Verdict]:
    """The judgments that waited for the whole capture, the comparison of chats, then each requirement's verdict."""
    ledger = part.ledger
    for captured in part.deferred:
        query = Query.of(captured.query, profile)
        who, chat = captured.who, captured.chat
        if who is not None or part.keys_kept:
            # A file in which no request carries the auth header had it stripped (a browser's sanitized export): a
            # request without it there says nothing of what was sent.
            first = part.first_reader.get(chat)
            exchanges.judge_access(ledger, captured, profile, query, part.valid, (who, chat) in part.own,
                                   first[1] if first else None)
        if profile.messages_key and captured.exchange.status != 200 and (who, chat) in part.own and query.valid:
            exchanges.judge_refused_read(ledger, captured, query, part.told.get(chat))
    if profile.messages_key:
        judge_chat_scope(ledger, part.walked, part.first_read)
    ledger.situations |= {f"status {s}" for s in part.statuses}
    return ledger.verdicts(profile)


# ------------------------------------------------------------------ a capture, whole

@dataclass(frozen=True)
class Capture:
    """A capture judged: what the reports say of its traffic, and each requirement's verdict."""

    source: str
    profile: Profile
    verdicts: Mapping[str, Verdict]
    entries: int  # every entry of the file
    judged: int  # exchanges of the endpoint judged
    set_aside: Mapping[str, int]  # entries of the endpoint not judged, by reason
    origins: tuple[str, ...]  # where the judged exchanges went (scheme://host[:port]/prefix)
    keys: int  # distinct auth header values (or labels) seen
    bodies_missing: int = 0  # answers whose body the capture keeps in a side file (content._file) not found

    def facts(self) -> dict[str, Any]:
        """What the reports say of the capture (report.json's "har")."""
        return {"captured": self.source, "entries": self.entries, "judged": self.judged,
                "set_aside": dict(self.set_aside), "bodies_missing": self.bodies_missing}

    def describe(self) -> str:
        aside = "; ".join(f"{n} {why}" for why, n in self.set_aside.items())
        missing = f"; {missing_bodies(self.bodies_missing)}" if self.bodies_missing else ""
        return (f"{self.judged} exchanges of the endpoint judged of {self.entries} HAR entries"
                f"{f' ({aside}: set aside)' if aside else ''}, {self.keys} key(s), to {', '.join(self.origins)}"
                f"{missing}")


def missing_bodies(count: int) -> str:
    return (f"{count} answer bod{'y' if count == 1 else 'ies'} kept in side files (content._file) not found in the "
            "archive or beside the file: their body rules not judged")


def judge_part(entries: Iterable[Mapping[str, Any]], profile: Profile, auth_header: str, base_url: str | None = None,
               attachments: Attachments | None = None, share: tuple[int, int] = (0, 1)) -> tuple[Part, int]:
    """(the Part of one share of the capture's chats, every entry counted): share (k, n) judges the chats whose
    number modulo n is k. Every entry is read and masked, and every key named, whatever its share: keys are named
    alike in every process."""
    reader = Reader(auth_header, base_url, attachments)
    judge = Judge(profile)
    count = 0
    with collecting_less():
        for index, item in enumerate(entries):
            count += 1
            mask_credentials(item)
            captured = reader.read(item, index)
            if captured is None:
                continue
            if share[1] > 1 and isinstance(captured, Captured) and share_of(captured.chat, share[1]) != share[0]:
                continue
            if isinstance(captured, str):
                if share[0] == 0:  # set aside: counted once
                    judge.found.set_aside[captured] += 1
                continue
            judge.feed(captured)
        part = judge.part()
    part.bodies_missing = reader.bodies_missing if share[0] == 0 else 0
    return part, count


def share_of(chat: str, shares: int) -> int:
    return zlib.crc32(chat.encode("utf-8", "surrogatepass")) % shares


def capture_of(part: Part, count: int, source: str, profile: Profile, base_url: str | None) -> Capture:
    if not part.judged:
        detail = f" ({'; '.join(f'{n} {why}' for why, n in part.set_aside.items())})" if part.set_aside else ""
        where = f" under {base_url.rstrip('/')}" if base_url else ""
        raise CaptureError(f"no exchange of GET /api/v1/chats/{{chat_id}}/messages{where} to judge among its "
                           f"{count} entries{detail}")
    origins = tuple(sorted(part.origins, key=part.origins.__getitem__))
    return Capture(source, profile, verdicts_of(part, profile), count, part.judged, dict(part.set_aside), origins,
                   len(part.keys), part.bodies_missing)


def judge_entries(entries: Iterable[Mapping[str, Any]], source: str, profile: Profile, auth_header: str,
                  base_url: str | None = None, attachments: Attachments | None = None) -> Capture:
    """Entries in memory (har.parse's, or any iterable of HAR entries) judged in this process."""
    part, count = judge_part(entries, profile, auth_header, base_url, attachments)
    return capture_of(part, count, source, profile, base_url)


def judge_source(source: Source, profile: Profile, auth_header: str, base_url: str | None = None,
                 jobs: int = 1, dask_scheduler: Any = None) -> Capture:
    """A capture file judged as a stream; with jobs > 1, its chats shared among that many processes (judge_shared);
    with a Dask scheduler, among that many tasks of its cluster (judge_on_dask)."""
    entries, attachments = source.entries(), source.attachments()
    if dask_scheduler is not None:
        part, count = judge_on_dask(source, profile, auth_header, base_url, max(2, jobs), dask_scheduler)
    elif jobs <= 1:
        part, count = judge_part(entries, profile, auth_header, base_url, attachments)
    else:
        part, count = judge_shared(entries, profile, auth_header, base_url, attachments, jobs)
    return capture_of(part, count, source.path, profile, base_url)


BATCH = 32  # exchanges sent to a process at once
WAITING = 4  # batches waiting for each process at most: memory bounded by what is being judged, not by the file


def judge_shared(entries: Iterable[Mapping[str, Any]], profile: Profile, auth_header: str, base_url: str | None,
                 attachments: Attachments | None, jobs: int) -> tuple[Part, int]:
    """(the Part of the whole capture, every entry counted), its chats shared among `jobs` processes. This process
    reads each entry once — masks its keys, names them, sets it aside or not — and sends each exchange of the
    endpoint to the process of its chat's share (share_of), in batches; each judges what it is sent, as one process
    judges all (a chat and every key that asked it are in one share), and their parts are merged."""
    context = multiprocessing.get_context("spawn")  # a fresh process: no state of this one's run is inherited
    inboxes = [context.Queue(WAITING) for _ in range(jobs)]
    results = context.Queue()
    workers = [context.Process(target=_judge_sent, args=(inbox, results, profile.name), daemon=True)
               for inbox in inboxes]
    for worker in workers:
        worker.start()
    reader = Reader(auth_header, base_url, attachments)
    set_aside: Counter[str] = Counter()
    batches: list[list[Captured]] = [[] for _ in range(jobs)]
    count = 0
    try:
        for index, item in enumerate(entries):
            count += 1
            mask_credentials(item)
            captured = reader.read(item, index)
            if isinstance(captured, str):
                set_aside[captured] += 1
            elif captured is not None:
                share = share_of(captured.chat, jobs)
                batches[share].append(captured)
                if len(batches[share]) >= BATCH:
                    _send(inboxes[share], batches[share], workers[share])
                    batches[share] = []
        for inbox, batch, worker in zip(inboxes, batches, workers):
            if batch:
                _send(inbox, batch, worker)
            _send(inbox, None, worker)
        parts = [_received(_result(results, workers)) for _ in workers]
        for worker in workers:
            worker.join(10)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
    merged = functools.reduce(Part.merge, parts)
    merged.set_aside += set_aside
    merged.bodies_missing = reader.bodies_missing
    return merged, count


def _send(inbox: Any, batch: list[Captured] | None, worker: Any) -> None:
    while True:
        try:
            inbox.put(batch, timeout=1)
            return
        except queue.Full:
            if not worker.is_alive():
                raise CaptureError(f"a judging process ended early (exit status {worker.exitcode})") from None


def _result(results: Any, workers: list[Any]) -> Part:
    while True:
        try:
            return results.get(timeout=1)
        except queue.Empty:
            if any(not w.is_alive() and w.exitcode for w in workers):
                raise CaptureError("a judging process ended early (exit status "
                                   f"{next(w.exitcode for w in workers if w.exitcode)})") from None


def _judge_sent(inbox: Any, results: Any, profile_name: str) -> None:
    """A process of judge_shared: the exchanges it is sent, judged until None comes; its part sent back."""
    from conformance.profiles import profile as profile_named

    judge = Judge(profile_named(profile_name))
    with collecting_less():
        while (batch := inbox.get()) is not None:
            for captured in batch:
                judge.feed(captured)
        results.put(_sendable(judge.part()))


@contextlib.contextmanager
def collecting_less() -> Iterator[None]:
    """Python's cyclic garbage collector run less often while a capture is judged: each page makes thousands of
    objects, nearly none in cycles, and the collector's default pace spends a tenth of the time looking for them."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 100_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def judge_on_dask(source: Source, profile: Profile, auth_header: str, base_url: str | None, shares: int,
                  scheduler: Any) -> tuple[Part, int]:
    """(the Part of the whole capture, every entry counted), its chats shared among `shares` tasks of a Dask cluster
    (`scheduler`: its address, tcp://host:8786, or a Cluster object): each task reads the file — a path every worker
    reaches — and judges the chats of its share (judge_part); their parts are merged here. This process reads the
    file once too, for its keys only: every credential is masked in the reports it writes."""
    from dask.distributed import Client  # the optional extra: pip install "chat-messages-conformance[dask]"

    for item in source.entries():
        mask_credentials(item)
    with Client(scheduler) as client:
        futures = client.map(_judge_share, [source] * shares, [profile.name] * shares, [auth_header] * shares,
                             [base_url] * shares, [(k, shares) for k in range(shares)], pure=False)
        results = client.gather(futures)
    merged = functools.reduce(Part.merge, [_received(part) for part, _ in results])
    return merged, results[0][1]


def _judge_share(source: Source, profile_name: str, auth_header: str, base_url: str | None,
                 share: tuple[int, int]) -> tuple[Part, int]:
    """A task of judge_on_dask: the file read whole, the chats of its share judged."""
    from conformance.profiles import profile as profile_named

    part, count = judge_part(source.entries(), profile_named(profile_name), auth_header, base_url,
                             source.attachments(), share)
    return _sendable(part), count


# Inconclusive names its rules, whose functions hold lambdas (their readers) that do not pickle: they travel as the
# rules' names and ids, and are found again in the registry.
def _sendable(part: Part) -> Part:
    for verdict in part.ledger.by_id.values():
        verdict.inconclusive = [Inconclusive([(r.name, tuple(r.ids.values())) for r in moved.rules], moved.reason)
                                for moved in verdict.inconclusive]
    return part


def _received(part: Part) -> Part:
    for verdict in part.ledger.by_id.values():
        verdict.inconclusive = [Inconclusive([_rule(name, ids) for name, ids in moved.rules], moved.reason)
                                for moved in verdict.inconclusive]
    return part


def _rule(name: str, ids: tuple[str, ...]) -> Any:
    return next(r for r in REGISTRY[ids[0]] if r.name == name)

