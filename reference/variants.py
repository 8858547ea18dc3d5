"""Which defect (mutant) or allowed difference (variation) the server runs with, applied from outside its code.

Both are declared as data: name, description, profiles and, for a mutant, the requirement ids it violates in
each profile (`mutants.yaml`, `variations.yaml`). The code of each is registered under its name by `@patch`, in
a module of `reference/defects/` (mutants) or `reference/alternatives/` (variations): a new version of one step
of the server (`reference/server.py`) or of the store (`reference/store.py`), which replaces that step or wraps
it. `choose` puts the chosen patches onto subclasses of the correct classes, which themselves stay as written.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from conformance.profiles import PROFILES, check_profile
from reference.server import SERVERS
from reference.store import Store

HERE = Path(__file__).parent
MODES = ("dataset", "discovery")  # the suite's modes a legitimate server is run in
CODE_PACKAGES = ("reference.defects", "reference.alternatives")

Step = Callable[..., Any]
T = TypeVar("T")


class UnknownSwitch(ValueError):
    """A mutant or variation name that is not declared for the profile."""


@dataclass(frozen=True)
class Switch:
    """A mutant or a variation in one profile: a defect both profiles have is one Switch in each."""

    name: str
    profile: str
    description: str
    violates: tuple[str, ...] = ()  # a mutant: the requirement ids it breaks in this profile
    warns: tuple[str, ...] = ()  # a variation: SHOULD requirements its allowed reading falls short of (warned, not failed)
    suite_args: tuple[str, ...] = ()  # extra suite options the self-test runs it with (e.g. a short timeout)
    modes: tuple[str, ...] = MODES  # a variation: the suite's modes it must pass in (live data: discovery only)
    moves: bool = False  # a variation whose data changes while it is read: verdicts left inconclusive are its right


@dataclass(frozen=True)
class Patch:
    """A new version of the method `step` of `owner` (or of its subclasses): `code` replaces it, or wraps it."""

    owner: type
    step: str
    code: Step
    wraps: bool

    def onto(self, cls: type[T]) -> type[T]:
        """A subclass of cls with this step patched."""
        if not self.wraps:
            return type(cls.__name__, (cls,), {self.step: self.code})
        inner, code = getattr(cls, self.step), self.code

        def wrapped(this: Any, *args: Any, **kwargs: Any) -> Any:
            return code(this, inner.__get__(this), *args, **kwargs)

        return type(cls.__name__, (cls,), {self.step: wrapped})

    def where(self) -> str:
        how = "wraps" if self.wraps else "replaces"
        return f"{self.code.__module__}.{self.code.__qualname__} ({how} {self.owner.__name__}.{self.step})"


_REGISTERED: dict[str, list[Patch]] = {}


def patch(name: str, *, replaces: Step | None = None, wraps: Step | None = None) -> Callable[[Step], Step]:
    """Register the decorated function under `name` (its entry in mutants.yaml or variations.yaml).

    `replaces=Store.of_chat`: the function is the new step, called as the method was (self first).
    `wraps=Store.render`: it is called with self, then the step it wraps (bound), then the step's arguments.
    A name may register more than one function, where one defect needs two steps changed.
    """
    if (replaces is None) == (wraps is None):
        raise TypeError("patch() takes one of replaces= or wraps=")
    step: Step = replaces or wraps  # type: ignore[assignment]
    owner_name, _, method = step.__qualname__.rpartition(".")
    owner = getattr(sys.modules[step.__module__], owner_name)

    def register(code: Step) -> Step:
        _REGISTERED.setdefault(name, []).append(Patch(owner, method, code, wraps is not None))
        return code

    return register


def returns(value: Any) -> Step:
    """A step that answers `value` (a piece of SQL, say), for a patch that changes only what a step answers."""
    return lambda self, *args: value


@dataclass(frozen=True)
class Chosen:
    """The patches of one server: its mutants (one, or a pair) and at most one variation."""

    patches: tuple[Patch, ...] = ()

    def applied(self, cls: type[T]) -> type[T]:
        """cls (Store, or the profile's server class) with every chosen patch of one of its steps."""
        for one in self.patches:
            if issubclass(cls, one.owner):
                cls = one.onto(cls)
        return cls


@cache
def mutants() -> tuple[Switch, ...]:
    """One Switch per (mutant, profile), in the order of the file."""
    return tuple(
        Switch(entry["name"], profile, entry["description"], violates=tuple(ids),
               suite_args=tuple(entry.get("suite_args", ())))
        for entry in _entries("mutants.yaml", {"name", "description", "violates"}, {"suite_args"})
        for profile, ids in _of_profiles(entry, entry["violates"]).items()
    )


@cache
def variations() -> tuple[Switch, ...]:
    """One Switch per (variation, profile), in the order of the file."""
    return tuple(
        Switch(entry["name"], profile, entry["description"], warns=tuple(entry.get("warns", {}).get(profile, ())),
               modes=_of_modes(entry), moves=entry.get("moves", False) is True)
        for entry in _entries("variations.yaml", {"name", "profiles", "description"}, {"modes", "warns", "moves"})
        for profile in _of_profiles(entry, dict.fromkeys(entry["profiles"]))
    )


@cache
def pairs() -> tuple[Switch, ...]:
    """Two mutants at once (pairs.yaml), one Switch per profile both have, named `A+B`: it violates every id either
    violates alone."""
    alone = {(m.name, m.profile): m for m in mutants()}
    found = []
    for entry in _entries("pairs.yaml", {"name", "why", "mutants"}, set()):
        names = entry["mutants"]
        unknown = [n for n in names if not any(m.name == n for m in mutants())]
        if len(names) != 2 or unknown:
            raise ValueError(f"pairs.yaml: {entry['name']}: expected two mutants of mutants.yaml, got {names}")
        for profile in PROFILES:
            parts = [alone.get((name, profile)) for name in names]
            if all(parts):
                found.append(Switch("+".join(names), profile, entry["why"],
                                    violates=tuple(dict.fromkeys(i for p in parts for i in p.violates)),
                                    suite_args=tuple(dict.fromkeys(a for p in parts for a in p.suite_args))))
    return tuple(found)


def choose(profile: str, mutant: str | None = None, variation: str | None = None) -> Chosen:
    """The patches of `mutant` (several at once: `A+B`) and `variation` in `profile`."""
    check_profile(profile)
    code = registered()  # fails now, not on the first request, if the declarations and the code disagree
    chosen: list[Patch] = []
    asked = [("mutant", name, mutants()) for name in (mutant.split("+") if mutant else ())]
    for kind, name, declared in (*asked, ("variation", variation, variations())):
        if name is None:
            continue
        valid = [switch.name for switch in declared if switch.profile == profile]
        if name not in valid:
            raise UnknownSwitch(f"unknown {kind} {name!r} for profile {profile}; valid: {', '.join(valid) or '(none)'}")
        chosen += code[name]
    return Chosen(tuple(chosen))


@cache
def registered() -> Mapping[str, tuple[Patch, ...]]:
    """The code of every mutant and variation by name, checked against their declarations."""
    for package in CODE_PACKAGES:
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            importlib.import_module(f"{package}.{module.name}")
    code = {name: tuple(patches) for name, patches in _REGISTERED.items()}
    trouble = problems(mutants(), variations(), code)
    if trouble:
        raise ValueError("mutants and variations do not match their code:\n" + "\n".join(trouble))
    return code


def problems(in_mutants: Sequence[Switch], in_variations: Sequence[Switch],
             code: Mapping[str, Iterable[Patch]]) -> list[str]:
    """A name declared twice or without code, code under no declared name, a patch of a step the profile lacks."""
    declared = (*in_mutants, *in_variations)
    names = {switch.name for switch in declared}
    found = [f"{name} is declared in both mutants.yaml and variations.yaml"
             for name in sorted({m.name for m in in_mutants} & {v.name for v in in_variations})]
    found += [f"{name} is declared but no code is registered for it (@patch({name!r}, ...))"
              for name in sorted(names - set(code))]
    found += [f"{one.where()} is registered as {name!r}, which neither mutants.yaml nor variations.yaml declares"
              for name in sorted(set(code) - names) for one in code[name]]
    for switch in declared:
        found += [f"{switch.name} ({switch.profile}): {one.where()} patches a step the {switch.profile} server lacks"
                  for one in code.get(switch.name, ())
                  if not issubclass(SERVERS[switch.profile], one.owner) and not issubclass(Store, one.owner)]
    return found


def _entries(file: str, required: set[str], optional: set[str]) -> list[dict[str, Any]]:
    path = HERE / file
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not required <= set(entry) <= required | optional:
            raise ValueError(f"{path}: entry {index}: expected the keys {sorted(required)} "
                             f"(optional: {sorted(optional)}), got {entry!r}")
    names = [entry["name"] for entry in entries]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: a name is declared twice")
    return entries


def _of_modes(entry: dict[str, Any]) -> tuple[str, ...]:
    modes = tuple(entry.get("modes", MODES))
    if not modes or not set(modes) <= set(MODES):
        raise ValueError(f"{entry['name']}: modes {list(modes)}, expected some of {', '.join(MODES)}")
    return modes


def _of_profiles(entry: dict[str, Any], by_profile: dict[str, Any]) -> dict[str, Any]:
    unknown = [profile for profile in by_profile if profile not in PROFILES]
    if unknown or not by_profile:
        raise ValueError(f"{entry['name']}: profiles {list(by_profile)}, expected some of {', '.join(PROFILES)}")
    return by_profile
