"""A failure's text cut into the parts the reports show: headline, what broke, request, response."""

from __future__ import annotations

from conformance.failures import blocks, by_requirement, of_report
from conformance.masking import REDACTOR
from conformance.results import ENTRIES, FAILED

TEXT = """PAGE-HAS-MORE [MUST] has_more is true exactly when offset + len(messages) < total.
  what broke: has_more is True but offset 160 + 80 messages >= total 240
  request:    curl -X GET 'http://127.0.0.1:1/api/v1/chats/c/messages?offset=160' -H 'X-API-Key: ***'
  response:   HTTP 200 (application/json)
              {"messages": "<80 messages>", "total": 240}
  HAR entry:  main-7

ENV-SHAPE [MUST] A 200 body is a JSON object.
PARAM-LIMIT-ABOVE-MAX-400 [MUST] A limit above 100 is answered 400.
  a generated request broke the rule(s) above (Schemathesis):
Schemathesis found 1 distinct failure

    101 is greater than the maximum of 100"""


def test_each_rule_broken_is_a_block_with_its_labelled_parts():
    first, second = blocks(TEXT)
    assert first.headlines == ["PAGE-HAS-MORE [MUST] has_more is true exactly when offset + len(messages) < total."]
    assert first.parts["what broke"].startswith("has_more is True")
    assert first.parts["request"].startswith("curl -X GET")
    assert first.parts["response"] == 'HTTP 200 (application/json)\n{"messages": "<80 messages>", "total": 240}'
    assert first.parts["HAR entry"] == "main-7" and first.rest == ""
    assert [h.split()[0] for h in second.headlines] == ["ENV-SHAPE", "PARAM-LIMIT-ABOVE-MAX-400"]
    assert "Schemathesis found 1 distinct failure" in second.rest and "\n  101 is greater" in second.rest  # its own indentation kept


def test_a_failure_is_kept_from_failed_and_known_failure_reports_only_with_keys_masked():
    REDACTOR.add("secret-key-in-a-failure-0192")
    props = {FAILED: "PAGE-HAS-MORE", ENTRIES: "main-7"}
    failure = of_report("t::a", "xfailed", props, "PAGE-HAS-MORE [MUST] x\n  what broke: secret-key-in-a-failure-0192")
    assert failure.requirements == ("PAGE-HAS-MORE",) and failure.har_entries == ("main-7",)
    assert "secret-key-in-a-failure-0192" not in failure.text and "***" in failure.text
    assert of_report("t::a", "passed", props, "") is None
    assert of_report("t::a", "failed", {FAILED: ""}, "unexpected error") is None  # under no requirement
    assert by_requirement([failure.as_dict()]) == {"PAGE-HAS-MORE": [failure.as_dict()]}
