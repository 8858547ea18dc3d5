"""The requirement catalogue (requirements.yaml), loaded once, as values."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).with_name("requirements.yaml")
LEVELS = ("MUST", "SHOULD", "MAY")


@dataclass(frozen=True)
class Requirement:
    id: str
    profile: str
    level: str
    statement: str
    source: dict[str, str]
    accepts: tuple[str, ...] = ()

    def headline(self) -> str:
        return f"{self.id} [{self.level}] {self.statement}"


@functools.cache
def raw_catalogue() -> dict[str, Any]:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


@functools.cache
def requirements() -> dict[str, Requirement]:
    return {
        entry["id"]: Requirement(
            id=entry["id"],
            profile=entry["profile"],
            level=entry["level"],
            statement=entry["statement"],
            source=dict(entry["source"]),
            accepts=tuple(entry.get("accepts", ())),
        )
        for entry in raw_catalogue()["requirements"]
    }


def requirement(req_id: str) -> Requirement:
    return requirements()[req_id]


def for_profile(profile: str) -> list[Requirement]:
    return [r for r in requirements().values() if r.profile == profile]
