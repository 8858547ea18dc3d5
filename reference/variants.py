"""Which defect (mutant) or allowed difference (variation) the server runs with.

Both are declared as data, in `mutants.yaml` and `variations.yaml`; the server
code asks `switches.on("name")` right next to the line each one changes, so
there is one server, not a copy per mutant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from conformance.profiles import PROFILES, check_profile

HERE = Path(__file__).parent


class UnknownSwitch(ValueError):
    """A mutant or variation name that is not declared for the profile."""


@dataclass(frozen=True)
class Switch:
    name: str
    profile: str
    description: str
    violates: tuple[str, ...] = ()  # requirement ids a mutant breaks; empty for variations


@dataclass(frozen=True)
class Switches:
    """The switches turned on for one server; at most one mutant and one variation."""

    profile: str
    active: frozenset[str] = frozenset()

    def on(self, name: str) -> bool:
        # a hook naming an undeclared switch is a typo that would never fire
        if name not in _declared_names():
            raise KeyError(f"server hook asks for {name!r}, declared in neither mutants.yaml nor variations.yaml")
        return name in self.active


@cache
def mutants() -> tuple[Switch, ...]:
    return _load(HERE / "mutants.yaml", with_violates=True)


@cache
def variations() -> tuple[Switch, ...]:
    return _load(HERE / "variations.yaml", with_violates=False)


def choose(profile: str, mutant: str | None = None, variation: str | None = None) -> Switches:
    check_profile(profile)
    _declared_names()  # fail now, not on the first request, if the declarations clash
    active = set()
    for kind, name, declared in (("mutant", mutant, mutants()), ("variation", variation, variations())):
        if name is None:
            continue
        valid = [switch.name for switch in declared if switch.profile == profile]
        if name not in valid:
            raise UnknownSwitch(f"unknown {kind} {name!r} for profile {profile}; valid: {', '.join(valid) or '(none)'}")
        active.add(name)
    return Switches(profile, frozenset(active))


def _load(path: Path, with_violates: bool) -> tuple[Switch, ...]:
    switches = []
    for index, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
        where = f"{path}: entry {index}"
        expected = {"name", "profile", "description"} | ({"violates"} if with_violates else set())
        # suite_args: extra suite options the self-test runs this mutant with (e.g. a short timeout for `hang`)
        optional = {"suite_args"} if with_violates else set()
        if not isinstance(entry, dict) or not expected <= set(entry) <= expected | optional:
            raise ValueError(f"{where}: expected the keys {sorted(expected)} (optional: {sorted(optional)}), got {entry!r}")
        if entry["profile"] not in PROFILES:
            raise ValueError(f"{where}: profile {entry['profile']!r} is not one of {', '.join(PROFILES)}")
        switches.append(Switch(entry["name"], entry["profile"], entry["description"], tuple(entry.get("violates", ()))))
    return tuple(switches)


@cache
def _declared_names() -> frozenset[str]:
    names = [switch.name for switch in (*mutants(), *variations())]
    if len(set(names)) != len(names):
        raise ValueError("mutants.yaml and variations.yaml must not declare a name twice, across both files")
    return frozenset(names)
