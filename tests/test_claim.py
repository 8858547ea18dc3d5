"""claim.json's level reached and badge.svg: never more than the gate gave, and no excused failure claimed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from conformance import badge, claim


def data(gates: dict[str, bool], complete: bool = True, **statuses: tuple[str, str]) -> dict:
    return {"suite": "s", "suite_version": "0.1.0", "time": "t", "target": "http://127.0.0.1:1", "profile": "tenant-key",
            "mode": "dataset", "complete": complete, "summary": "", "gate_level": "must",
            "passed_gate": gates["must"], "gate_by_level": gates, "har": None,
            "requirements": [{"id": i, "level": level, "status": status} for i, (level, status) in statuses.items()]}


@pytest.mark.parametrize(("gates", "statuses", "reached"), [
    ({"must": True, "should": True}, {"A": ("MUST", "pass"), "B": ("SHOULD", "pass")}, "MUST and SHOULD"),
    ({"must": True, "should": False}, {"A": ("MUST", "pass"), "B": ("SHOULD", "fail")}, "MUST"),
    ({"must": True, "should": True}, {"A": ("MUST", "pass"), "B": ("SHOULD", "known-failure")}, "MUST"),
    ({"must": True, "should": True}, {"A": ("MUST", "known-failure"), "B": ("SHOULD", "pass")}, None),
    ({"must": False, "should": False}, {"A": ("MUST", "fail")}, None),
])
def test_the_level_reached_is_the_highest_gate_passed_with_nothing_excused_at_it(gates, statuses, reached):
    assert claim.level_reached(data(gates, **statuses)) == reached


def test_the_claim_lists_every_requirement_and_counts_against_the_catalogue():
    made = claim.build(data({"must": False, "should": False}, A=("MUST", "pass"), B=("MUST", "unverified"),
                            C=("SHOULD", "pass")))
    assert made["requirements"] == {"A": {"level": "MUST", "status": "pass"},
                                    "B": {"level": "MUST", "status": "unverified"},
                                    "C": {"level": "SHOULD", "status": "pass"}}
    assert made["counts"]["MUST"] == {"passed": 1, "total": 2} and made["recording"] is None


@pytest.mark.parametrize(("gates", "complete", "text", "colour"), [
    ({"must": True, "should": True}, True, "MUST 1/1 · SHOULD 1/1", "#4c1"),
    ({"must": True, "should": False}, True, "MUST 1/1", "#97ca00"),
    ({"must": False, "should": False}, True, "MUST 1/1", "#e05d44"),
    ({"must": False, "should": False}, False, "incomplete", "#9f9f9f"),
])
def test_the_badge_says_the_must_count_coloured_by_the_level_reached(gates, complete, text, colour):
    svg = badge.render(claim.build(data(gates, complete, A=("MUST", "pass"), B=("SHOULD", "pass"))))
    tree = ET.fromstring(svg)  # well-formed, standalone SVG
    texts = [t.text for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["conformance", "conformance", text, text]
    assert f'fill="{colour}"' in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
