"""Validators built from the profile's OpenAPI file: the one source of every shape."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.profiles import spec_path

SPEC_URI = "urn:conformance:spec"

# JSON Schema counts 12.0 as an integer; a typed client (Go's int, Java's long) refuses it. An integer field
# must be written as a JSON integer.
StrictIntegers = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)

@functools.cache
def load_spec(profile: str) -> dict[str, Any]:
    return yaml.safe_load(spec_path(profile).read_text(encoding="utf-8"))


@functools.cache
def validator(profile: str, schema_name: str) -> jsonschema.protocols.Validator:
    """A JSON Schema validator for components.schemas[schema_name] (formats not asserted: they are rules of their own)."""
    spec = load_spec(profile)
    registry = Registry().with_resource(SPEC_URI, Resource(contents=spec, specification=DRAFT202012))
    schema = {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"}
    return _remembering(profile)(schema, registry=registry)


REMEMBERED = 4096  # instances per profile whose errors are kept: a chat's messages, read again page after page


@functools.cache
def _remembering(profile: str) -> type:
    """StrictIntegers whose `$ref` remembers the errors of each instance it was given, by the instance's JSON text.

    A walk reads each message of a chat again in every page size and order, and each page is read twice (its
    envelope, then its messages): validating a message once saves most of a run's time in jsonschema. The JSON
    text tells apart everything a schema does (1, 1.0 and true; key order, which messages may quote).
    """
    reference = StrictIntegers.VALIDATORS["$ref"]
    seen: dict[tuple[str, str], list[jsonschema.ValidationError]] = {}

    def remembered_ref(validator: Any, ref: str, instance: Any, schema: Any) -> Iterator[jsonschema.ValidationError]:
        try:
            key = (ref, json.dumps(instance))
        except (TypeError, ValueError):  # not JSON text: nothing to remember it by
            yield from reference(validator, ref, instance, schema)
            return
        if key not in seen:
            if len(seen) >= REMEMBERED:
                seen.clear()
            seen[key] = list(reference(validator, ref, instance, schema))
        # Copies: the callers prepend their own place in the instance to each error's path.
        yield from (type(error)(**error._contents()) for error in seen[key])

    return jsonschema.validators.extend(StrictIntegers, validators={"$ref": remembered_ref})


def schema_errors(profile: str, schema_name: str, instance: Any) -> list[jsonschema.ValidationError]:
    if conforms(profile, schema_name, instance):
        return []  # the common case, decided by compiled code; jsonschema says what is wrong when something is
    return sorted(validator(profile, schema_name).iter_errors(instance), key=lambda e: list(e.absolute_path))


def conforms(profile: str, schema_name: str, instance: Any) -> bool:
    """Whether `instance` has no schema error, as `validator` judges it, by a validator compiled once in Rust
    (jsonschema-rs: a page of 100 messages in a fraction of a millisecond, where jsonschema takes ~15 ms)."""
    return compiled(profile, schema_name).is_valid(instance)


class _JsonInteger:
    """JSON Schema counts 12.0 as an integer; StrictIntegers (and a typed client) does not."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        pass

    def validate(self, instance: Any) -> None:
        if type(instance) is not int:
            raise ValueError(f"{instance!r} is not written as a JSON integer")


@dataclass(frozen=True)
class Compiled:
    """A schema compiled in Rust, judging as `validator` does. Where every integer of the schema is a property, or
    a property of properties, of the instance (`integers`: their paths), the validator is the schema's own and an
    integer written 12.0 is looked for at those paths: a Python keyword called from Rust costs more than the
    schema. Else (`integers` None) the schema marks every integer (x-json-integer) for the validator to call."""

    validator: Any
    integers: tuple[tuple[str, ...], ...] | None

    def is_valid(self, instance: Any) -> bool:
        if not self.validator.is_valid(instance):
            return False
        return self.integers is None or not any(type(_at(instance, path)) is float for path in self.integers)


def _at(instance: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        if not isinstance(instance, dict):
            return None
        instance = instance.get(name)
    return instance


@functools.cache
def compiled(profile: str, schema_name: str) -> Compiled:
    """components.schemas[schema_name] compiled, judging as `validator` does: formats not asserted (they are rules
    of their own), integers written as JSON integers."""
    components = load_spec(profile)["components"]
    integers = _integer_paths(components.get("schemas", {}), {"$ref": f"#/components/schemas/{schema_name}"}, (),
                              frozenset())
    if integers is not None:
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
        return Compiled(jsonschema_rs.Draft202012Validator(schema, validate_formats=False), tuple(integers))
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": _strict(components)}
    return Compiled(jsonschema_rs.Draft202012Validator(schema, validate_formats=False,
                                                       keywords={"x-json-integer": _JsonInteger}), None)


# Keywords that hold no schema: nothing under them is an integer of the instance.
_NO_SCHEMA = frozenset({"type", "description", "title", "format", "required", "enum", "const", "default", "example",
                        "examples", "deprecated", "readOnly", "writeOnly", "nullable", "minimum", "maximum",
                        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern",
                        "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties"})


def _integer_paths(schemas: dict[str, Any], node: Any, path: tuple[str, ...],
                   seen: frozenset[str]) -> list[tuple[str, ...]] | None:
    """The paths (property names from the instance's root) of every integer `node` types, or None where one is
    typed anywhere else (in an array's items, additional properties, a combination, a schema that refers to
    itself): the instance is then judged by the schema marked (_strict)."""
    if not isinstance(node, dict):
        return []
    ref = node.get("$ref")
    if ref is not None:
        name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None
        if (name is None or ref != f"#/components/schemas/{name}" or name in seen or name not in schemas
                or set(node) - _NO_SCHEMA - {"$ref"}):
            return None
        return _integer_paths(schemas, schemas[name], path, seen | {name})
    found = [path] if _is_integer(node) else []
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            for name, below in value.items():
                paths = _integer_paths(schemas, below, (*path, name), seen)
                if paths is None:
                    return None
                found += paths
        elif key not in _NO_SCHEMA and _holds_integer(schemas, value, seen):
            return None
    return found


def _holds_integer(schemas: dict[str, Any], value: Any, seen: frozenset[str]) -> bool:
    """Whether an integer is typed anywhere in `value` (the schemas it refers to included; one that refers to
    itself counts as holding one)."""
    if isinstance(value, list):
        return any(_holds_integer(schemas, item, seen) for item in value)
    if not isinstance(value, dict):
        return False
    ref = value.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in seen or name not in schemas:
            return True
        if _holds_integer(schemas, schemas[name], seen | {name}):
            return True
    return _is_integer(value) or any(_holds_integer(schemas, v, seen) for k, v in value.items() if k != "$ref")


def _is_integer(node: dict[str, Any]) -> bool:
    """The node types an integer that must be written as one (a node that also allows any number takes 12.0)."""
    kind = node.get("type")
    return kind == "integer" or isinstance(kind, list) and "integer" in kind and "number" not in kind


def _strict(value: Any) -> Any:
    """The schema with every integer marked to be a JSON integer."""
    if isinstance(value, dict):
        out = {k: _strict(v) for k, v in value.items()}
        if _is_integer(out):
            out["x-json-integer"] = True
        return out
    if isinstance(value, list):
        return [_strict(v) for v in value]
    return value


@functools.cache
def documented_statuses(profile: str) -> frozenset[int]:
    spec = load_spec(profile)
    (operation,) = [op["get"] for op in spec["paths"].values()]
    return frozenset(int(code) for code in operation["responses"])
