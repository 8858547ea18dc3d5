"""Rebuilding what a client read across pages: walks of a chat (the docs' loop, `offset += len(messages)`), reads
of one chat compared with each other, and chats compared with each other. Built as the capture streams by: a walk
is held in memory while it is open and judged when it reaches the end of its chat; a chat walked whole leaves only
a digest of each message for the comparison of chats.
"""

from __future__ import annotations

import array
import bisect
import datetime as dt
import functools
import heapq
import itertools
import json
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import xxhash

from conformance.evidence.ledger import Ledger
from conformance.evidence.query import Query
from conformance.evidence.reading import Captured
from conformance.rules import ordering, pagination
from conformance.tenant_key import pages
from conformance.violations import Violation

Read = tuple[Captured, Query, pages.Page]


@dataclass
class Chain:
    """Pages of one chat, one key, one order and one limit whose offsets follow on from offset 0."""

    members: list[Read]
    # The digests of each page's messages (message_digests), made as the page came, while its messages are fresh in
    # memory (made at the walk's end, they take twice as long): where the walk may be its chat's first whole walk
    # (no walk of the chat had ended whole when the page came).
    wholes: list[array.array] = field(default_factory=list)

    @property
    def following(self) -> int:
        _, query, page = self.members[-1]
        return query.offset + len(page.messages)

    @property
    def reaches_end(self) -> bool:
        """It reached the end of the chat: an empty page, or one that reaches its total."""
        _, query, page = self.members[-1]
        return not page.messages or query.offset + len(page.messages) >= page.total

    @property
    def ended(self) -> bool:
        """No page can follow: an empty one, or one that reaches the total and says no more follow (where the docs'
        loop stops). A walk that reached the total with has_more true stays open: its client may read on."""
        _, _, page = self.members[-1]
        return not page.messages or self.reaches_end and page.has_more is False


@dataclass
class Ended:
    """What stays of a walk judged when it reached the end of its chat: an empty page asked where it ended still
    belongs to it (a client that reads on until an empty page), and is held to its total."""

    following: int
    total: Any
    entries: list[tuple[int, str]]


class Walks:
    """Walks assembled from pages as they come: a page at offset 0 starts one; a page goes to the first open walk of
    its chat, key, order and limit (in the order they started) that ended where it starts, whatever has_more and
    total said. A walk that reaches the end of the chat is judged across its pages then; one that never does is
    not a walk and is dropped at the end."""

    def __init__(self) -> None:
        self.open: dict[tuple[Any, ...], list[Chain]] = defaultdict(list)
        self.ended: dict[tuple[Any, ...], list[Ended]] = defaultdict(list)
        self.walked: dict[str, Walked] = {}  # chat → its first whole walk, as the comparison of chats needs it
        self.first_read: dict[str, Captured] = {}  # chat → the first valid page read of it (evidence)

    def add(self, ledger: Ledger, read: Read) -> None:
        captured, query, page = read
        self.first_read.setdefault(captured.chat, captured)
        group = (captured.who, captured.chat, query.order, query.limit)
        chains = self.open[group]
        if query.offset == 0:
            chain = Chain([read])
            chains.append(chain)
        else:
            chain = next((c for c in chains if c.following == query.offset), None)
            if chain is None:
                self._after_end(ledger, group, read)
                return
            chain.members.append(read)
        if captured.chat not in self.walked:
            chain.wholes.append(message_digests(page.messages))
        if chain.ended:
            chains.remove(chain)
            self._judge(ledger, group, chain)

    def _judge(self, ledger: Ledger, group: tuple[Any, ...], chain: Chain) -> None:
        captured, query, page = chain.members[-1]
        walk = judge_walk(ledger, captured.chat, query.order, query.limit, chain.members)
        if captured.chat not in self.walked:  # every page of the chain was digested as it came
            self.walked[captured.chat] = walked_of(walk.ids, itertools.chain.from_iterable(chain.wholes))
        if page.messages:
            self.ended[group].append(Ended(chain.following, walk.total,
                                           [(c.index, c.entry) for c, _, _ in chain.members]))

    def _after_end(self, ledger: Ledger, group: tuple[Any, ...], read: Read) -> None:
        captured, query, page = read
        ended = self.ended.get(group) or []
        done = next((e for e in ended if e.following == query.offset), None)
        if done is None or page.messages:
            return
        ended.remove(done)
        entries = [*done.entries, (captured.index, captured.entry)]
        with ledger.judging(captured.exchange, entries, walk=True):
            pagination.total(done.total, page.total, f"the first page's; it changed at offset {page.offset}")

    def close(self, ledger: Ledger) -> None:
        """The walks still open that reached the end of their chat are judged; the others were no walks."""
        for group, chains in self.open.items():
            for chain in chains:
                if chain.reaches_end:
                    self._judge(ledger, group, chain)
        self.open.clear()


@dataclass(frozen=True)
class Walked:
    """What the comparison of chats needs of a chat walked whole, in about 20 bytes a message and its id: a digest of
    each distinct id (sorted), a digest of each whole message (the first with its id) and the ids themselves (UTF-8,
    joined, each ending where `ends` says), these two in the order the ids came. Only the sorted digests are read
    unless two chats give one digest. Digests are the same in every process (--jobs, Dask)."""

    ids: array.array  # 'Q', sorted
    messages: array.array  # 'Q', in the order the ids came
    names: bytes
    ends: array.array  # where each id ends in `names`

    def given(self, value: int) -> list[tuple[str, int]]:
        """(id, digest of its message) of each distinct id of the chat whose digest is `value`: one, unless ids of
        this chat collide too."""
        where = self.__dict__.get("where_")
        if where is None:  # made once, and only for a chat that gives a digest another chat gives too
            where = defaultdict(list)
            for position, name in enumerate(map(self._name, range(len(self.ends)))):
                where[id_digest(name)].append(position)
            object.__setattr__(self, "where_", where)
        return [(self._name(i).decode("utf-8", "surrogatepass"), self.messages[i]) for i in where.get(value, ())]

    def _name(self, position: int) -> bytes:
        return self.names[self.ends[position - 1] if position else 0:self.ends[position]]

    def __getstate__(self) -> dict[str, Any]:  # what given() made is not sent to another process
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_")}


# 64 bits, portable: the same in every process and on every machine
id_digest = message_digest = xxhash.xxh3_64_intdigest
_canonical_text = functools.partial(orjson.dumps, option=orjson.OPT_SORT_KEYS)


def message_digests(messages: Sequence[Mapping[str, Any]]) -> array.array:
    """The digest of each message's canonical text (read only where two chats give one id, to tell the same message
    from another), made by C-level maps: this runs once for every message of a capture."""
    try:
        return array.array("Q", map(message_digest, map(_canonical_text, messages)))
    except orjson.JSONEncodeError:  # as canonical() reads it, message by message
        return array.array("Q", map(message_digest, map(canonical, messages)))


def walked_of(ids: Sequence[Any], wholes: Iterable[int]) -> Walked:
    """A chat's whole walk as the comparison of chats reads it: each distinct id's digest (XXH3, 64 bits: ids of two
    chats that share a digest are told apart by name), with the digest of its first message (`wholes`: those of the
    walk's messages, in its order, message_digests)."""
    named = list(map(str, ids))
    digested = array.array("Q", wholes)
    if len(set(named)) != len(named):  # each id's first message (read backwards: the last kept)
        first = dict(zip(reversed(named), reversed(digested)))
        named, digested = list(first), array.array("Q", first.values())
    keys = list(map(str.encode, named, itertools.repeat("utf-8"), itertools.repeat("surrogatepass")))
    digests = array.array("Q", map(id_digest, keys))
    names = b"".join(keys)
    ends = array.array("I" if len(names) < 2 ** 32 else "Q", itertools.accumulate(map(len, keys)))
    return Walked(array.array("Q", sorted(digests)), digested, names, ends)


def distinct_ids(messages: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The id of each distinct message (one met twice counted once: the partition judges that): where every id is
    given once, the ids as they are; else the messages told apart by their canonical text."""
    ids = list(map(dict.get, messages, itertools.repeat("id")))
    try:
        if len(set(ids)) == len(ids):
            return ids
    except TypeError:  # an id that is no JSON scalar: the rule says what it makes of it
        pass
    return [m.get("id") for m in {canonical(m): m for m in messages}.values()]


def canonical(message: Mapping[str, Any]) -> bytes:
    """A message as JSON text with the keys of every object sorted: two messages are the same where these are (the
    order of keys aside, 1 and 1.0 and true told apart)."""
    try:
        return orjson.dumps(message, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # an integer past 64 bits, which the strict reading keeps exact
        return json.dumps(message, sort_keys=True, separators=(",", ":")).encode("utf-8", "surrogatepass")


def judge_walk(ledger: Ledger, chat: Any, order: str, limit: int, chain: Sequence[Read]) -> pages.Walk:
    totals = [page.total for _, _, page in chain]
    grew = totals == sorted(totals) and len(set(totals)) > 1  # a chat that received messages while it was read
    moved = f"the total grew from {totals[0]} to {totals[-1]} while the walk was read" if grew else None
    walk = pages.Walk(chat, limit, order, tuple(p for _, _, p in chain),
                      tuple((q.offset, q.limit) for _, q, _ in chain),
                      moved=moved)
    entries = [(c.index, c.entry) for c, _, _ in chain]
    last = chain[-1][0].exchange
    # Each page was held to the rules of one answer already; across the pages, each rule in a block of its own.
    with ledger.judging(last, entries, walk=True):
        pages.check_order_across(walk)
    with ledger.judging(last, entries, walk=True):
        walk.inconclusive_if_moved(pagination.total)  # a chat that grew under the walk: inconclusive
        for page in walk.pages:
            pages.stable_total(walk, page)
    with ledger.judging(last, entries, walk=True):
        walk.inconclusive_if_moved(pagination.partition)
        pages.check_partition(walk)
    if walk.moved is None:
        ids = walk.ids
        distinct = len(set(ids))
        # One message met twice is the partition's to judge; two messages that differ under one id are this rule's.
        with ledger.judging(last, entries, walk=True):
            pagination.ids_unique_in_chat({chat: ids if distinct == len(ids) else distinct_ids(walk.messages())})
        ledger.situations |= {ties_of(walk), "walk whole"}
        if distinct != walk.total:
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


def judge_chat_scope(ledger: Ledger, by_chat: Mapping[str, Walked], first_read: Mapping[str, Captured]) -> None:
    """Whole walks of two chats: no message is in both (each page holds only its chat's messages), and no id is
    given to two messages (an id met in two chats on messages that differ: pagination.ids_unique, not the same
    message). The chats' sorted digests are read a range of values at a time (about SPAN digests): where no digest of
    the range is in two chats (a set of them says so at once) the range is done, else its digests are merged as
    streams. Memory: what the chats hold already, and one range."""
    if len(by_chat) < 2:
        return
    ledger.situations.add("two chats walked")
    chats, walks = list(by_chat), list(by_chat.values())
    shared: dict[int, list[str]] = defaultdict(list)  # chat number → ids of one message met in two chats
    twice: dict[int, list[str]] = defaultdict(list)  # chat number → ids given to messages that differ in two chats
    for low, high in _ranges(sum(len(walked.ids) for walked in walks)):
        cuts = [(bisect.bisect_left(walked.ids, low), bisect.bisect_left(walked.ids, high)) for walked in walks]
        here = array.array("Q")
        for walked, (start, end) in zip(walks, cuts):
            here.extend(walked.ids[start:end])
        if len(set(here)) == len(here):  # each chat's ids are its own already: none is in two chats
            continue
        streams = [zip(walked.ids[start:end], itertools.repeat(n)) for n, (walked, (start, end)) in
                   enumerate(zip(walks, cuts))]
        for value, run in itertools.groupby(heapq.merge(*streams), key=operator.itemgetter(0)):
            holders = {n for _, n in run}
            if len(holders) < 2:
                continue
            by_name: dict[str, list[tuple[int, int]]] = defaultdict(list)  # one digest, told apart by name
            for n in sorted(holders):
                for name, whole in walks[n].given(value):
                    by_name[name].append((n, whole))
            for name, holders_of_name in by_name.items():
                if len({n for n, _ in holders_of_name}) < 2:
                    continue
                for n, whole in holders_of_name:
                    same = any(m != n and w == whole for m, w in holders_of_name)
                    (shared if same else twice)[n].append(name)
    if shared:
        ledger.situations.add("chats share messages")
    for n, chat in enumerate(chats):
        first = first_read[chat]
        with ledger.judging(first.exchange, [(first.index, first.entry)]):
            pagination.chat_scoped(shared.get(n, []), [])
    first = min((first_read[chat] for chat in chats), key=lambda c: c.index)
    with ledger.judging(first.exchange, [(first.index, first.entry)]):
        pagination.ids_unique({chats[n]: sorted(ids) for n, ids in sorted(twice.items())})


SPAN = 1 << 18  # digests of the chats compared at once (a set of them: about 16 MB)


def _ranges(count: int) -> list[tuple[int, int]]:
    """Ranges of 64-bit digests that split `count` digests (spread evenly: they are XXH3's) into about SPAN each."""
    pieces = count // SPAN + 1
    bounds = [piece * (2 ** 64 // pieces) for piece in range(pieces)] + [2 ** 64]
    return list(zip(bounds, bounds[1:]))


# ------------------------------------------------------------------ reads compared within a capture

@dataclass
class Stretch:
    """Reads of one chat with one key while its total held still: the instant of the message each read showed at
    each offset of the asc order (microseconds since the epoch; NONE where no read showed one), and which read."""

    total: int
    entry: str  # the first read of the stretch
    instants: array.array = field(default_factory=lambda: array.array("q"))
    reads: array.array = field(default_factory=lambda: array.array("l"))  # per offset: 1 + index into `names`, < 0: desc
    names: list[str] = field(default_factory=list)


NONE = -(2 ** 63)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
MAX_STRETCH = 5_000_000  # offsets kept per stretch (a chat larger is compared in its first offsets only)


def micros(instant: dt.datetime) -> int:
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class Rereads:
    """Reads compared within a capture: two reads of one chat with one key, with no growth between them (a larger
    total starts a new stretch: IMPL-LIVE-CHAT), are held to the rules across reads — the same total, the same
    messages at the same offsets, asc against desc. A weaker reading than a walk's (partial reads): their failures
    count, their passes prove nothing. Memory: two arrays the size of each chat read (12 bytes a message)."""

    def __init__(self) -> None:
        self.stretches: dict[tuple[Any, str], Stretch] = {}

    def add(self, ledger: Ledger, read: Read) -> None:
        captured, query, page = read
        total = page.total
        if not isinstance(total, int) or isinstance(total, bool) or not page.messages:
            return
        try:
            instants = page.instants()
        except Violation:
            return  # judged on its own already
        key = (captured.who, captured.chat)
        stretch = self.stretches.get(key)
        on = [(captured.index, captured.entry)]
        if stretch is None or total > stretch.total:
            size = min(total, MAX_STRETCH)
            stretch = self.stretches[key] = Stretch(total, captured.entry, array.array("q", [NONE]) * size,
                                                    array.array("l", [0]) * size)
        elif total != stretch.total:
            with ledger.judging(captured.exchange, on, conclusive=False):
                pagination.total(stretch.total, total, f"HAR entry {stretch.entry} read this chat with the same key "
                                 "and a total that has not grown since")
            return
        stretch.names.append(captured.entry)
        this = len(stretch.names) if query.order == "asc" else -len(stretch.names)
        same: tuple[list[Any], ...] = ([], [], [], [])  # asc offsets, earlier instants, these, the earlier reads
        mirrored: tuple[list[Any], ...] = ([], [], [], [])
        seen, reads, size = stretch.instants, stretch.reads, len(stretch.instants)
        if _at_once(stretch, query, total, instants, this):
            return
        for index, instant in enumerate(instants):
            at = query.offset + index
            position = at if query.order == "asc" else total - 1 - at
            if not 0 <= position < size:
                continue
            now = micros(instant)
            if seen[position] == NONE:
                seen[position], reads[position] = now, this
            elif seen[position] != now:
                earlier = reads[position]
                for column, value in zip(same if (earlier > 0) == (this > 0) else mirrored,
                                         (position, _instant(seen[position]), instant,
                                          f"HAR entry {stretch.names[abs(earlier) - 1]}")):
                    column.append(value)
        frame = "" if query.order == "asc" else " (this desc read's offset total - 1 - it)"
        for rule, (offsets, before, now_, where) in ((pagination.reads_agree, same),
                                                     (ordering.orders_agree, mirrored)):
            if offsets:
                with ledger.judging(captured.exchange, on, conclusive=False):
                    rule(offsets, before, now_, where, frame)


MICROSECOND = dt.timedelta(microseconds=1)


def _at_once(stretch: Stretch, query: Query, total: int, instants: Sequence[dt.datetime], this: int) -> bool:
    """A read whose offsets all fall inside the stretch, where no read showed a message yet (kept at once) or every
    read showed the same instants (nothing to say): True. Else False, and the read is compared offset by offset."""
    count = len(instants)
    start = query.offset if query.order == "asc" else total - query.offset - count  # the asc offsets it covers
    if start < 0 or start + count > len(stretch.instants):
        return False
    now = array.array("q", map(operator.floordiv, map(operator.sub, instants, itertools.repeat(EPOCH)),
                               itertools.repeat(MICROSECOND)))
    if query.order != "asc":
        now.reverse()
    before = stretch.instants[start:start + count]
    if before == now:
        return True
    if before.count(NONE) != count:
        return False
    stretch.instants[start:start + count] = now
    stretch.reads[start:start + count] = array.array("l", [this]) * count
    return True


def _instant(value: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=value)
