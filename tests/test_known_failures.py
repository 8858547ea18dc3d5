"""--known-failures: the plain format, expiry dates, and the update that removes entries that now pass."""

from __future__ import annotations

import datetime as dt

import pytest

from conformance.known_failures import (KnownFailuresError, expired_known_failures, load_known_failures,
                                        read_known_failures, remove_entries, update_after)

TODAY = dt.date(2027, 3, 1)


def write(tmp_path, text: str):
    path = tmp_path / "known.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_plain_format_reads_as_before(tmp_path):
    path = write(tmp_path, "PAGE-HAS-MORE: tracked in BUG-12\nORDER-ASC: '  spaced  '\n")
    assert load_known_failures(path) == {"PAGE-HAS-MORE": "tracked in BUG-12", "ORDER-ASC": "spaced"}


def test_an_entry_excuses_up_to_and_including_its_date_and_then_nothing(tmp_path):
    path = write(tmp_path, "PAGE-HAS-MORE:\n  reason: tracked in BUG-12\n  until: 2027-03-01\n")
    assert load_known_failures(path, TODAY) == {"PAGE-HAS-MORE": "tracked in BUG-12"}
    assert expired_known_failures(path, TODAY) == {}
    later = TODAY + dt.timedelta(days=1)
    assert load_known_failures(path, later) == {}
    assert expired_known_failures(path, later) == {"PAGE-HAS-MORE": "expired on 2027-03-01 (tracked in BUG-12)"}


@pytest.mark.parametrize(("text", "message"), [
    ("PAGE-HAS-MORE:\n  reason: x\n  until: next spring\n", "until must be a date written YYYY-MM-DD"),
    ("PAGE-HAS-MORE:\n  reason: x\n  until: 2027-03-01 10:00:00\n", "until must be a date"),
    ("PAGE-HAS-MORE:\n  reason: x\n  owner: me\n", "unknown key 'owner'"),
    ("PAGE-HAS-MORE:\n  until: 2027-03-01\n", "give a reason"),
    ("NOT-AN-ID: x\n", "'NOT-AN-ID' is not a requirement id"),
])
def test_a_wrong_entry_names_the_file_the_id_and_the_problem(tmp_path, text, message):
    with pytest.raises(KnownFailuresError, match=message):
        read_known_failures(write(tmp_path, text))


def test_removing_entries_keeps_every_other_line_and_comment(tmp_path):
    path = write(tmp_path, "# ours\nPAGE-HAS-MORE: tracked in BUG-12  # fixed soon\n"
                           "ORDER-ASC:\n  reason: tracked in BUG-13\n  until: 2027-03-01\n"
                           "# the org variant\nORG-MSG-SHAPE: tracked in BUG-14\n")
    remove_entries(path, {"PAGE-HAS-MORE", "ORDER-ASC"})
    assert path.read_text(encoding="utf-8") == "# ours\n# the org variant\nORG-MSG-SHAPE: tracked in BUG-14\n"


def test_a_file_the_line_edit_cannot_do_is_written_again_as_plain_yaml(tmp_path):
    path = write(tmp_path, "{PAGE-HAS-MORE: tracked in BUG-12, ORDER-ASC: {reason: r, until: 2027-03-01}}\n")
    remove_entries(path, {"PAGE-HAS-MORE"})
    entries = read_known_failures(path)
    assert list(entries) == ["ORDER-ASC"] and entries["ORDER-ASC"].until == dt.date(2027, 3, 1)


def data(complete: bool, **statuses: str) -> dict:
    return {"complete": complete, "requirements": [{"id": i.replace("_", "-"), "status": s}
                                                   for i, s in statuses.items()]}


def test_the_update_removes_passing_entries_only_and_never_adds_one(tmp_path):
    path = write(tmp_path, "PAGE-HAS-MORE: a\nORDER-ASC: b\nENV-SHAPE: c\n")
    report = data(True, PAGE_HAS_MORE="pass", ORDER_ASC="known-failure", ENV_SHAPE="unverified", PARAM_DEFAULTS="fail")
    said, problem = update_after(str(path), report)
    assert problem is None and said == f"removed from {path}, now passing: PAGE-HAS-MORE"
    assert list(read_known_failures(path)) == ["ORDER-ASC", "ENV-SHAPE"]


def test_an_incomplete_run_leaves_the_file_as_it_was(tmp_path):
    path = write(tmp_path, "PAGE-HAS-MORE: a\n")
    said, problem = update_after(str(path), data(False, PAGE_HAS_MORE="pass"))
    assert problem is None and "left as it was: the run is incomplete" in said
    assert path.read_text(encoding="utf-8") == "PAGE-HAS-MORE: a\n"
