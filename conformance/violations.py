"""A Violation: one broken requirement, with what showed it; Inconclusive: rules the data moved under; Violations:
every one a check saw, raised together at its end.

A check runs every rule it can, whatever broke before: `every()` gathers what each block of it raises and raises it
all at the end; `go_on()` hands what its block raises to the test the plugin runs (`gathering()`), which raises it
with the test's own outcome, so that code past the block (the rest of a walk, say) still runs.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.exchange import Exchange

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup, ExceptionGroup  # Hypothesis's own dependency before 3.11


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


class Inconclusive(Exception):
    """Raised by a check whose data moved under it: `rules` could be judged neither way, `reason` says why.

    Never a failure and never a pass: the plugin reports the test skipped and its requirements inconclusive.
    """

    def __init__(self, rules: Sequence[Any], reason: str) -> None:
        super().__init__(reason)
        self.rules = tuple(rules)
        self.reason = reason


Finding = Violation | Inconclusive  # what a check can find of a rule


class Violations(ExceptionGroup, AssertionError):  # type: ignore[misc]
    """Several findings of one check: each broken requirement once (its first evidence), and the inconclusive.

    An AssertionError too, so that a Schemathesis check raising it is a failure like any other."""

    def __new__(cls, found: Sequence[Finding]) -> Violations:
        return super().__new__(cls, _summary(found), list(found))

    def __init__(self, found: Sequence[Finding]) -> None:
        super().__init__(_summary(found), list(found))

    def derive(self, excs: Sequence[BaseException]) -> Any:
        return Violations(list(excs))  # type: ignore[arg-type]


def _summary(found: Sequence[Finding]) -> str:
    return "\n".join(str(f) if isinstance(f, Violation) else f"inconclusive: {f.reason}" for f in found)


def flatten(exc: BaseException) -> list[Finding]:
    """The findings an exception carries: itself, or the findings among the members of a group."""
    if isinstance(exc, BaseExceptionGroup):
        return [f for sub in exc.exceptions for f in flatten(sub)]
    return [exc] if isinstance(exc, (Violation, Inconclusive)) else []


def merged(found: Iterable[Finding]) -> list[Finding]:
    """Each requirement broken once (its first evidence: a defect on every page of a walk is one finding)."""
    out: list[Finding] = []
    seen: set[str] = set()
    for finding in found:
        if isinstance(finding, Violation):
            if finding.requirement in seen:
                continue
            seen.add(finding.requirement)
        out.append(finding)
    return out


def raise_found(found: Sequence[Finding]) -> None:
    """Raise what was found: nothing, the one finding, or all of them together."""
    found = merged(found)
    if len(found) == 1:
        raise found[0]
    if found:
        raise Violations(found)


def is_finding(exc: BaseException | None) -> bool:
    return isinstance(exc, (Violation, Inconclusive, Violations))


class Gather:
    """`with gather:` keeps a finding raised in the block and goes on after it; `gather.found` holds them."""

    def __init__(self) -> None:
        self.found: list[Finding] = []

    def __enter__(self) -> Gather:
        return self

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        if is_finding(exc):
            self.found += flatten(exc)  # type: ignore[arg-type]
            return True
        return False


@contextlib.contextmanager
def every() -> Iterator[Gather]:
    """Blocks of one check (`with each:`), each run whatever the one before found; at the end, all is raised."""
    gather = Gather()
    with gather:  # a finding outside the inner blocks ends the check, kept with the rest
        yield gather
    raise_found(gather.found)


_TEST: contextvars.ContextVar[Gather | None] = contextvars.ContextVar("conformance_test_findings", default=None)


@contextlib.contextmanager
def gathering() -> Iterator[Gather]:
    """Around one test (the plugin): what `go_on()` blocks find within it is gathered here."""
    gather = Gather()
    token = _TEST.set(gather)
    try:
        yield gather
    finally:
        _TEST.reset(token)


@contextlib.contextmanager
def go_on(when: bool | Callable[[], bool] = True) -> Iterator[None]:
    """A finding raised in the block is handed to the running test, which raises it at its end, and the code after
    the block runs on (`when` false: what comes after cannot go on without the block; outside a test the plugin
    runs, such as a rule called on its own or passive judging: it is raised as it is). `when` may be a function,
    asked only inside a test."""
    test = _TEST.get()
    if test is None or not (when() if callable(when) else when):
        yield
        return
    with test:
        yield


class citing:  # noqa: N801 - a context manager used as a function; a class, as it is entered per rule at volume
    """Cite `exchange` (the request and response that showed it) in the Violations raised inside: `with citing(answer):`."""

    __slots__ = ("exchange",)

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, raised: BaseException | None, traceback: Any) -> bool:
        if isinstance(raised, (Violation, Violations)):
            for finding in flatten(raised):
                if isinstance(finding, Violation) and finding.exchange is None:
                    finding.exchange = self.exchange
        return False
