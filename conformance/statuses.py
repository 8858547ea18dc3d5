"""A requirement's status, said once for every report: its name (report.json, junit), its icon and label for people
(report.md, the step summary, report.html, the diff), and what it means where it has no reason of its own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    name: str  # as report.json writes it
    icon: str
    label: str
    meaning: str
    judged: bool = True  # False: neither passed nor failed (no gate counts it either way)
    aside: bool = False  # its meaning is written beside its label in the Markdown report's table

    @property
    def marked(self) -> str:
        return f"{self.icon} {self.label}"


STATUSES: dict[str, Status] = {s.name: s for s in (  # in the order the reports list them
    Status("pass", "✅", "pass", "the requirement held wherever it was checked"),
    Status("fail", "❌", "fail", "a check broke it"),
    Status("known-failure", "⚠️", "known failure", "it fails, excused by --known-failures"),
    Status("inconclusive", "❔", "inconclusive", "the data changed while it was read, or the edge answered: neither passed nor failed",
           judged=False, aside=True),
    Status("not-exercised", "○", "not exercised",
           "the captured traffic gave its rules no occasion: neither passed nor failed", judged=False, aside=True),
    Status("unverified", "·", "unverified", "no rule of it ran to the end: not run, or stopped by a failure it "
           "depends on", judged=False, aside=True),
    Status("skip", "⏭", "skipped", "its checks were skipped", judged=False),
)}
UNJUDGED = tuple(name for name, status in STATUSES.items() if not status.judged)


def marked(name: str) -> str:
    """Icon and label (a status of another version of the suite: its name)."""
    return STATUSES[name].marked if name in STATUSES else name


def label(name: str) -> str:
    return STATUSES[name].label if name in STATUSES else name


def meaning(name: str) -> str:
    return STATUSES[name].meaning if name in STATUSES else ""
