"""Render docs/requirements.md from the requirement catalogue and the two OpenAPI files.

    python scripts/render_catalogue.py            write docs/requirements.md
    python scripts/render_catalogue.py --check    exit 1 if docs/requirements.md is stale

The page is generated, never edited by hand: conformance/requirements.yaml holds the
rules and the OpenAPI files hold the shapes, and this script only lays them out.
`render()` has no clock and no set iteration, so the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# Runnable from any working directory without installing the package.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from conformance.catalogue import LEVELS, raw_catalogue  # noqa: E402
from conformance.profiles import PROFILES, spec_path  # noqa: E402
from conformance.spec import load_spec  # noqa: E402

OUTPUT = REPO / "docs" / "requirements.md"
COMMAND = "python scripts/render_catalogue.py"
ID_WORD = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")

PROFILE_BLURBS = {
    "tenant-key": (
        "The main variant: a tenant's API key in the `X-API-Key` header, UUID chat ids, "
        "and one page of messages wrapped in an envelope with pagination fields."
    ),
    "org-token": (
        "The second variant: an organisation's token in the `Authorization` header, "
        "integer chat ids, and every message of the chat as a bare JSON array."
    ),
}

# Area titles by id prefix (the part before the first '-'). ENV and PAGE share one
# area because the envelope's fields are the pagination.
AREAS = {
    "AUTH": "Authentication and tenancy",
    "PARAM": "Query parameters",
    "ENV": "The response envelope and pagination",
    "PAGE": "The response envelope and pagination",
    "ORDER": "Ordering",
    "CHAT": "Chats",
    "MSG": "Message objects",
    "HTTP": "Status codes, content type and error bodies",
    "ORG": "All rules of this variant",
}

LEVEL_MEANINGS = {
    "MUST": "an absolute requirement. A server that breaks it does not conform; the suite fails the run.",
    "SHOULD": (
        "recommended. There may be reasons to differ, but know them; the suite reports a failure "
        "as a warning, and fails the run only with `--level should`."
    ),
    "MAY": "truly optional; the suite never fails a run for it.",
}


# ---------------------------------------------------------------- markdown helpers


def anchor(item_id: str) -> str:
    return f'<a id="{item_id}"></a>'


def link(item_id: str) -> str:
    return f"[{item_id}](#{item_id})"


def linked(text: str, ids: Collection[str]) -> str:
    """Prose on one line, with every catalogue id it mentions turned into a link."""
    return ID_WORD.sub(lambda m: link(m.group(0)) if m.group(0) in ids else m.group(0), " ".join(text.split()))


def cell(text: Any) -> str:
    """Text safe inside a table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def blockquote(text: str) -> list[str]:
    # A quote that starts like a list item or heading would render as one; escape it.
    body = " ".join(text.split())
    if body[:1] in "*-+#>":
        body = "\\" + body
    return [f"> {body}"]


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def repo_path(profile: str) -> str:
    """The spec's path as a reader finds it (tenant-key's spec file is a symlink to openapi.yaml)."""
    return spec_path(profile).resolve().relative_to(REPO).as_posix()


# ---------------------------------------------------------------- the spec, at a glance


def resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local $ref ("#/components/...") to what it names."""
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def type_of(schema: Mapping[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    kinds = schema.get("type", "any")
    text = " or ".join(kinds) if isinstance(kinds, list) else kinds
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": " + ", ".join(f"`{value}`" for value in schema["enum"])
    bounds = [f"{word} {schema[key]}" for key, word in (("minimum", "min"), ("maximum", "max")) if key in schema]
    if bounds:
        text += ", " + ", ".join(bounds)
    return text


def parameter_rows(operation: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for param in operation.get("parameters", []):
        schema = param.get("schema", {})
        default = f"`{schema['default']}`" if "default" in schema else ""
        required = "yes" if param.get("required") else "no"
        rows.append([f"`{param['name']}`", param["in"], type_of(schema), required, default, param.get("description", "")])
    return rows


def response_rows(spec: Mapping[str, Any], operation: Mapping[str, Any]) -> list[list[str]]:
    """Statuses that share one response description are listed on one row."""
    by_description: dict[str, list[str]] = {}
    for status, response in operation["responses"].items():
        resolved = resolve(spec, response)
        schema = next(iter(resolved.get("content", {}).values()), {}).get("schema", {})
        text = resolved.get("description", "")
        if schema:
            text += f" Body: {type_of(schema)}."
        by_description.setdefault(text, []).append(str(status))
    return [[", ".join(statuses), text] for text, statuses in by_description.items()]


def field_rows(schema: Mapping[str, Any], prefix: str = "") -> list[list[str]]:
    rows = []
    required = set(schema.get("required", []))
    for name, field in schema.get("properties", {}).items():
        rows.append([f"`{prefix}{name}`", type_of(field), "yes" if name in required else "no", field.get("description", "")])
        if "properties" in field:  # one nested object (org-token's metadata) is worth spelling out
            rows += field_rows(field, f"{prefix}{name}.")
    return rows


def at_a_glance(profile: str) -> list[str]:
    spec = load_spec(profile)
    ((path, item),) = spec["paths"].items()
    operation = item["get"]
    lines = [f"### The endpoint at a glance (from `{repo_path(profile)}`)", "", f"`GET {path}`", ""]
    lines += [" ".join(operation.get("description", "").split()), ""]
    for scheme in spec.get("components", {}).get("securitySchemes", {}).values():
        lines += [f"Authentication: the `{scheme['name']}` {scheme['in']}. {scheme.get('description', '')}".rstrip(), ""]
    lines += ["Parameters:", ""]
    lines += table(["Name", "In", "Type", "Required", "Default", "Meaning"], parameter_rows(operation))
    lines += ["", "Responses (all `application/json`):", ""]
    lines += table(["Status", "Meaning"], response_rows(spec, operation))
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        lines += ["", f"`{name}`: {' '.join(schema.get('description', '').split())}".rstrip(), ""]
        rows = field_rows(schema)
        if rows:
            lines += table(["Field", "Type", "Required", "Meaning"], rows)
        else:
            lines += ["Any JSON object" + (" whose values are strings." if schema.get("additionalProperties") else ".")]
    lines += ["", "Fields not listed may be present; see [IMPL-EXTRA-FIELDS](#IMPL-EXTRA-FIELDS).", ""]
    return lines


# ---------------------------------------------------------------- the catalogue


def area(req_id: str) -> str:
    prefix = req_id.split("-", 1)[0]
    return AREAS.get(prefix, prefix)


def level_counts(entries: Sequence[Mapping[str, Any]]) -> str:
    counts = [f"{sum(e['level'] == level for e in entries)} {level}" for level in LEVELS]
    return ", ".join(c for c in counts if not c.startswith("0 "))


def source_lines(source: Mapping[str, str], ids: Collection[str]) -> list[str]:
    if "derived" in source:
        return [f"*Derived:* {linked(source['derived'], ids)}"]
    return [f"Source: `{source['seed']}`", "", *blockquote(source["quote"])]


def requirement_lines(entry: Mapping[str, Any], ids: Collection[str]) -> list[str]:
    lines = [f"#### {anchor(entry['id'])}{entry['id']} ({entry['level']})", "", linked(entry["statement"], ids), ""]
    if entry.get("accepts"):
        lines += ["Accepted outcomes:", "", *[f"- {outcome}" for outcome in entry["accepts"]], ""]
    return lines + source_lines(entry["source"], ids) + [""]


def seeds_of(entries: Iterable[Mapping[str, Any]]) -> list[str]:
    return sorted({e["source"]["seed"] for e in entries if "seed" in e["source"]})


def profile_section(profile: str, entries: Sequence[Mapping[str, Any]], ids: Collection[str]) -> list[str]:
    seeds = ", ".join(f"`{seed}`" for seed in seeds_of(entries))
    lines = [
        f"## Profile `{profile}`",
        "",
        PROFILE_BLURBS.get(profile, ""),
        "",
        f"Spec: `{repo_path(profile)}`. Quotes from: {seeds}. {len(entries)} requirements ({level_counts(entries)}).",
        "",
        *at_a_glance(profile),
    ]
    areas: dict[str, list[Mapping[str, Any]]] = {}
    for entry in entries:  # catalogue order, which reads as a narrative within each area
        areas.setdefault(area(entry["id"]), []).append(entry)
    for title, members in areas.items():
        prefixes = ", ".join(dict.fromkeys(m["id"].split("-", 1)[0] for m in members))
        lines += [f"### {title} ({prefixes})", ""]
        for entry in members:
            lines += requirement_lines(entry, ids)
    return lines


def implementation_defined_section(items: Sequence[Mapping[str, Any]], ids: Collection[str]) -> list[str]:
    rows = [
        [
            f"{anchor(item['id'])}{item['id']}",
            item["profile"],
            item["topic"],
            "; ".join(item["accepts"]),
            link(item["checked_by"]),
            linked(item["reading"], ids),
        ]
        for item in items
    ]
    return [
        "## Implementation-defined behaviour",
        "",
        "Where the docs leave a choice open, every outcome below is conforming. The requirement",
        "under *Checked by* fails only for an outcome outside the accepted ones.",
        "",
        *table(["ID", "Profile", "Topic", "Accepted outcomes", "Checked by", "Reading"], rows),
        "",
    ]


def errata_section(errata: Sequence[Mapping[str, Any]], ids: Collection[str]) -> list[str]:
    lines = [
        "## Errata",
        "",
        "Where the source docs contradict themselves or each other, and what this suite does about it.",
        "",
    ]
    for erratum in errata:
        lines += [
            f"### {anchor(erratum['id'])}{erratum['id']}",
            "",
            f"- **Where:** {linked(erratum['where'], ids)}",
            f"- **Problem:** {linked(erratum['problem'], ids)}",
            f"- **Resolution:** {linked(erratum['resolution'], ids)}",
            "",
        ]
    return lines


def introduction(profiles: Sequence[str]) -> list[str]:
    specs = " and ".join(f"`{repo_path(p)}` (profile `{p}`)" for p in profiles)
    return [
        "# Get Chat Messages: requirements",
        "",
        f"<!-- Generated from conformance/requirements.yaml and the OpenAPI files by `{COMMAND}`. Do not edit. -->",
        "",
        "Every rule the conformance suite checks for `GET /api/v1/chats/{chat_id}/messages`, and where it",
        "comes from. Together with the OpenAPI files this page is enough to implement the endpoint: the",
        "specs fix the shapes (parameters, bodies, statuses), and this page fixes everything a schema",
        "cannot say (defaults, ordering, the `has_more` arithmetic, tenancy, which errors win).",
        "",
        "## How to read this page",
        "",
        "**Levels** are the key words of RFC 2119:",
        "",
        *[f"- **{level}**: {LEVEL_MEANINGS[level]}" for level in LEVELS],
        "",
        "**Profiles.** The endpoint is documented in two incompatible variants. Each is a *profile* with",
        "its own spec and its own requirements; a server implements one profile, and nothing of one",
        f"profile is checked against the other. The specs are {specs}.",
        "",
        "**Ids** are stable; tests, failure messages and reports quote them. Within a profile,",
        "requirements are grouped by area, named by the part of the id before the first `-`.",
        "",
        "**Sources.** The *seeds* are the pages of source documentation this suite was written from",
        "(files `000_…` to `003_…`, not part of this repository; \"seed 003\" means `003_….txt`). A",
        "requirement either quotes a seed (the file is named and its words are shown as a blockquote;",
        "`…` and `·` join separate passages) or is *derived*, with the reasoning given, for behaviour the",
        "docs imply but do not state.",
        "",
        "**Accepted outcomes** list every answer that conforms where the docs allow more than one; see",
        "also [Implementation-defined behaviour](#implementation-defined-behaviour) and, for places where",
        "the docs contradict themselves, [Errata](#errata).",
        "",
    ]


def render_catalogue(catalogue: Mapping[str, Any], profiles: Sequence[str] = PROFILES) -> str:
    """The page for a loaded catalogue; pure apart from reading the (cached) spec files."""
    sections = ("requirements", "implementation_defined", "errata")
    ids = frozenset(entry["id"] for section in sections for entry in catalogue.get(section, []))
    lines = introduction(profiles)
    for profile in profiles:
        entries = [e for e in catalogue["requirements"] if e["profile"] == profile]
        lines += profile_section(profile, entries, ids)
    lines += implementation_defined_section(catalogue.get("implementation_defined", []), ids)
    lines += errata_section(catalogue.get("errata", []), ids)
    return "\n".join(lines).rstrip("\n") + "\n"


def render() -> str:
    return render_catalogue(raw_catalogue())


# ---------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render docs/requirements.md from conformance/requirements.yaml.")
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/requirements.md is stale; write nothing")
    args = parser.parse_args(argv)
    page = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.is_file() else None
        if current != page:
            print(f"docs/requirements.md is stale: run {COMMAND}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(page, encoding="utf-8", newline="\n")
    print(f"wrote {OUTPUT.relative_to(REPO).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
