"""The two OpenAPI files: valid OpenAPI, examples that obey their own schemas and rules, nothing copied from the seeds."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.profiles import PROFILES, spec_path
from conformance.rules import pagination
from conformance.spec import load_spec
from conformance.violations import Violation

REPO = Path(__file__).resolve().parent.parent
SPEC_URI = "urn:test:spec"

# Hosts and vendor names that appear in the seeds. Our specs choose their own neutral
# values (files.example.com, example-model), so none of these may leak into them.
SEED_HOSTS_AND_VENDORS = (
    "docs.lexiconlabs.ai",  # seed 003's documentation-index header
    "lexicon",
    "api.example.com",  # seeds 001 and 002's curl examples
    "localhost:8000",  # seed 003's client examples
    "gpt-4",  # seeds 000, 001 and 003's metadata.model (ERRATUM-MODEL-NAMES)
)

# The 200 example of seeds 000, 001 and 003, reduced to the numbers that matter
# (ERRATUM-EXAMPLE-INCONSISTENT): four messages, total 15, offset 0, limit 50, has_more false.
DOCS_EXAMPLE = {"page_len": 4, "total": 15, "offset": 0, "limit": 50, "has_more": False}


# ---------------------------------------------------------------- walking a spec


def pointer(path: tuple[str, ...]) -> str:
    """A JSON pointer (RFC 6901) for a path of keys."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def examples_in(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """(where, path of the schema it must match, example value) for every example in an OpenAPI document.

    Media types and parameters carry `examples` (a map of Example Objects) and `example`
    beside a `schema`; a Schema Object carries `example` or `examples` (a list) itself.
    """
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from examples_in(item, (*path, str(index)))
        return
    if not isinstance(node, Mapping):
        return
    beside_schema = "schema" in node
    schema_path = (*path, "schema") if beside_schema else path
    examples = node.get("examples")
    if isinstance(examples, Mapping) and beside_schema:
        for name, example in examples.items():
            if "value" in example:
                yield pointer((*path, "examples", name)), schema_path, example["value"]
    elif isinstance(examples, list) and not beside_schema:
        for index, value in enumerate(examples):
            yield pointer((*path, "examples", str(index))), schema_path, value
    if "example" in node:
        yield pointer((*path, "example")), schema_path, node["example"]
    for key, child in node.items():
        if key in ("examples", "example"):
            continue
        if key == "properties":  # property names are not keywords: a property may be called "example"
            for name, prop in child.items():
                yield from examples_in(prop, (*path, key, name))
        else:
            yield from examples_in(child, (*path, key))


def example_cases() -> list[Any]:
    return [
        pytest.param(profile, schema_path, value, id=f"{profile}:{where}")
        for profile in PROFILES
        for where, schema_path, value in examples_in(load_spec(profile))
    ]


def validator_at(profile: str, schema_path: tuple[str, ...]) -> jsonschema.Draft202012Validator:
    """A validator for the schema at schema_path, with the document registered so its $refs resolve."""
    spec = load_spec(profile)
    registry = Registry().with_resource(SPEC_URI, Resource(contents=spec, specification=DRAFT202012))
    schema = {"$ref": f"{SPEC_URI}#{pointer(schema_path)}"}
    # Examples are exemplary: their formats (date-time, uuid) must hold too.
    return jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def ok_page_examples() -> list[Any]:
    responses = load_spec("tenant-key")["paths"]["/api/v1/chats/{chat_id}/messages"]["get"]["responses"]
    examples = responses["200"]["content"]["application/json"]["examples"]
    return [pytest.param(example["value"], id=name) for name, example in examples.items()]


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("profile", PROFILES)
def test_spec_is_valid_openapi(profile):
    validate(load_spec(profile))


def test_every_spec_has_examples():
    # Guards the walker: if it found nothing, the example tests below would pass vacuously.
    for profile in PROFILES:
        assert list(examples_in(load_spec(profile))), f"no examples found in {spec_path(profile)}"


@pytest.mark.parametrize(("profile", "schema_path", "value"), example_cases())
def test_example_matches_its_schema(profile, schema_path, value):
    errors = sorted(validator_at(profile, schema_path).iter_errors(value), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors
    )


@pytest.mark.parametrize("page", ok_page_examples())
def test_200_example_obeys_the_paging_rules(page):
    page_len = len(page["messages"])
    pagination.has_more(page["offset"], page_len, page["total"], page["has_more"])
    pagination.length(page["limit"], page["offset"], page["total"], page_len)


def test_docs_example_breaks_has_more_rule():
    # The erratum is real: the docs' own example fails the rule the suite enforces.
    d = DOCS_EXAMPLE
    with pytest.raises(Violation) as caught:
        pagination.has_more(d["offset"], d["page_len"], d["total"], d["has_more"])
    assert caught.value.requirement == "PAGE-HAS-MORE"


def test_docs_example_breaks_page_length_rule():
    d = DOCS_EXAMPLE
    with pytest.raises(Violation) as caught:
        pagination.length(d["limit"], d["offset"], d["total"], d["page_len"])
    assert caught.value.requirement == "PAGE-LENGTH"


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("needle", SEED_HOSTS_AND_VENDORS)
def test_spec_names_no_host_or_vendor_from_the_seeds(profile, needle):
    text = spec_path(profile).read_text(encoding="utf-8").lower()
    assert needle.lower() not in text, f"{spec_path(profile).relative_to(REPO)} contains {needle!r}, copied from the seeds"
