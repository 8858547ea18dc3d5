"""Failure text people can act on: the requirement, its level and rule, the request as curl, what broke it."""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass, field

from conformance.catalogue import requirements
from conformance.transport.errors import BudgetExhausted, TargetError, TargetSilent
from conformance.edge import ANSWERED, Seen, written_by_edge
from conformance.fuzzing import GeneratedCaseFailed
from conformance.profiles import Profile
from conformance.rules import http, ids_of
from conformance.violations import Inconclusive, Violation

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup  # Hypothesis's own dependency before 3.11


def headline(req_id: str) -> str:
    req = requirements().get(req_id)
    return f"{req_id} [{req.level}] {req.statement}" if req else req_id


@dataclass(frozen=True)
class Explanation:
    failed: list[str]  # the requirement ids the failure breaks
    text: str  # what to show
    unattributed: list[str] = field(default_factory=list)  # findings that break no known requirement, as themselves
    stopped: str | None = None  # the run's own limit stopped this test: why
    inconclusive: list[str] = field(default_factory=list)  # requirements the data moved under: judged neither way
    entries: list[str] = field(default_factory=list)  # the HAR entries (their _id) that show the failure
    reasons: dict[str, str] = field(default_factory=dict)  # each failed requirement → what broke it, in a line


def explain(exc: BaseException, profile: Profile, seen: Seen | None = None) -> Explanation:
    """`seen`: the target's answers so far, by which an answer the edge wrote is told (edge.py): a rule it broke is
    inconclusive, not failed."""
    if isinstance(exc, BaseExceptionGroup):
        # Hypothesis raises a group when it found several distinct failures: each names its own rules.
        parts = [explain(sub, profile, seen) for sub in exc.exceptions]
        return Explanation(
            failed=list(dict.fromkeys(req for part in parts for req in part.failed)),
            text="\n\n".join(part.text for part in parts),
            unattributed=[finding for part in parts for finding in part.unattributed],
            stopped=next((part.stopped for part in parts if part.stopped), None),
            inconclusive=list(dict.fromkeys(req for part in parts for req in part.inconclusive)),
            entries=list(dict.fromkeys(e for part in parts for e in part.entries)),
            reasons={req: why for part in reversed(parts) for req, why in part.reasons.items()},
        )
    if isinstance(exc, Violation) and exc.exchange is not None and seen is not None \
            and (who := written_by_edge(exc.exchange, seen)) is not None:
        return Explanation([], f"inconclusive ({exc.requirement}): {ANSWERED} ({who}), not by the "
                               f"implementation: {exc.detail}\n  request:    {exc.exchange.curl()}",
                           inconclusive=[exc.requirement])
    if isinstance(exc, Violation):
        lines = [headline(exc.requirement), f"  what broke: {exc.detail}"]
        if exc.exchange is not None:
            lines.append(f"  request:    {exc.exchange.curl()}")
            response = exc.exchange.excerpt().replace("\n", "\n              ")
            lines.append(f"  response:   {response}")
            if exc.exchange.har_id:
                lines.append(f"  HAR entry:  {exc.exchange.har_id}")
        entries = [exc.exchange.har_id] if exc.exchange is not None and exc.exchange.har_id else []
        text = "\n".join(lines)
        return Explanation([exc.requirement], text, entries=entries, reasons={exc.requirement: first_line(text)})
    if isinstance(exc, Inconclusive):
        ids = ids_of(exc.rules, profile)
        return Explanation([], f"inconclusive ({', '.join(ids)}): {exc.reason}", inconclusive=ids)
    if isinstance(exc, GeneratedCaseFailed):
        heads = [headline(r) for r in exc.requirements]
        heads += [f"{finding} (a Schemathesis finding the suite does not attribute to a requirement)"
                  for finding in exc.unattributed]
        text = "\n".join(heads) + f"\n  a generated request broke the rule(s) above (Schemathesis):\n{exc}"
        if exc.har_id:
            text += f"\n  HAR entry:  {exc.har_id}"
        reasons = {r: f"{headline(r)} — a generated request broke it (Schemathesis)" for r in exc.requirements}
        return Explanation(exc.requirements, text, exc.unattributed, entries=[exc.har_id] if exc.har_id else [],
                           reasons=reasons)
    if isinstance(exc, TargetSilent):  # the run stops, and the silence is the target's failure to answer
        answers = http.answered[profile].id
        text = f"{headline(answers)}\n  what broke: {exc}"
        return Explanation([answers], text, stopped=str(exc), reasons={answers: first_line(text)})
    if isinstance(exc, BudgetExhausted):
        return Explanation([], f"not run: {exc}", stopped=str(exc))  # the suite's limit, not the target's fault
    if isinstance(exc, TargetError):
        answers = http.answered[profile].id
        text = f"{headline(answers)}\n  what broke: {exc}" + (f"\n  HAR entry:  {exc.har_id}" if exc.har_id else "")
        return Explanation([answers], text, entries=[exc.har_id] if exc.har_id else [])
    # A fault of the suite itself, or a check that could not finish: blamed on no requirement of the target.
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    location = f" (at {where.filename}:{where.lineno})" if where else ""
    finding = f"unexpected error: {type(exc).__name__}: {exc}{location}"
    return Explanation([], f"{finding}\n  no requirement is marked failed by it; its checks are unverified", [finding])


def first_line(text: str) -> str:
    lines = text.splitlines()
    # The headline names the rule; the line after it says what broke.
    return " — ".join(line.strip() for line in lines[:2]) if lines else ""
