"""What a check's report carries for the results and the reports (its user properties, results.py names them): the
requirements it checked and those whose rules held, and of a failure, what explained it. Plain functions over plain
values; the plugin's `pytest_runtest_makereport` is a short hook over them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from conformance.explanation import Explanation
from conformance.masking import REDACTOR
from conformance.results import (BY_EDGE, CHECKS, ENTRIES, FAILED, HELD, INCONCLUSIVE, REASON, REASONS, REPRODUCED,
                                 STOPPED, THROTTLING, UNATTRIBUTED)

Property = tuple[str, Any]

# Set by the plugin on every report; what a test wrote itself under another name (NOTE, the kill matrix's) stays.
OWN = (CHECKS, FAILED, REASON, UNATTRIBUTED, STOPPED, THROTTLING, INCONCLUSIVE, REPRODUCED, ENTRIES, HELD, REASONS,
       BY_EDGE)


def of_check(props: Iterable[Property], ids: Iterable[str], held: Iterable[str] | None, throttling: str | None,
             by_edge: str | None) -> list[Property]:
    """A report's properties: the test's own, the requirement ids it checks, (at its call) those whose rules ran and
    held, and this process's throttling waits and edge answers so far."""
    kept = [p for p in props if p[0] not in OWN]
    kept.append((CHECKS, " ".join(ids)))
    if held is not None:
        kept.append((HELD, " ".join(held)))
    if throttling:
        kept.append((THROTTLING, throttling))
    if by_edge:
        kept.append((BY_EDGE, by_edge))
    return kept


def recheck_due(explained: Explanation, known_failures: Mapping[str, str]) -> bool:
    """Whether the answer behind a failure is asked again: requirements failed, not by the run's own limit, and not
    all of them known failures."""
    return bool(explained.failed) and not explained.stopped and not known_failures.keys() >= set(explained.failed)


def reason_of(first_line: str, reproduced: bool | None) -> str:
    return first_line + (" (did not reproduce: flaky)" if reproduced is False else "")


def of_failure(explained: Explanation, reason: str, reproduced: bool | None) -> list[Property]:
    """The properties of a failed report: whether it reproduced, the ids failed and why (each its own reason), the
    HAR entries that show it, the ids left inconclusive, unattributed findings, and the limit that stopped it."""
    props: list[Property] = []
    if reproduced is not None:
        props.append((REPRODUCED, "yes" if reproduced else "no"))
    props += [(FAILED, " ".join(explained.failed)), (REASON, REDACTOR.scrub(reason))]
    if explained.entries:
        props.append((ENTRIES, " ".join(explained.entries)))
    if explained.inconclusive:
        props.append((INCONCLUSIVE, " ".join(explained.inconclusive)))
    if len(explained.reasons) > 1:
        props.append((REASONS, REDACTOR.scrub("\n".join(f"{req}\t{why}" for req, why in explained.reasons.items()))))
    if explained.unattributed:
        props.append((UNATTRIBUTED, REDACTOR.scrub("\n".join(explained.unattributed))))
    if explained.stopped:
        props.append((STOPPED, explained.stopped))
    return props


def for_junit(explained: Explanation) -> dict[str, str]:
    """What junit must also show of a failure (it reads the properties of a test's teardown)."""
    shown = {FAILED: " ".join(explained.failed)} if explained.failed else {}
    if explained.inconclusive:
        shown[INCONCLUSIVE] = " ".join(explained.inconclusive)
    return shown


def only_inconclusive(explained: Explanation) -> bool:
    """The data moved under the check and nothing else went wrong: the test is skipped, neither passed nor failed."""
    return bool(explained.inconclusive) and not (explained.failed or explained.unattributed or explained.stopped)


def known_failure(explained: Explanation, known_failures: Mapping[str, str]) -> str | None:
    """Why the failure is excused (reported xfailed), when every requirement it failed is a known failure."""
    failed = explained.failed
    if explained.stopped or not failed or explained.unattributed or not all(f in known_failures for f in failed):
        return None
    return "known failure: " + "; ".join(f"{f}: {known_failures[f]}" for f in failed)


def skip_reason(longrepr: tuple[Any, ...]) -> str:
    return str(longrepr[2]).removeprefix("Skipped: ")
