"""Outcomes per requirement, gathered from test reports (also across xdist workers)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from conformance import edge
from conformance.catalogue import Requirement, for_profile
from conformance.statuses import UNJUDGED
from conformance.transport.budget import Throttling

# user_properties keys a test report carries (they survive xdist's serialisation)
CHECKS = "conformance_requirements"
FAILED = "conformance_failed_requirements"
REASON = "conformance_reason"
UNATTRIBUTED = "conformance_unattributed"  # findings that break no requirement, one per line
STOPPED = "conformance_stopped"  # the run's own limit (--max-requests, --max-duration) stopped this test
INCONCLUSIVE = "conformance_inconclusive"  # requirements the data moved under (a live chat): judged neither way
REPRODUCED = "conformance_reproduced"  # yes | no: the answer that broke a rule came back when asked again
ENTRIES = "conformance_har_entries"  # the HAR entries (their _id) that show the test's failure
REASONS = "conformance_reasons"  # "<id>\t<what broke it>" per line: each failed requirement's own reason
NOTE = "conformance_note"  # "<ids>\t<text>" per line: what a passed requirement was proven on, when less than all
THROTTLING = "conformance_throttling"  # "<process> <waits> <seconds>": the process's waits for a throttling target so far
BY_EDGE = "conformance_by_edge"  # "<process> <who>=<n>;…": the answers the edge wrote in the process so far (edge.py)
NOT_EXERCISED = "conformance_not_exercised"  # requirements captured traffic gave no occasion to judge (--from-har)
HELD = "conformance_held"  # requirements whose rules ran in the test and held every time (whatever its outcome)

LEVELS = ("MUST", "SHOULD", "MAY")
GATED_LEVELS = {"must": ("MUST",), "should": ("MUST", "SHOULD")}


@dataclass
class RequirementResult:
    requirement: Requirement
    # pass | fail | skip | known-failure | inconclusive (the data moved under a check: neither passed nor failed)
    # | unverified (no rule of it ran to the end) | not-exercised (captured traffic gave its rules no occasion):
    # statuses.py says each
    status: str = "unverified"
    reasons: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    known_reason: str | None = None
    now_passing: bool = False
    flaky: bool = False  # a failure of it did not reproduce when its request was sent again (it still fails)
    entries: list[str] = field(default_factory=list)  # HAR entries (_id) that show its failures
    notes: list[str] = field(default_factory=list)  # what a pass was proven on, when it is less than all (NOTE)

    def as_dict(self) -> dict:
        r = self.requirement
        return {
            "id": r.id, "level": r.level, "statement": r.statement, "status": self.status,
            "reasons": self.reasons, "tests": self.tests, "known_failure": self.known_reason,
            "known_failure_now_passes": self.now_passing, "flaky": self.flaky, "har_entries": self.entries,
            "notes": self.notes,
        }


class Results:
    def __init__(self, profile: str, known: dict[str, str]) -> None:
        self.profile = profile
        self.known = known
        self.by_id = {r.id: RequirementResult(r) for r in for_profile(profile)}
        self.unattributed_failures: list[str] = []  # "nodeid: finding"
        self.stopped: str | None = None  # why the run ended before it was complete; None while it is not known to
        self.selected: set[str] = set()  # the requirements some test of the run was to check
        self._throttling: dict[str, Throttling] = {}  # per process (xdist worker): its waits so far
        self._by_edge: dict[str, Counter[str]] = {}  # per process: the answers the edge wrote so far (edge.py)

    def note_throttling(self, value: str) -> None:
        """A THROTTLING property: a process's waits so far (they only grow, so the largest is the latest)."""
        process, _, rest = value.partition(" ")
        seen = Throttling.decode(rest)
        if seen.waits >= self._throttling.get(process, Throttling()).waits:
            self._throttling[process] = seen

    def note_by_edge(self, value: str) -> None:
        """A BY_EDGE property: a process's answers written by the edge so far (they only grow: the largest is the
        latest)."""
        process, _, rest = value.partition(" ")
        seen = edge.decode(rest)
        if sum(seen.values()) >= sum(self._by_edge.get(process, Counter()).values()):
            self._by_edge[process] = seen

    @property
    def by_edge(self) -> Counter[str]:
        """The answers the edge wrote in the run ("nginx 403" → how many)."""
        return sum(self._by_edge.values(), Counter())

    @property
    def throttling(self) -> Throttling:
        return sum(self._throttling.values(), Throttling())

    def record(self, nodeid: str, outcome: str, props: dict[str, str], reason: str) -> None:
        """outcome: passed | failed | skipped | xfailed (a known failure).

        A requirement's status comes from the rules that ran: failed where one of them broke; passed where they ran
        and held (HELD), in a failed test too, or where its test passed. Precedence, whatever the order of the
        reports: fail > inconclusive > pass > skip. A requirement of a failed test whose rules did not run stays
        unverified, saying so.
        """
        if props.get(STOPPED):
            self.stop(props[STOPPED])
            if not props.get(FAILED):
                return  # not run: it proves and breaks nothing
            # else a stop that is itself a finding (a target gone silent): its requirement fails
        checked = props.get(CHECKS, "").split()
        self.selected.update(checked)
        held = props.get(HELD, "").split()
        # FAILED is set on every failed report the plugin saw; empty means "no requirement".
        failed = props[FAILED].split() if FAILED in props else (checked if outcome in ("failed", "xfailed") else [])
        checked += [req_id for req_id in failed if req_id not in checked]
        findings = [line for line in props.get(UNATTRIBUTED, "").splitlines() if line]
        if outcome == "failed" and not findings and not any(req_id in self.by_id for req_id in failed):
            findings = [reason or "failed under no requirement of this profile"]
        if outcome == "failed":
            # Failed, but not (only) under a requirement of this profile: reported as itself, and it fails the run.
            self.unattributed_failures += [f"{nodeid}: {finding}" for finding in findings]
        inconclusive = props.get(INCONCLUSIVE, "").split()
        checked += [req_id for req_id in inconclusive if req_id not in checked]
        checked += [req_id for req_id in held if req_id not in checked]
        unexercised = props.get(NOT_EXERCISED, "").split() if outcome == "skipped" else []
        notes = [line.partition("\t") for line in props.get(NOTE, "").splitlines() if line]
        own = dict(line.split("\t", 1) for line in props.get(REASONS, "").splitlines() if "\t" in line)
        for req_id in checked:
            result = self.by_id.get(req_id)
            if result is None:
                continue
            result.tests.append(nodeid)
            if outcome == "passed":
                result.notes += [text for ids, _, text in notes if req_id in ids.split() and text not in result.notes]
            if outcome in ("failed", "xfailed") and req_id in failed:
                result.status = "known-failure" if req_id in self.known else "fail"
                result.reasons.append(own.get(req_id, reason))
                result.flaky = result.flaky or props.get(REPRODUCED) == "no"
                result.entries += [e for e in props.get(ENTRIES, "").split() if e not in result.entries]
            elif req_id in inconclusive:
                if result.status in ("unverified", "skip", "pass"):
                    result.status, result.reasons = "inconclusive", []
                if result.status == "inconclusive":
                    result.reasons.append(reason)
            elif req_id in unexercised:
                if result.status in ("unverified", "skip"):
                    result.status, result.reasons = "not-exercised", [reason]
            elif outcome == "skipped" and not inconclusive and req_id not in held:
                if result.status == "unverified":
                    result.status = "skip"
                    result.reasons.append(reason)
            elif (outcome in ("passed", "skipped") or req_id in held) \
                    and result.status in ("unverified", "skip", "not-exercised"):
                # A pass, a test skipped as inconclusive (it ran its other checks to the end), or rules that ran and
                # held in a test that failed on others.
                result.status, result.reasons = "pass", []
            elif outcome in ("failed", "xfailed") and result.status == "unverified":
                why = f"not judged: {nodeid} failed ({reason.splitlines()[0] if reason else 'on another rule'}) " \
                      "before its rules ran"
                if why not in result.reasons:
                    result.reasons.append(why)

    def stop(self, reason: str) -> None:
        """The run ended before every selected check ran; the first reason given is the one reported."""
        if self.stopped is None:
            self.stopped = reason

    @property
    def complete(self) -> bool:
        return self.stopped is None

    def passed_gate(self, level: str) -> bool:
        """Only a complete run that checked something, with no failure at a gated level, none unattributed and no
        selected requirement of a gated level left unverified (a failure elsewhere never hides one).

        An inconclusive requirement fails no gate, and proves nothing: a run of nothing else checked nothing."""
        checked = any(r.status not in UNJUDGED for r in self.by_id.values())
        return self.complete and checked and not self.failing(level) and not self.unattributed_failures \
            and not self.unverified(level)

    def unverified(self, level: str) -> list[RequirementResult]:
        """Requirements of a gated level some test was to check, that no rule judged (a complete run fails on them)."""
        gated = GATED_LEVELS[level]
        return [r for r in self.by_id.values()
                if r.status == "unverified" and r.requirement.id in self.selected and r.requirement.level in gated]

    def finish(self) -> None:
        for req_id, reason in self.known.items():
            result = self.by_id.get(req_id)
            if result is None:
                continue
            result.known_reason = reason
            if result.status == "pass":
                result.now_passing = True

    def failing(self, level: str) -> list[RequirementResult]:
        gated = GATED_LEVELS[level]
        return [r for r in self.by_id.values() if r.status == "fail" and r.requirement.level in gated]

    def inconclusive(self) -> list[RequirementResult]:
        return [r for r in self.by_id.values() if r.status == "inconclusive"]

    def inconclusive_by_edge(self) -> list[RequirementResult]:
        """Inconclusive because the edge wrote the answer that would have judged them (edge.py)."""
        return [r for r in self.inconclusive() if any(edge.ANSWERED in reason for reason in r.reasons)]

    def not_exercised(self) -> list[RequirementResult]:
        return [r for r in self.by_id.values() if r.status == "not-exercised"]

    def counts(self) -> dict[str, tuple[int, int]]:
        """level → (passed, checked) over requirements judged: not skipped, not inconclusive, not unverified."""
        out: dict[str, tuple[int, int]] = {}
        for result in self.by_id.values():
            if result.status in UNJUDGED:
                continue
            passed, total = out.get(result.requirement.level, (0, 0))
            out[result.requirement.level] = (passed + (result.status == "pass"), total + 1)
        return out

    def summary_line(self) -> str:
        parts = [f"{level} {passed}/{total}" for level, (passed, total) in sorted(self.counts().items(),
                 key=lambda kv: LEVELS.index(kv[0]))]
        statuses = [r.status for r in self.by_id.values()]
        inconclusive = Counter(r.requirement.level for r in self.inconclusive())
        if inconclusive:
            levels = ", ".join(f"{n} {level}" for level, n in sorted(inconclusive.items(), key=lambda kv: LEVELS.index(kv[0])))
            parts.append(f"{sum(inconclusive.values())} inconclusive ({levels})")
        for status, label in (("not-exercised", "not exercised by this traffic"), ("skip", "skipped"),
                              ("known-failure", "known failures"), ("unverified", "unverified")):
            if statuses.count(status):
                parts.append(f"{statuses.count(status)} {label}")
        now_passing = sum(r.now_passing for r in self.by_id.values())
        if now_passing:
            parts.append(f"{now_passing} known failures now pass")
        if self.unattributed_failures:
            n = len(self.unattributed_failures)
            parts.append(f"{n} finding{'s' if n > 1 else ''} under no requirement")
        if self.throttling.waits:
            parts.append(self.throttling.describe())
        if self.by_edge:
            parts.append(edge.describe(self.by_edge))
        line = " · ".join(parts) or "no requirement checked"
        return line if self.complete else f"INCOMPLETE ({self.stopped.split(';')[0]}) · {line}"
