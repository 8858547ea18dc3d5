"""What checks hand to the rules whole: kinds of answer, and the probes a rule declares.

A rule registered `on` a kind (`@rule("ID", on=ERROR)`) applies to every such answer any check reads: the
targeted checks, the Schemathesis layer and passive judging of captured traffic hand each one over with
`judge(kind, answer, profile)`. A rule that needs requests of its own declares them (`probe=asking(...)`): the
common check of probed rules sends each and hands its answer to the rule. Either way, no check to write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance.rules.registry import Kind, applicable, judge

__all__ = ["ERROR", "PAGE", "Kind", "Paged", "Probe", "Probed", "applicable", "asking", "judge", "query_text"]

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


Query = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Probe:
    """Requests that show a rule, declared with it: each query sent with the caller's key to its own chat."""

    queries: tuple[Query, ...]


def asking(*queries: Mapping[str, Any]) -> Probe:
    return Probe(tuple(tuple((name, str(value)) for name, value in query.items()) for query in queries))


@dataclass(frozen=True)
class Probed:
    """The answer to one request of a rule's probe, and the query it was asked with."""

    exchange: Any
    query: Query

    @property
    def status(self) -> int:
        return self.exchange.status

    @property
    def what(self) -> str:
        return query_text(self.query)


def query_text(query: Query) -> str:
    return "&".join(f"{name}={value}" for name, value in query) or "no query"
