"""Whether a failure reproduces: the answer that broke a rule, asked for once more with the same request.

A failure that does not reproduce still fails (an unstable sort is a defect); the report labels it flaky and shows
both answers. Answers are the same when their statuses are and their bodies are once incidental tokens (request
ids, UUIDs, numbers such as times) are set aside.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.exchange import Exchange
from conformance.transport.errors import TargetError
from conformance.rules.reading import set_aside


@dataclass(frozen=True)
class Recheck:
    reproduced: bool | None  # None: it could not be asked again
    note: str


def same_answer(first: Exchange, second: Exchange) -> bool:
    return first.status == second.status and set_aside(first.body) == set_aside(second.body)


def recheck(exchange: Exchange) -> Recheck:
    """Send the GET behind `exchange` again and say whether the same answer came back."""
    if exchange.resend is None:
        return Recheck(None, "")
    try:
        second = exchange.resend()
    except TargetError as exc:  # the budget, the duration, a target that stopped answering
        return Recheck(None, f"  re-sent:    not asked again ({exc})")
    if same_answer(exchange, second):
        return Recheck(True, "  re-sent:    the same answer came back: the failure reproduces")
    again = second.excerpt().replace("\n", "\n              ")
    return Recheck(False, "  re-sent:    another answer came back: the failure did not reproduce (flaky); "
                          f"it still fails\n  second:     {again}")
