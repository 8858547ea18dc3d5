"""The one request a check sends, declared beside it: read with the test's parameters, skipped saying what the
target lacks, and gathered for a whole family of checks (conformance/sends.py)."""

from __future__ import annotations

from types import SimpleNamespace

from conformance import sends
from conformance.profiles import TENANT_KEY
from conformance.target import Target


def check(name, value):  # a check; its items share it as their function
    pass


def other(name):
    pass


def item(function, mark=None, **params):
    marks = {"sends": mark.mark} if mark is not None else {}
    return SimpleNamespace(function=function, get_closest_marker=marks.get,
                           callspec=SimpleNamespace(params=params) if params else None)


TARGET = Target("http://127.0.0.1:9", TENANT_KEY, "X-API-Key", False, api_key="tk_primary", chat_id="c1")
LIMIT = sends.sends(lambda target, name, value: (target.chat_id, {name: value}, target.api_key))


def test_the_request_is_read_with_the_target_and_the_tests_parameters():
    assert sends.requested(item(check, LIMIT, name="limit", value="101"), TARGET) == ("c1", {"limit": "101"},
                                                                                    "tk_primary")


def test_a_target_without_what_the_request_needs_skips_saying_what_to_supply():
    needs_foreign = sends.sends(lambda target: (target.chat_id, None, target.foreign_api_key),
                                needs=("foreign_api_key",))
    assert "--foreign-api-key" in sends.requested(item(check, needs_foreign), TARGET)
    assert sends.requested(item(check), TARGET) == "the test declares no request (@sends)"
    said = sends.sends(lambda target: "nothing to send to this target")
    assert sends.requested(item(check, said), TARGET) == "nothing to send to this target"


def test_a_family_sends_the_requests_of_its_selected_items_only():
    items = [item(check, LIMIT, name="limit", value=v) for v in ("0", "101")] + [
        item(other, sends.sends(lambda target, name: (target.chat_id, {name: ""}, None)), name="x"),
        item(check, sends.sends(lambda target: "skipped"))]
    assert sends.family(items[0]) is sends.family(items[1]) is check
    assert sends.calls_of_family(items[0], items, TARGET) == [("c1", {"limit": "0"}, "tk_primary"),
                                                             ("c1", {"limit": "101"}, "tk_primary")]
