"""The kinds of answer checks hand to the rules whole, and what each holds.

A rule registered `on` a kind (`@rule("ID", on=ERROR)`) applies to every such answer any check reads: the
targeted checks, the Schemathesis layer and passive judging of captured traffic hand each one over with
`judge(kind, answer, profile)`. A new rule of that kind needs no check of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conformance.rules.registry import Kind, applicable, judge

__all__ = ["ERROR", "PAGE", "Kind", "Paged", "applicable", "judge"]

ERROR = Kind("answer with a 4xx or 5xx status")  # the answer: its Exchange
PAGE = Kind("tenant-key page (a 200) to a valid query")  # the answer: Paged


@dataclass(frozen=True)
class Paged:
    """A page read from a 200 (tenant_key.pages.Page, its body already held to its shape) and what it was asked."""

    page: Any
    offset: int
    limit: int
    order: str = "asc"

    @property
    def exchange(self) -> Any:
        return self.page.exchange
