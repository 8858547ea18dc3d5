"""Failure text people can act on: the requirement, its level and rule, the request as curl, what broke it."""

from __future__ import annotations

import sys
import traceback

from conformance.catalogue import requirements
from conformance.client import BudgetExhausted, TargetError
from conformance.fuzzing import GeneratedCaseFailed
from conformance.violations import Violation

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup  # Hypothesis's own dependency before 3.11


def headline(req_id: str) -> str:
    req = requirements().get(req_id)
    return f"{req_id} [{req.level}] {req.statement}" if req else req_id


ANSWERS = {"tenant-key": "HTTP-ANSWERS", "org-token": "ORG-HTTP-ANSWERS"}


def explain(exc: BaseException, ids: list[str], profile: str) -> tuple[list[str], str]:
    """(the requirement ids the failure breaks, the text to show)."""
    if isinstance(exc, BaseExceptionGroup):
        # Hypothesis raises a group when it found several distinct failures: each names its own rules.
        parts = [explain(sub, ids, profile) for sub in exc.exceptions]
        failed = list(dict.fromkeys(req for part_ids, _ in parts for req in part_ids))
        return failed, "\n\n".join(text for _, text in parts)
    if isinstance(exc, Violation):
        lines = [headline(exc.requirement), f"  what broke: {exc.detail}"]
        if exc.exchange is not None:
            lines.append(f"  request:    {exc.exchange.curl()}")
            response = exc.exchange.excerpt().replace("\n", "\n              ")
            lines.append(f"  response:   {response}")
        return [exc.requirement], "\n".join(lines)
    if isinstance(exc, GeneratedCaseFailed):
        failed = exc.requirements or ids
        heads = "\n".join(headline(r) for r in failed)
        return failed, f"{heads}\n  a generated request broke the rule(s) above (Schemathesis):\n{exc}"
    if isinstance(exc, BudgetExhausted):
        return [], f"not run: {exc}"  # the suite's limit, not the target's fault; still fails the run
    if isinstance(exc, TargetError):
        answers = ANSWERS[profile]
        return [answers], f"{headline(answers)}\n  what broke: {exc}"
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    location = f" (at {where.filename}:{where.lineno})" if where else ""
    heads = "\n".join(headline(r) for r in ids)
    return ids, f"unexpected error: {type(exc).__name__}: {exc}{location}\n  while checking:\n{heads}"


def first_line(text: str) -> str:
    lines = text.splitlines()
    # The headline names the rule; the line after it says what broke.
    return " — ".join(line.strip() for line in lines[:2]) if lines else ""
