"""badge.svg: a shields-style badge of a claim ("conformance | MUST 41/41"), drawn offline."""

from __future__ import annotations

from html import escape
from typing import Any

COLOURS = {"MUST and SHOULD": "#4c1", "MUST": "#97ca00", None: "#e05d44"}
INCOMPLETE = "#9f9f9f"
# Approximate advance widths of Verdana 11px, the shields font: enough to size the boxes.
NARROW, WIDE = set("ilI.,:;|!' /·()[]ft"), set("MWmw%@")


def text_width(text: str) -> float:
    return sum(3.5 if c in NARROW else 9.5 if c in WIDE else 7.0 if c.isupper() or c.isdigit() else 6.3
               for c in text)


def message(claim: dict[str, Any]) -> str:
    if not claim["complete"]:
        return "incomplete"
    must = claim["counts"].get("MUST", {"passed": 0, "total": 0})
    text = f"MUST {must['passed']}/{must['total']}"
    should = claim["counts"].get("SHOULD")
    if claim["level_reached"] == "MUST and SHOULD" and should:
        text += f" · SHOULD {should['passed']}/{should['total']}"
    return text


def render(claim: dict[str, Any]) -> str:
    label, value = "conformance", message(claim)
    colour = COLOURS[claim["level_reached"]] if claim["complete"] else INCOMPLETE
    left, right = round(text_width(label) + 12), round(text_width(value) + 12)
    total = left + right
    title = escape(f"{label}: {value} ({claim['profile']}, suite {claim['suite_version']})")
    label_e, value_e = escape(label), escape(value)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{title}">
<title>{title}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/><rect x="{left}" width="{right}" height="20" fill="{colour}"/><rect width="{total}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="{left / 2}" y="15" fill="#010101" fill-opacity=".3">{label_e}</text><text x="{left / 2}" y="14">{label_e}</text>
<text x="{left + right / 2}" y="15" fill="#010101" fill-opacity=".3">{value_e}</text><text x="{left + right / 2}" y="14">{value_e}</text>
</g>
</svg>
"""
