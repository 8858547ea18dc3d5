"""A Violation: one broken requirement, with what showed it; Inconclusive: rules the data moved under."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.client import Exchange


class Violation(AssertionError):
    """Raised by an invariant: `requirement` names the rule, `detail` says what broke it."""

    def __init__(self, requirement: str, detail: str, exchange: Exchange | None = None) -> None:
        super().__init__(f"{requirement}: {detail}")
        self.requirement = requirement
        self.detail = detail
        self.exchange = exchange

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled whole (passive judging in several processes sends its violations back): not as AssertionError's args.
        return type(self), (self.requirement, self.detail, self.exchange)


@contextlib.contextmanager
def evidence(exchange: Exchange) -> Iterator[None]:
    """Attach `exchange` (the request and response that showed it) to a Violation raised inside."""
    try:
        yield
    except Violation as violation:
        if violation.exchange is None:
            violation.exchange = exchange
        raise


class Inconclusive(Exception):
    """Raised by a check whose data moved under it: `rules` could be judged neither way, `reason` says why.

    Never a failure and never a pass: the plugin reports the test skipped and its requirements inconclusive.
    """

    def __init__(self, rules: Sequence[Any], reason: str) -> None:
        super().__init__(reason)
        self.rules = tuple(rules)
        self.reason = reason
