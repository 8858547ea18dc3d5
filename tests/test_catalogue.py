"""The requirement catalogue: well-formed, cross-referenced, and rendered into docs/requirements.md."""

from __future__ import annotations

import copy
import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import jsonschema
import pytest

from conformance.catalogue import LEVELS, raw_catalogue
from conformance.profiles import PROFILES

REPO = Path(__file__).resolve().parent.parent
SCHEMA_PATH = REPO / "conformance" / "data" / "requirements.schema.json"
RENDERER_PATH = REPO / "scripts" / "render_catalogue.py"
RENDERED_PATH = REPO / "docs" / "requirements.md"
SECTIONS = ("requirements", "implementation_defined", "errata")

# The seed files the catalogue may quote. The seeds themselves live outside the
# repository (and are absent in CI), so their names are pinned here instead.
SEED_FILES = (
    "000_32dfaf7ba1b8fe5e.txt",
    "001_76b6eb11225350c6.txt",
    "002_ffd670a4efafa20d.txt",
    "003_9ee773d1d84e06e3.txt",
)


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def schema_errors(instance: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(instance)]


def renderer() -> ModuleType:
    """scripts/ is not a package; load the renderer from its file."""
    spec = importlib.util.spec_from_file_location("render_catalogue", RENDERER_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def all_entries() -> list[dict[str, Any]]:
    catalogue = raw_catalogue()
    return [entry for section in SECTIONS for entry in catalogue.get(section) or []]


def requirement_entries() -> list[dict[str, Any]]:
    return raw_catalogue()["requirements"]


# ---------------------------------------------------------------- the schema


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_catalogue_matches_the_schema():
    errors = schema_errors(raw_catalogue())
    assert not errors, "conformance/requirements.yaml does not match requirements.schema.json:\n" + "\n".join(errors)


def _first_requirement(catalogue: dict[str, Any]) -> dict[str, Any]:
    return catalogue["requirements"][0]


# Each breaks the catalogue in one way the schema must catch (so the schema is not vacuous).
BREAKAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "lower-case id": lambda c: _first_requirement(c).update(id="auth-missing-401"),
    "id without a dash": lambda c: _first_requirement(c).update(id="AUTH"),
    "unknown level": lambda c: _first_requirement(c).update(level="MUST NOT"),
    "unknown profile": lambda c: _first_requirement(c).update(profile="both"),
    "unknown field": lambda c: _first_requirement(c).update(severity="high"),
    "seed without quote": lambda c: _first_requirement(c).update(source={"seed": SEED_FILES[3]}),
    "seed and derived": lambda c: _first_requirement(c).update(source={"seed": SEED_FILES[3], "quote": "x", "derived": "y"}),
    "empty quote": lambda c: _first_requirement(c).update(source={"seed": SEED_FILES[3], "quote": "  "}),
    "empty accepts": lambda c: _first_requirement(c).update(accepts=[]),
    "no statement": lambda c: _first_requirement(c).pop("statement"),
    "impl without checked_by": lambda c: c["implementation_defined"][0].pop("checked_by"),
    "erratum without resolution": lambda c: c["errata"][0].pop("resolution"),
    "unknown section": lambda c: c.update(notes=[]),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_schema_rejects_a_broken_catalogue(breakage):
    catalogue = copy.deepcopy(raw_catalogue())
    BREAKAGES[breakage](catalogue)
    assert schema_errors(catalogue), f"the schema accepted a catalogue with {breakage}"


# ---------------------------------------------------------------- cross-references


def test_ids_are_unique_across_all_sections():
    duplicates = sorted(i for i, n in Counter(e["id"] for e in all_entries()).items() if n > 1)
    assert not duplicates, f"ids used more than once: {duplicates}"


def test_levels_are_rfc_2119_words():
    bad = {e["id"]: e["level"] for e in requirement_entries() if e["level"] not in LEVELS}
    assert not bad, f"levels must be one of {LEVELS}: {bad}"


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_has_requirements(profile):
    assert any(e["profile"] == profile for e in requirement_entries())


@pytest.mark.parametrize("item", raw_catalogue()["implementation_defined"], ids=lambda item: item["id"])
def test_checked_by_names_a_requirement_of_the_same_profile(item):
    by_id = {e["id"]: e for e in requirement_entries()}
    target = by_id.get(item["checked_by"])
    assert target is not None, f"{item['id']}: checked_by {item['checked_by']!r} is not a requirement id"
    assert item["profile"] in ("both", target["profile"]), (
        f"{item['id']} (profile {item['profile']}) is checked by {target['id']} of profile {target['profile']}"
    )


@pytest.mark.parametrize("entry", requirement_entries(), ids=lambda entry: entry["id"])
def test_source_is_a_known_seed_with_a_quote_or_a_derivation(entry):
    source = entry["source"]
    if "seed" in source:
        assert source["seed"] in SEED_FILES, f"{entry['id']}: unknown seed file {source['seed']!r}"
        assert source.get("quote", "").strip(), f"{entry['id']}: quotes {source['seed']} but the quote is empty"
    else:
        assert source.get("derived", "").strip(), f"{entry['id']}: neither a seed quote nor a derivation"


def test_every_id_area_has_a_title_on_the_rendered_page():
    areas = renderer().AREAS
    missing = sorted({e["id"].split("-", 1)[0] for e in requirement_entries()} - set(areas))
    assert not missing, f"add a title for these id prefixes to AREAS in scripts/render_catalogue.py: {missing}"


# ---------------------------------------------------------------- the rendered page


def test_requirements_md_is_up_to_date():
    expected = renderer().render()
    current = RENDERED_PATH.read_text(encoding="utf-8") if RENDERED_PATH.is_file() else ""
    assert current == expected, "docs/requirements.md is stale: run python scripts/render_catalogue.py"


def test_rendering_is_deterministic():
    module = renderer()
    assert module.render() == module.render()


def test_every_requirement_is_on_the_rendered_page():
    page = renderer().render()
    missing = [e["id"] for e in all_entries() if f'<a id="{e["id"]}"></a>' not in page]
    assert not missing, f"not rendered: {missing}"
