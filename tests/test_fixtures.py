"""The checks' fixtures: notes of what a rule was proven on gather in one property, a line per note."""

from __future__ import annotations

from conformance.fixtures import noted
from conformance.results import NOTE


def test_the_first_note_adds_the_property_and_the_next_add_a_line_to_it():
    props = noted([("kill_row", "r")], "PAGE-PARTITION", "in 5 windows")
    assert props == [("kill_row", "r"), (NOTE, "PAGE-PARTITION\tin 5 windows")]
    props = noted(props + [("x", 1)], "ORDER-ASC ORDER-DESC", "on the first 10,000")
    both = "PAGE-PARTITION\tin 5 windows\nORDER-ASC ORDER-DESC\ton the first 10,000"
    assert props == [("kill_row", "r"), (NOTE, both), ("x", 1)]
