"""The ledger of passive judging: what the traffic showed of each requirement (its Verdict), filled by judging
blocks that the registry tells of every rule run inside them, and the situations the traffic holds.

Bounded by what it says, not by the traffic: a requirement keeps the HAR entries it held on as a bitmap (a bit per
entry) and the first few by name, the first SHOWN violations and a count. Ledgers of parts of one capture merge
(`merge`): unions and sums, associative and commutative, so that parts judged apart (--jobs) give one verdict.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from conformance import spec
from conformance.exchange import Exchange
from conformance.profiles import Profile
from conformance.rules import http, ordering, pagination
from conformance.rules.registry import Rule, unwatch, watch
from conformance.violations import Inconclusive, Violation, Violations, citing, flatten

SHOWN = 10  # violations kept per requirement (the rest counted); the check of passive mode shows them
NAMED = 20  # entries a requirement held on kept by name (the rest counted)
RECENT = 4096  # violations remembered to drop one told twice (the same rule on the same entry, read again)


@dataclass
class Verdict:
    """What the traffic showed of one requirement."""

    held_on: dict[int, str] = field(default_factory=dict)  # the first NAMED entries it held on: index → name
    held: bytearray = field(default_factory=bytearray)  # a bit per entry it held on (bit = the entry's index)
    broken: list[Violation] = field(default_factory=list)  # the first SHOWN, in the order they were found
    broken_count: int = 0
    inconclusive: list[Inconclusive] = field(default_factory=list)
    lacking: tuple[str, ...] = ()  # situations where it can break that the traffic does not hold (SITUATIONS)

    @property
    def held_count(self) -> int:
        return int.from_bytes(self.held, "little").bit_count()

    @property
    def exercised(self) -> bool:
        return bool(self.broken or self.held_on and not self.lacking)

    @property
    def passed(self) -> bool:
        """Its rules ran and held, on traffic holding every situation where they can break."""
        return bool(self.held_on) and not self.broken and not self.lacking

    def hold(self, entries: Sequence[tuple[int, str]]) -> None:
        held = self.held
        for index, name in entries:
            byte = index >> 3
            if byte >= len(held):
                held.extend(bytes(byte + 1 - len(held) + len(held) // 2))
            held[byte] |= 1 << (index & 7)
            if len(self.held_on) < NAMED:
                self.held_on.setdefault(index, name)

    def merge(self, other: Verdict) -> Verdict:
        named = dict(sorted({**self.held_on, **other.held_on}.items())[:NAMED])
        size = max(len(self.held), len(other.held))
        held = bytearray((int.from_bytes(self.held, "little") | int.from_bytes(other.held, "little"))
                         .to_bytes(size, "little"))
        return Verdict(named, held, (self.broken + other.broken)[:SHOWN], self.broken_count + other.broken_count,
                       (self.inconclusive + other.inconclusive)[:SHOWN], self.lacking)


class Ledger:
    """The verdicts, filled by judging blocks: every rule that runs inside one is told to it by the registry."""

    def __init__(self) -> None:
        self.by_id: dict[str, Verdict] = defaultdict(Verdict)
        self._recent: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self.situations: set[str] = set()  # what the traffic holds (SITUATIONS' keys)

    def judging(self, exchange: Exchange, entries: Sequence[tuple[int, str]], conclusive: bool = True,
                walk: bool = False) -> Judging:
        """Rules run inside are recorded on these entries ((index, name) each). The block stops at the first finding
        of a rule called alone; a kind of answer (answers.judge) runs every rule of it and gives every finding, as in a
        check. `conclusive=False`: a weaker reading than the requirement's, whose failure counts
        but whose pass proves nothing. `walk`: the rules are across the pages of a walk, each entry one of them."""
        return Judging(self, exchange, entries, conclusive, walk)

    def broken(self, violation: Violation, entries: Sequence[tuple[int, str]], walk: bool) -> None:
        shown = violation.exchange.har_id if violation.exchange is not None else None
        key = (violation.requirement, shown or entries[0][1], violation.detail)
        if key in self._recent:
            return
        self._recent[key] = None
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        if walk:  # a rule across pages: name every page of the walk
            violation = Violation(violation.requirement, f"{violation.detail} (the walk of HAR entries "
                                  f"{', '.join(name for _, name in entries)})", violation.exchange)
        verdict = self.by_id[violation.requirement]
        verdict.broken_count += 1
        if len(verdict.broken) < SHOWN:
            verdict.broken.append(violation)

    def merge(self, other: Ledger) -> Ledger:
        out = Ledger()
        for req_id in dict.fromkeys([*self.by_id, *other.by_id]):
            out.by_id[req_id] = self.by_id.get(req_id, Verdict()).merge(other.by_id.get(req_id, Verdict()))
        out.situations = self.situations | other.situations
        return out

    def verdicts(self, profile: Profile) -> dict[str, Verdict]:
        """requirement id → Verdict, each told what its rules lack of the situations where they can break."""
        situations = set(self.situations)
        if "walk without ties" in situations and "walk uncut at its ties" not in situations:
            situations.add("walk cut inside a tie")  # no walk met a tie it could have split
        verdicts = dict(self.by_id)
        for rule, needed in SITUATIONS.items():
            req_id = rule.id_in(profile)
            verdict = verdicts.get(req_id) if req_id else None
            wanted = [s for s in needed(profile)
                      if (s[4:] in situations if s.startswith("not ") else s not in situations)]
            if verdict is not None and wanted:
                verdict.lacking = tuple(SITUATION_NAMES.get(s, s) for s in wanted)
        return verdicts


class Judging:
    """A judging block of a ledger (Ledger.judging): a class, as it is entered a dozen times a page."""

    __slots__ = ("conclusive", "entries", "exchange", "held", "ledger", "token", "walk")

    def __init__(self, ledger: Ledger, exchange: Exchange, entries: Sequence[tuple[int, str]], conclusive: bool,
                 walk: bool) -> None:
        self.ledger, self.exchange, self.entries = ledger, exchange, entries
        self.conclusive, self.walk = conclusive, walk
        self.held: list[str] = []

    def __enter__(self) -> None:
        held = self.held
        # A closure over the list, not a method of this block: no reference cycle, freed as soon as it ends.
        self.token = watch(lambda req_id, ok: held.append(req_id) if ok else None)

    def __exit__(self, kind: Any, found: BaseException | None, traceback: Any) -> bool:
        unwatch(self.token)
        if found is not None:
            citing(self.exchange).__exit__(kind, found, traceback)
        ledger = self.ledger
        if self.conclusive:
            for req_id in dict.fromkeys(self.held):
                ledger.by_id[req_id].hold(self.entries)
        if not isinstance(found, (Violation, Violations, Inconclusive)):
            return False
        for finding in flatten(found):  # every rule the block saw broken, or moved under
            if isinstance(finding, Violation):
                ledger.broken(finding, self.entries, self.walk)
            else:
                for req_id in {i for r in finding.rules for i in r.ids.values()}:
                    if len(ledger.by_id[req_id].inconclusive) < SHOWN:
                        ledger.by_id[req_id].inconclusive.append(finding)
        return True


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
    pagination.partition: lambda _: ["walk cut inside a tie"],  # or only walks without ties: see Ledger.verdicts
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
