"""Traceability: every requirement is checked by a marked test and killed by a mutant; every name used exists.

The check modules are read with `ast`, not imported: importing them would load Schemathesis schemas, and a marker
argument that only a running interpreter could work out is itself a finding (reports are built from the markers).
"""

from __future__ import annotations

import ast
import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.catalogue import Requirement, raw_catalogue, requirements
from conformance.profiles import PROFILES, profile as profile_named

REPO = Path(__file__).resolve().parent.parent
CONFORMANCE = REPO / "conformance"
REFERENCE = REPO / "reference"


# ------------------------------------------------------------------ reading markers statically

@dataclass(frozen=True)
class Marker:
    """One `pytest.mark.requirement(...)` call: where it is and the ids it names."""

    where: str  # path:line
    ids: tuple[str, ...]


class MarkerFinder(ast.NodeVisitor):
    """Collects requirement markers of one module, resolving arguments against its module-level constants."""

    def __init__(self, where: str, tree: ast.Module) -> None:
        self.where = where
        self.markers: list[Marker] = []
        self.problems: list[str] = []
        self.constants = self._constants(tree)

    @staticmethod
    def _constants(tree: ast.Module) -> dict[str, ast.expr]:
        found: dict[str, ast.expr] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                found[node.targets[0].id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                found[node.target.id] = node.value
        # A name assigned twice at module level has no single static value.
        assigned = Counter(t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name))
        return {name: value for name, value in found.items() if assigned[name] <= 1}

    def _resolve(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return (node.value,)
        if isinstance(node, ast.Name) and node.id in self.constants and node.id not in seen:
            return self._resolve(self.constants[node.id], seen | {node.id})
        if isinstance(node, (ast.Tuple, ast.List)):
            return tuple(i for element in node.elts for i in self._resolve(element, seen))
        if isinstance(node, ast.Starred):
            return self._resolve(node.value, seen)
        raise ValueError(node)

    def visit_Call(self, node: ast.Call) -> None:
        if is_requirement_mark(node.func):
            where = f"{self.where}:{node.lineno}"
            if node.keywords:
                self.problems.append(f"{where}: requirement marker with keyword arguments ({ast.unparse(node)})")
            ids: list[str] = []
            unresolved = []
            for arg in node.args:
                try:
                    ids += self._resolve(arg)
                except ValueError:
                    unresolved.append(arg)
            for arg in unresolved:
                self.problems.append(f"{where}: marker argument `{ast.unparse(arg)}` cannot be resolved statically; "
                                     f"use string literals or a module-level tuple of them")
            if not unresolved:
                if not ids:
                    self.problems.append(f"{where}: requirement marker names no requirement")
                self.markers.append(Marker(where, tuple(ids)))
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # `pytest.mark.requirement` used without a call marks nothing and would go unnoticed.
        if is_requirement_mark(node) and not isinstance(getattr(node, "parent", None), ast.Call):
            self.problems.append(f"{self.where}:{node.lineno}: pytest.mark.requirement used without arguments")
        self.generic_visit(node)


def is_requirement_mark(node: ast.expr) -> bool:
    """pytest.mark.requirement or mark.requirement (after `from pytest import mark`)."""
    if not (isinstance(node, ast.Attribute) and node.attr == "requirement"):
        return False
    owner = node.value
    return (isinstance(owner, ast.Attribute) and owner.attr == "mark" and isinstance(owner.value, ast.Name)
            and owner.value.id == "pytest") or (isinstance(owner, ast.Name) and owner.id == "mark")


def markers_in_source(source: str, where: str) -> tuple[list[Marker], list[str]]:
    tree = ast.parse(source, filename=where)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node  # type: ignore[attr-defined]
    finder = MarkerFinder(where, tree)
    finder.visit(tree)
    return finder.markers, finder.problems


@functools.cache
def all_markers() -> tuple[dict[Path, list[Marker]], tuple[str, ...]]:
    """Every requirement marker under conformance/, by directory, and every marker that could not be read."""
    by_dir: dict[Path, list[Marker]] = {}
    problems: list[str] = []
    for path in sorted(CONFORMANCE.rglob("*.py")):
        found, trouble = markers_in_source(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
        by_dir.setdefault(path.parent, []).extend(found)
        problems += trouble
    return by_dir, tuple(problems)


def profile_markers(profile: str) -> list[Marker]:
    by_dir, _ = all_markers()
    directory = CONFORMANCE / profile_named(profile).checks
    return [m for d, found in by_dir.items() if d == directory or directory in d.parents for m in found]


def named_ids(markers: Iterable[Marker]) -> set[str]:
    return {i for m in markers for i in m.ids}


def headlines(ids: Iterable[str]) -> str:
    return "\n".join(f"  {requirements()[i].headline()}" for i in sorted(ids))


# ------------------------------------------------------------------ mutants and variations

def switches(name: str) -> list[dict[str, Any]]:
    """reference/mutants.yaml or reference/variations.yaml (an empty file is an empty list)."""
    return yaml.safe_load((REFERENCE / f"{name}.yaml").read_text(encoding="utf-8")) or []


def violations(mutant: dict[str, Any]) -> dict[str, Any]:
    """A mutant's `violates`: each profile that has the defect -> the ids it breaks there."""
    return mutant.get("violates") if isinstance(mutant.get("violates"), dict) else {}


def of_profile(profile: str) -> list[Requirement]:
    return [r for r in requirements().values() if r.profile == profile]


# ------------------------------------------------------------------ the marker reader itself

SAMPLE = '''
import pytest
from pytest import mark
RULES = ("A-ONE", "A-TWO")
MORE: tuple[str, ...] = (*RULES, "A-THREE")
ONE = "A-FOUR"

@pytest.mark.requirement("A-FIVE", ONE)
def test_a(): ...

@pytest.mark.requirement(*MORE)
@pytest.mark.parametrize("x", [1])
def test_b(x): ...

@mark.requirement(*RULES)
def test_c(): ...

@pytest.mark.requirement(*rules_from_somewhere())
def test_d(): ...

@pytest.mark.requirement(f"A-{ONE}")
def test_e(): ...

pytestmark = pytest.mark.requirement
'''


def test_the_marker_reader_resolves_literals_and_module_constants_and_reports_the_rest():
    markers, problems = markers_in_source(SAMPLE, "sample.py")
    assert [m.ids for m in markers] == [("A-FIVE", "A-FOUR"), ("A-ONE", "A-TWO", "A-THREE"), ("A-ONE", "A-TWO")]
    assert len(problems) == 3, problems
    assert "sample.py:18: marker argument `*rules_from_somewhere()` cannot be resolved statically" in problems[0]
    assert "sample.py:21" in problems[1] and "f'A-{ONE}'" in problems[1]
    assert "sample.py:24" in problems[2] and "without arguments" in problems[2]


def test_a_constant_assigned_twice_is_not_resolved():
    source = 'import pytest\nR = ("X-A",)\nR = ("X-B",)\n@pytest.mark.requirement(*R)\ndef test_x(): ...\n'
    markers, problems = markers_in_source(source, "twice.py")
    assert not markers and len(problems) == 1 and "`*R`" in problems[0]


# ------------------------------------------------------------------ (a) markers name catalogue requirements

def test_every_marker_argument_resolves_statically():
    _, problems = all_markers()
    assert not problems, "requirement markers the suite cannot read statically:\n" + "\n".join(problems)


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_has_marked_checks(profile):
    assert profile_markers(profile), f"no @pytest.mark.requirement found under conformance/{profile_named(profile).checks}/"


def test_every_marked_id_is_in_the_catalogue():
    by_dir, _ = all_markers()
    unknown = [f"{m.where}: {i}" for found in by_dir.values() for m in found for i in m.ids if i not in requirements()]
    assert not unknown, "markers name ids that conformance/requirements.yaml does not have:\n" + "\n".join(unknown)


@pytest.mark.parametrize("profile", PROFILES)
def test_markers_name_only_requirements_of_their_profile(profile):
    # The report of a run holds only its profile's requirements; a foreign id would be dropped silently.
    foreign = [f"{m.where}: {i} (profile {requirements()[i].profile})" for m in profile_markers(profile) for i in m.ids
               if i in requirements() and requirements()[i].profile != profile]
    assert not foreign, f"checks of profile {profile} name requirements of another profile:\n" + "\n".join(foreign)


# ------------------------------------------------------------------ (b) every requirement is checked

@pytest.mark.parametrize("profile", PROFILES)
def test_every_requirement_is_named_by_a_check_of_its_profile(profile):
    unchecked = {r.id for r in of_profile(profile)} - named_ids(profile_markers(profile))
    assert not unchecked, (
        f"{len(unchecked)} {profile} requirement(s) no check under conformance/{profile_named(profile).checks}/ names in "
        f"@pytest.mark.requirement:\n{headlines(unchecked)}")


# ------------------------------------------------------------------ (c) every MUST is killed by a mutant

@pytest.mark.parametrize("profile", PROFILES)
def test_every_must_requirement_is_violated_by_a_mutant_of_its_profile(profile):
    killed = {i for m in switches("mutants") for i in violations(m).get(profile) or []}
    uncovered = sorted(r.id for r in of_profile(profile) if r.level == "MUST" and r.id not in killed)
    assert not uncovered, (
        f"{len(uncovered)} MUST requirement(s) of {profile} are in no {profile} mutant's `violates` "
        f"(reference/mutants.yaml): {', '.join(uncovered)}\n{headlines(uncovered)}")


# ------------------------------------------------------------------ (d) mutants and variations are well-formed

def test_mutants_and_variations_are_lists_of_named_switches():
    problems = []
    for kind, required in (("mutants", ("name", "description", "violates")),
                           ("variations", ("name", "profiles", "description"))):
        entries = switches(kind)
        if not isinstance(entries, list):
            problems.append(f"reference/{kind}.yaml is a {type(entries).__name__}, not a list")
            continue
        for index, entry in enumerate(entries):
            label = f"{kind}[{index}] {entry.get('name', '?') if isinstance(entry, dict) else entry!r}"
            if not isinstance(entry, dict):
                problems.append(f"{label}: not a mapping")
                continue
            problems += [f"{label}: no {key!r}" for key in required if key not in entry]
            if not isinstance(entry.get("name", ""), str) or not entry.get("name"):
                problems.append(f"{label}: name must be a non-empty string")
            # a mutant's profiles are the keys of its `violates`, a variation's are listed
            profiles = entry.get("violates") if kind == "mutants" else entry.get("profiles")
            if not (isinstance(profiles, (dict, list)) and profiles and all(p in PROFILES for p in profiles)):
                problems.append(f"{label}: profiles {profiles!r}, expected some of {PROFILES}")
            if kind == "mutants" and not all(isinstance(ids, list) and ids and all(isinstance(i, str) for i in ids)
                                             for ids in violations(entry).values()):
                problems.append(f"{label}: violates must map each profile to a list of requirement ids, "
                                f"got {entry.get('violates')!r}")
    assert not problems, "malformed switch files:\n" + "\n".join(problems)


def test_every_mutant_violates_existing_requirements_of_its_own_profile():
    problems = []
    for mutant in switches("mutants"):
        for profile, ids in violations(mutant).items():
            for req_id in ids or []:
                req = requirements().get(req_id)
                if req is None:
                    problems.append(f"{mutant.get('name')}: {req_id} is not in the catalogue")
                elif req.profile != profile:
                    problems.append(f"{mutant.get('name')} (profile {profile}): {req_id} belongs to profile "
                                    f"{req.profile}")
            duplicates = sorted(i for i, n in Counter(ids or []).items() if n > 1)
            if duplicates:
                problems.append(f"{mutant.get('name')} (profile {profile}): lists {duplicates} more than once")
    assert not problems, "reference/mutants.yaml names requirements it cannot violate:\n" + "\n".join(problems)


def test_switch_names_are_unique_across_mutants_and_variations():
    names = Counter(entry.get("name") for kind in ("mutants", "variations") for entry in switches(kind))
    duplicates = sorted(str(name) for name, count in names.items() if count > 1)
    assert not duplicates, f"names used more than once across mutants.yaml and variations.yaml: {duplicates}"


# ------------------------------------------------------------------ (e) implementation-defined behaviour is checked

def test_every_implementation_defined_checked_by_is_named_by_a_marker():
    problems = []
    for item in raw_catalogue().get("implementation_defined") or []:
        req = requirements().get(item["checked_by"])
        if req is None:
            problems.append(f"{item['id']}: checked_by {item['checked_by']} is not a requirement")
        elif req.id not in named_ids(profile_markers(req.profile)):
            problems.append(f"{item['id']}: checked_by {req.id}, which no {req.profile} check names")
    assert not problems, "implementation-defined behaviour no check enforces:\n" + "\n".join(problems)
