"""Traceability: every requirement is checked by a check that applies its rule and killed by a mutant; every
name used exists; no requirement id is written outside the rules.

A check names the rules it applies (`@checks(rule, ...)`, a `rules` mark); the plugin turns them into the
requirement ids of the run's profile. The check modules are imported here and their marks read as pytest would
apply them: marks of the function, of its class and module (`pytestmark`), and of each `pytest.param`.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import re
import types
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance import fuzzing
from conformance.catalogue import Requirement, raw_catalogue, requirements
from conformance.profiles import PROFILES, profile as profile_named
from conformance.rules import REGISTRY, Kind, Rule, http, ids_of, pagination

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO / "conformance"
REFERENCE = REPO / "reference"
RULES_DIR = CONFORMANCE / "rules"
COMMON = "common"  # checks every profile runs: each keeps the checks whose rules the run's profile has
PARAMETER_SET = type(pytest.param(None))


# ------------------------------------------------------------------ reading the checks' rules

@dataclass(frozen=True)
class Check:
    """One test a check module yields (one per pytest.param that carries rules): where it is, the rules it applies."""

    where: str  # conformance/<folder>/<module>.py::<test>[<param>]
    folder: str  # the folder under conformance/: a profile's checks folder, or common
    rules: tuple[Any, ...]  # every argument of its `rules` marks (each should be a registered Rule)

    def profiles(self) -> list[str]:
        return [p for p in PROFILES if self.folder in (COMMON, profile_named(p).checks_folder)]

    def ids(self, profile: str) -> list[str]:
        return ids_of([r for r in self.rules if isinstance(r, Rule)], profile)


def marks_of(obj: Any) -> list[Any]:
    """The marks pytest applies from obj's `pytestmark` (a mark, a decorator or a list of either)."""
    found = getattr(obj, "pytestmark", [])
    return [getattr(m, "mark", m) for m in (found if isinstance(found, list) else [found])]


def rules_in(marks: Iterable[Any], folder: str) -> tuple[Any, ...]:
    """The rules of `rules` marks; a kind of answer stands for its rules of the folder's profiles (every rule of the
    kind runs on each such answer, and the plugin keeps those of the run's profile)."""
    profiles = [p for p in PROFILES if folder in (COMMON, profile_named(p).checks_folder)]
    return tuple(rule for mark in marks if mark.name == "rules" for arg in mark.args
                 for rule in ([r for r in arg.rules if any(r.id_in(p) for p in profiles)] if isinstance(arg, Kind)
                              else [arg]))


def mark_problems(where: str, marks: Iterable[Any]) -> list[str]:
    problems = []
    for mark in marks:
        if mark.name == "requirement":
            problems.append(f"{where}: pytest.mark.requirement{mark.args!r}; a check names its rules (@checks), "
                            f"the plugin sets the requirement ids")
        elif mark.name == "rules":
            if not mark.args or mark.kwargs:
                problems.append(f"{where}: a rules mark must name rules, and only by position ({mark.args!r}, "
                                f"{mark.kwargs!r})")
            problems += [f"{where}: {arg!r} is not a rule of conformance/rules/" for arg in mark.args
                         if not (isinstance(arg, Rule) and any(arg in REGISTRY[i] for i in arg.ids.values())
                                 or isinstance(arg, Kind) and arg.rules)]
    return problems


def parameter_sets(marks: Iterable[Any]) -> list[list[tuple[str, tuple[Any, ...]]]]:
    """For each parametrize mark whose parameters carry marks: (id, marks) of each of its parameters."""
    found = []
    for mark in marks:
        if mark.name != "parametrize":
            continue
        values = mark.args[1] if len(mark.args) > 1 else mark.kwargs.get("argvalues", [])
        params = [(v.id or str(index), tuple(getattr(m, "mark", m) for m in v.marks)) if isinstance(v, PARAMETER_SET)
                  else (str(index), ()) for index, v in enumerate(values)]
        if any(param_marks for _, param_marks in params):
            found.append(params)
    return found


def checks_of(where: str, folder: str, marks: list[Any]) -> tuple[list[Check], list[str]]:
    """The tests one test function yields: one, or one per combination of parameters that carry marks."""
    combinations = list(itertools.product(*parameter_sets(marks))) or [()]
    checks, problems = [], mark_problems(where, marks)
    for combination in combinations:
        param_marks = [m for _, found in combination for m in found]
        label = f"{where}[{'-'.join(i for i, _ in combination)}]" if combination else where
        checks.append(Check(label, folder, rules_in(marks, folder) + rules_in(param_marks, folder)))
        problems += mark_problems(label, param_marks)
    return checks, problems


def checks_in_module(module: types.ModuleType, where: str, folder: str) -> tuple[list[Check], list[str]]:
    """Every test of a module (functions `test*`, methods `test*` of classes `Test*`), with the rules it applies."""
    checks, problems = [], []
    for name, obj in vars(module).items():
        if isinstance(obj, fuzzing.PropertyTest):
            obj = obj.build(fuzzing.FuzzSettings())  # as the plugin builds it at collection
        if name.startswith("test") and isinstance(obj, types.FunctionType):
            found = checks_of(f"{where}::{name}", folder, marks_of(module) + marks_of(obj))
        elif name.startswith("Test") and isinstance(obj, type):
            found = ([], [])
            for method_name, method in vars(obj).items():
                if method_name.startswith("test") and isinstance(method, types.FunctionType):
                    more = checks_of(f"{where}::{name}::{method_name}", folder,
                                     marks_of(module) + marks_of(obj) + marks_of(method))
                    found = (found[0] + more[0], found[1] + more[1])
        else:
            continue
        checks += found[0]
        problems += found[1]
    return checks, problems


def check_modules() -> list[Path]:
    """conformance/<folder>/test_*.py for each profile's checks folder and common/."""
    folders = [profile_named(p).checks_folder for p in PROFILES] + [COMMON]
    return sorted(path for folder in folders for path in (CONFORMANCE / folder).glob("test_*.py"))


@functools.cache
def all_checks() -> tuple[tuple[Check, ...], tuple[str, ...]]:
    """Every check of every check module, and what could not be read (a module that fails to import, a bad mark)."""
    checks: list[Check] = []
    problems: list[str] = []
    for path in check_modules():
        where = str(path.relative_to(REPO))
        try:
            module = importlib.import_module(".".join(path.relative_to(REPO).with_suffix("").parts))
        except Exception as exc:  # noqa: BLE001 - a module that cannot be imported is a finding, reported below
            problems.append(f"{where}: cannot be imported ({type(exc).__name__}: {exc})")
            continue
        found, trouble = checks_in_module(module, where, path.parent.name)
        checks += found
        problems += trouble
    return tuple(checks), tuple(problems)


def profile_checks(profile: str) -> list[Check]:
    return [c for c in all_checks()[0] if profile in c.profiles()]


def named_ids(profile: str) -> set[str]:
    """The requirement ids the checks of `profile` prove in it."""
    return {i for c in profile_checks(profile) for i in c.ids(profile)}


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



# ------------------------------------------------------------------ the check reader itself

SAMPLE = '''
import pytest
from conformance.rules import access, checks, http, pagination, params

pytestmark = [pytest.mark.usefixtures("own_chat"), checks(http.no_server_error)]
WALK = (pagination.has_more, pagination.length)


@checks(*WALK)
@pytest.mark.parametrize("size", [1, 2])
def test_a(size): ...


@pytest.mark.parametrize("rule, value", [
    pytest.param(params.limit_invalid_refused, "-1", marks=checks(params.limit_invalid_refused), id="limit"),
    pytest.param(params.order_invalid_refused, "up", marks=[checks(params.order_invalid_refused)]),
    (params.valid_accepted, "1"),
])
def test_b(rule, value): ...


def test_c(): ...


class TestD:
    pytestmark = checks(access.missing_key_401)

    @checks(access.invalid_key_401)
    def test_e(self): ...

    def helper(self): ...


@checks("AUTH-MISSING-401")
def test_f(): ...


@pytest.mark.requirement("AUTH-MISSING-401")
def test_g(): ...


@pytest.mark.rules()
def test_h(): ...


def helper(): ...
'''


def sample_checks() -> tuple[dict[str, set[str]], list[str]]:
    module = types.ModuleType("sample")
    exec(compile(SAMPLE, "sample.py", "exec"), module.__dict__)  # noqa: S102 - our own source above
    checks, problems = checks_in_module(module, "sample.py", "tenant_key")
    return {c.where: {getattr(r, "name", r) for r in c.rules} for c in checks}, problems


def test_the_check_reader_reads_rules_of_modules_classes_functions_and_parameters():
    found, _ = sample_checks()
    assert found == {
        "sample.py::test_a": {"no_server_error", "has_more", "length"},
        "sample.py::test_b[limit]": {"no_server_error", "limit_invalid_refused"},
        "sample.py::test_b[1]": {"no_server_error", "order_invalid_refused"},
        "sample.py::test_b[2]": {"no_server_error"},
        "sample.py::test_c": {"no_server_error"},
        "sample.py::TestD::test_e": {"no_server_error", "missing_key_401", "invalid_key_401"},
        "sample.py::test_f": {"no_server_error", "AUTH-MISSING-401"},
        "sample.py::test_g": {"no_server_error"},
        "sample.py::test_h": {"no_server_error"},
    }


def test_the_check_reader_reports_ids_written_as_strings_the_requirement_mark_and_empty_rules_marks():
    _, problems = sample_checks()
    assert len(problems) == 3, problems
    assert problems[0].startswith("sample.py::test_f: 'AUTH-MISSING-401' is not a rule")
    assert problems[1].startswith("sample.py::test_g: pytest.mark.requirement")
    assert problems[2].startswith("sample.py::test_h: a rules mark must name rules")


def test_a_check_names_the_ids_its_rules_have_in_each_profile_of_its_folder():
    rules = (pagination.has_more, http.no_server_error)
    common = Check("x", COMMON, rules)
    assert common.profiles() == list(PROFILES)
    assert common.ids("tenant-key") == ["PAGE-HAS-MORE", "HTTP-NO-5XX"]
    assert common.ids("org-token") == ["ORG-NO-5XX"]
    assert Check("x", profile_named("org-token").checks_folder, rules).profiles() == ["org-token"]


# ------------------------------------------------------------------ (a) checks name rules of the registry

def test_every_check_module_imports_and_every_rules_mark_names_registered_rules():
    _, problems = all_checks()
    assert not problems, "check modules whose rules the suite cannot read:\n" + "\n".join(problems)


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_has_checks_with_rules(profile):
    assert any(c.ids(profile) for c in profile_checks(profile)), (
        f"no check under conformance/{profile_named(profile).checks_folder}/ or conformance/{COMMON}/ applies a rule "
        f"of {profile} (@checks)")


def test_every_check_applies_a_rule():
    # Without a rule a check proves no requirement: its result would count for nothing in the report.
    bare = [c.where for c in all_checks()[0] if not any(isinstance(r, Rule) for r in c.rules)]
    assert not bare, "checks that apply no rule (@checks(rule, ...)):\n" + "\n".join(bare)


@pytest.mark.parametrize("profile", PROFILES)
def test_checks_of_a_profile_folder_apply_only_rules_of_their_profile(profile):
    # The plugin keeps a check's rules of the run's profile and drops the rest: a rule of another profile named in
    # a profile's own folder would be dropped silently (shared checks belong in conformance/common/).
    folder = profile_named(profile).checks_folder
    foreign = [f"{c.where}: {r!r}" for c in all_checks()[0] if c.folder == folder for r in c.rules
               if isinstance(r, Rule) and r.id_in(profile) is None]
    assert not foreign, f"checks of profile {profile} apply rules it does not have:\n" + "\n".join(foreign)


# ------------------------------------------------------------------ (b) every requirement is checked

@pytest.mark.parametrize("profile", PROFILES)
def test_every_requirement_is_named_by_a_check_of_its_profile(profile):
    unchecked = {r.id for r in of_profile(profile)} - named_ids(profile)
    assert not unchecked, (
        f"{len(unchecked)} {profile} requirement(s) no check under "
        f"conformance/{profile_named(profile).checks_folder}/ or conformance/{COMMON}/ applies a rule of (@checks):\n"
        f"{headlines(unchecked)}")


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


def test_each_switch_carries_the_fields_its_entry_declares():
    """What the self-test runs (reference.variants) is what the files say, field by field, in every profile."""
    from reference.variants import mutants, variations

    declared = {entry["name"]: entry for kind in ("mutants", "variations") for entry in switches(kind)}
    for switch in (*mutants(), *variations()):
        entry = declared[switch.name]
        assert switch.suite_args == tuple(entry.get("suite_args", ())), switch.name
        assert switch.violates == tuple(violations(entry).get(switch.profile, ())), switch.name
        assert switch.warns == tuple(entry.get("warns", {}).get(switch.profile, ())), switch.name


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

def test_every_implementation_defined_checked_by_is_named_by_a_check():
    problems = []
    for item in raw_catalogue().get("implementation_defined") or []:
        req = requirements().get(item["checked_by"])
        if req is None:
            problems.append(f"{item['id']}: checked_by {item['checked_by']} is not a requirement")
        elif req.id not in named_ids(req.profile):
            problems.append(f"{item['id']}: checked_by {req.id}, which no {req.profile} check names")
    assert not problems, "implementation-defined behaviour no check enforces:\n" + "\n".join(problems)


# ------------------------------------------------------------------ (f) requirement ids are written in the rules only

def mentioned_ids() -> re.Pattern[str]:
    """Any id of the catalogue written as a word of its own (longest first, so no id hides another)."""
    ids = sorted(requirements(), key=len, reverse=True)
    return re.compile(r"(?<![A-Z0-9-])(%s)(?![A-Z0-9-])" % "|".join(map(re.escape, ids)))


def test_the_id_scan_finds_whole_ids_in_code_strings_and_comments():
    scan = mentioned_ids()
    line = """raise Violation("PAGE-HAS-MORE", x); y = ['ORG-NO-5XX']  # HTTP-NO-5XX"""
    assert [m.group(1) for m in scan.finditer(line)] == ["PAGE-HAS-MORE", "ORG-NO-5XX", "HTTP-NO-5XX"]
    assert not scan.search("""XPAGE-HAS-MORE or PAGE-HAS-MORES or IMPL-LIMIT-ZERO""")


def test_no_requirement_id_is_written_outside_the_rules():
    # A check, the plugin, the report and the reference server reach a requirement through its rule
    # (conformance/rules/), so that an id lives in one place: an id written elsewhere, even in a comment, can name
    # the wrong profile's id or outlive a renamed requirement. Data files (the catalogue, mutants.yaml) are not code.
    scan = mentioned_ids()
    found = [f"{path.relative_to(REPO)}:{number}: {match.group(1)}"
             for path in sorted([*CONFORMANCE.rglob("*.py"), *REFERENCE.rglob("*.py")]) if RULES_DIR not in path.parents
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for match in scan.finditer(line)]
    assert not found, "requirement ids written outside conformance/rules/:\n" + "\n".join(found)
