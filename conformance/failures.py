"""The failures of a run as the terminal shows them, kept for the reports that show them per requirement.

A failed check's text (explanation.explain) is one block per broken rule: a headline, then labelled lines
("what broke:", "request:", "response:", "HAR entry:"). The reports quote it whole and also pick those parts out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conformance.masking import REDACTOR
from conformance.results import ENTRIES, FAILED

MAX_TEXT = 20_000  # characters of one failure kept: a Schemathesis failure can quote a long generated case
LABEL = re.compile(r"^  (what broke|request|response|HAR entry|re-sent):\s*(.*)$")
HEADLINE = re.compile(r"^[A-Z][A-Z0-9-]* \[(MUST|SHOULD|MAY)\] ")  # explanation.headline: "ID [LEVEL] statement"


@dataclass(frozen=True)
class Failure:
    test: str  # the test's node id
    requirements: tuple[str, ...]  # the requirement ids it broke
    text: str  # the failure text, keys masked
    har_entries: tuple[str, ...] = ()  # the recorded exchanges (HAR _id) that show it

    def as_dict(self) -> dict:
        return {"test": self.test, "requirements": list(self.requirements), "text": self.text,
                "har_entries": list(self.har_entries)}


def of_report(nodeid: str, outcome: str, props: dict[str, str], text: str) -> Failure | None:
    """The failure a test report shows (outcome failed, or xfailed for a known failure), or None."""
    if outcome not in ("failed", "xfailed") or not props.get(FAILED, "").split():
        return None
    text = REDACTOR.scrub(text)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + f"\n… ({len(text) - MAX_TEXT} more characters in the terminal output)"
    return Failure(nodeid, tuple(props[FAILED].split()), text, tuple(props.get(ENTRIES, "").split()))


@dataclass
class Block:
    """Broken rules in a failure's text: their headlines and the labelled parts under them (label → text)."""

    headlines: list[str]
    parts: dict[str, str] = field(default_factory=dict)
    rest: str = ""  # lines under no label (a generated case as Schemathesis tells it), as written


def blocks(text: str) -> list[Block]:
    """The failure text cut into Blocks, one per run of headlines; continuation lines join the part above."""
    out: list[Block] = []
    label: str | None = None
    for line in text.splitlines():
        if HEADLINE.match(line) or not out:
            if out and not out[-1].parts and not out[-1].rest:
                out[-1].headlines.append(line.strip())  # several rules broken by the one case below them
            else:
                out.append(Block([line.strip()]))
            label = None
            continue
        block = out[-1]
        matched = LABEL.match(line)
        if matched:
            label = matched.group(1)
            block.parts[label] = matched.group(2)
        elif label in ("response", "request") and line.startswith(" " * 14):
            block.parts[label] += "\n" + line[14:]
        else:
            label = None
            block.rest += line.removeprefix("  ") + "\n"
    for block in out:
        block.rest = block.rest.strip("\n")
    return out


def by_requirement(failures: list[dict]) -> dict[str, list[dict]]:
    """report.json's failures, grouped under each requirement they broke (a test breaking two is in both)."""
    grouped: dict[str, list[dict]] = {}
    for failure in failures:
        for req_id in failure["requirements"]:
            grouped.setdefault(req_id, []).append(failure)
    return grouped


def part_for(failures: list[dict], req_id: str, label: str) -> str | None:
    """The first failure's part (what broke, request, …) under this requirement's own headline, if one has it."""
    for failure in failures:
        for block in blocks(failure["text"]):
            if any(h.startswith(req_id + " ") for h in block.headlines) and block.parts.get(label):
                return block.parts[label]
    return None
