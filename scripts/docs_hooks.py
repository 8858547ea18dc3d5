"""MkDocs hooks of the documentation site (mkdocs.yml `hooks:`): what the pages show that the data already says.

- Every page under docs/guide/ gets into the nav (a "Guide" section), so a page added there needs no edit of
  mkdocs.yml to be published; pages the nav names already keep their place.
- `<!-- kill-matrix -->` in a page is replaced by the self-test's summary, counted from reference/mutants.yaml,
  reference/variations.yaml and the catalogue: nobody edits those counts by hand.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# The hooks run inside mkdocs, which need not run from a venv where the project is installed.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

KILL_MATRIX = "<!-- kill-matrix -->"
GUIDE = "guide"


def on_config(config: Any) -> Any:
    named = set(_pages(config["nav"] or []))
    docs = Path(config["docs_dir"])
    extra = [page for page in sorted(p.relative_to(docs).as_posix() for p in (docs / GUIDE).glob("*.md"))
             if page not in named]
    if extra:
        config["nav"].append({"Guide": extra})
    return config


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    return markdown.replace(KILL_MATRIX, kill_matrix_summary()) if KILL_MATRIX in markdown else markdown


def _pages(nav: Any) -> Iterator[str]:
    """Every page path a nav (a list of pages, {title: page} and {title: [...]}) names."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _pages(value)


def kill_matrix_summary() -> str:
    """The kill matrix's summary as a Markdown table, counted from the declarations the self-test runs."""
    from conformance.catalogue import requirements
    from conformance.profiles import PROFILES
    from reference.variants import mutants, variations

    kill, legit = mutants(), variations()
    profiles_of = Counter(m.name for m in kill)
    shared = sum(count > 1 for count in profiles_of.values())

    def gated(profile: str) -> set[str]:
        return {r.id for r in requirements().values() if r.profile == profile and r.level in ("MUST", "SHOULD")}

    def broken(profile: str) -> set[str]:
        return {i for m in kill if m.profile == profile for i in m.violates}

    rows = [
        ["mutants (one realistic defect each)", *[str(sum(m.profile == p for m in kill)) for p in PROFILES],
         f"**{len(kill)}, all caught** ({len(profiles_of)} defects, {shared} of them in both profiles), each under "
         "the requirement ids it violates in its profile"],
        ["requirements with a mutant that breaks them",
         *[f"{len(broken(p) & gated(p))} of {len(gated(p))}" for p in PROFILES],
         "every MUST and SHOULD of the catalogue" if all(gated(p) <= broken(p) for p in PROFILES)
         else "not yet every MUST and SHOULD of the catalogue"],
        ["legitimate servers that must pass (the reference and its variations)",
         *[f"1 + {sum(v.profile == p for v in legit)}" for p in PROFILES],
         f"**{len(legit) + len(PROFILES)}, all pass**, in dataset and in discovery mode (a live chat: in discovery "
         "mode only); a variation whose reading falls short of a SHOULD passes with that warning"],
    ]
    head = ["", *PROFILES, "all"]
    lines = [_row(head), _row(["---"] * len(head)), *map(_row, rows)]
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
