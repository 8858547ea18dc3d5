"""A Violation: one broken requirement, with what showed it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conformance.client import Exchange


class Violation(AssertionError):
    """Raised by an invariant: `requirement` names the rule, `detail` says what broke it."""

    def __init__(self, requirement: str, detail: str, exchange: Exchange | None = None) -> None:
        super().__init__(f"{requirement}: {detail}")
        self.requirement = requirement
        self.detail = detail
        self.exchange = exchange


@contextlib.contextmanager
def evidence(exchange: Exchange) -> Iterator[None]:
    """Attach `exchange` (the request and response that showed it) to a Violation raised inside."""
    try:
        yield
    except Violation as violation:
        if violation.exchange is None:
            violation.exchange = exchange
        raise
