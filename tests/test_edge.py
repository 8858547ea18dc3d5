"""Answers the implementation did not write are told apart (conformance/edge.py), and no rule is judged on them."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conformance import edge, html_report
from conformance.exchange import Exchange
from conformance.profiles import TENANT_KEY
from conformance.report import append_step_summary, render_markdown, report_data
from conformance.results import CHECKS, INCONCLUSIVE, Results
from conformance.explanation import explain
from conformance.violations import Violation

NGINX_403 = (b"<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>"
             b"\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")
PAGE = b"<!DOCTYPE html><html><body><h1>Something went wrong</h1></body></html>"


def answer(status: int, body: bytes, content_type: str = "text/html", **headers: str) -> Exchange:
    return Exchange(url="http://127.0.0.1:1/api/v1/chats/c/messages", request_headers=(), status=status,
                    headers={"content-type": content_type, **{k.replace("_", "-"): v for k, v in headers.items()}},
                    body=body)


@pytest.mark.parametrize("headers", [{"server": "nginx/1.22.1"}, {"server": "cloudflare"}, {"server": "awselb/2.0"},
                                     {"server": "envoy"}, {"via": "1.1 varnish"}, {"cf_ray": "8a1b2c3d4e5f-AMS"},
                                     {"x_amzn_requestid": "3f1c"}])
def test_an_html_error_with_an_edges_signature_is_the_edges(headers):
    assert edge.written_by_edge(answer(404, PAGE, **headers), edge.Seen()) is not None


def test_the_edge_is_named_by_its_server_header_or_its_page():
    assert edge.written_by_edge(answer(403, NGINX_403, server="nginx/1.22.1"), edge.Seen()) == "nginx 403"
    assert edge.written_by_edge(answer(403, NGINX_403), edge.Seen()) == "nginx 403"  # the foot of its page


def test_the_implementations_own_answers_are_its_own():
    seen = edge.Seen()
    own_404 = answer(404, b'{"detail": "no such chat"}', "application/json", server="nginx")
    assert edge.written_by_edge(own_404, seen) is None
    assert edge.written_by_edge(answer(400, b"bad limit", "text/plain; charset=utf-8"), seen) is None  # Go's http.Error
    assert edge.written_by_edge(answer(401, b"", ""), seen) is None  # an empty 401
    assert edge.written_by_edge(answer(200, PAGE, server="nginx"), seen) is None  # no error


def test_a_500_is_the_implementations_even_behind_an_edge():
    seen = edge.Seen()
    assert edge.written_by_edge(answer(500, PAGE, server="nginx/1.22.1"), seen) is None
    assert edge.written_by_edge(answer(502, PAGE, server="nginx/1.22.1"), seen) == "nginx 502"


def test_one_html_page_for_several_statuses_is_an_edges_error_page():
    seen = edge.Seen()
    assert seen.note(answer(400, PAGE)) is None  # alone, a page without a signature could be the implementation's
    assert seen.note(answer(404, PAGE)) == "an edge 404"
    assert edge.written_by_edge(answer(400, PAGE), seen) == "an edge 400"


def test_a_status_an_edge_writes_that_the_target_never_used_is_the_edges():
    seen = edge.Seen()
    assert edge.written_by_edge(answer(503, PAGE), seen) == "an edge 503"
    seen.note(answer(503, b'{"detail": "down"}', "application/json"))  # the implementation's own 503
    assert edge.written_by_edge(answer(503, PAGE), seen) is None
    assert edge.written_by_edge(answer(418, PAGE), edge.Seen()) is None


def test_the_seen_count_the_edges_answers_and_say_them():
    seen = edge.Seen()
    for _ in range(8):
        seen.note(answer(403, NGINX_403, server="nginx"))
    seen.note(answer(200, b"{}", "application/json", server="nginx"))
    assert seen.by_edge == Counter({"nginx 403": 8})
    assert edge.decode(seen.encode()) == seen.by_edge
    assert edge.describe(seen.by_edge) == "answered by the edge: 8 requests (nginx 403 ×8)"


def test_a_rule_broken_on_the_edges_answer_is_inconclusive_not_failed():
    seen = edge.Seen()
    by_edge = Violation("PARAM-LIMIT-ABOVE-MAX-400", "expected status 400, got 403",
                        answer(403, NGINX_403, server="nginx"))
    explained = explain(by_edge, TENANT_KEY, seen)
    assert explained.failed == [] and explained.inconclusive == ["PARAM-LIMIT-ABOVE-MAX-400"]
    assert "answered by the edge (nginx 403)" in explained.text
    own = Violation("PARAM-LIMIT-ABOVE-MAX-400", "expected status 400, got 200",
                    answer(200, b"{}", "application/json", server="nginx"))
    assert explain(own, TENANT_KEY, seen).failed == ["PARAM-LIMIT-ABOVE-MAX-400"]


def test_the_edges_answers_are_summed_over_processes_and_said_in_the_summary():
    results = Results("tenant-key", {})
    for value in ("gw0 nginx 403=2", "gw1 nginx 503=1", "gw0 nginx 403=5", "gw0 nginx 403=3"):
        results.note_by_edge(value)
    assert results.by_edge == Counter({"nginx 403": 5, "nginx 503": 1})
    assert "answered by the edge: 6 requests (nginx 403 ×5, nginx 503 ×1)" in results.summary_line()


@pytest.fixture
def edged_run():
    """A run's results: the edge wrote 8 answers (nginx 403 ×5, nginx 503 ×3) and left PARAM-LIMIT-ABOVE-MAX-400
    unjudged; ORDER-SAME-SET is inconclusive for another reason (the data moved)."""
    results = Results("tenant-key", {})
    results.note_by_edge("gw0 nginx 403=5;nginx 503=3")
    by_edge = explain(Violation("PARAM-LIMIT-ABOVE-MAX-400", "expected status 400, got 403",
                                answer(403, NGINX_403, server="nginx")), TENANT_KEY, edge.Seen())
    limit = "PARAM-LIMIT-ABOVE-MAX-400"
    results.record("t::limit", "skipped", {CHECKS: limit, INCONCLUSIVE: limit}, by_edge.text)
    results.record("t::walk", "skipped", {CHECKS: "ORDER-SAME-SET", INCONCLUSIVE: "ORDER-SAME-SET"},
                   "inconclusive (ORDER-SAME-SET): the chat grew while it was read")
    results.record("t::ok", "passed", {CHECKS: "PAGE-HAS-MORE"}, "")
    results.finish()
    return report_data(results, "http://127.0.0.1:1", "dataset", "must")


def test_report_json_says_what_the_edge_answered_and_what_it_left_unjudged(edged_run):
    assert edged_run["edge"] == {"requests": 8, "by": [{"server": "nginx", "status": 403, "count": 5},
                                                       {"server": "nginx", "status": 503, "count": 3}],
                                 "inconclusive": ["PARAM-LIMIT-ABOVE-MAX-400"]}
    assert set(edged_run["inconclusive"]) == {"PARAM-LIMIT-ABOVE-MAX-400", "ORDER-SAME-SET"}
    assert edged_run["passed_gate"]


def test_a_run_no_edge_answered_says_so_in_report_json():
    results = Results("tenant-key", {})
    results.record("t::ok", "passed", {CHECKS: "PAGE-HAS-MORE"}, "")
    data = report_data(results, "http://127.0.0.1:1", "dataset", "must")
    assert data["edge"] == {"requests": 0, "by": [], "inconclusive": []}
    assert "edge" not in render_markdown(data).lower() and 'id="edge"' not in html_report.render(data)


def test_report_md_and_the_step_summary_name_the_edge_apart_from_moving_data(edged_run, tmp_path):
    summary = tmp_path / "step-summary.md"
    append_step_summary(edged_run, str(summary))
    for text in (render_markdown(edged_run), summary.read_text(encoding="utf-8")):
        edge_line = next(line for line in text.splitlines() if line.startswith("**Answered by the edge"))
        assert "8 requests** (nginx 403 ×5, nginx 503 ×3)" in edge_line
        assert "Not judged because of it (inconclusive, not passed): PARAM-LIMIT-ABOVE-MAX-400;" in edge_line
        moved = next(line for line in text.splitlines() if "the data changed while it was read" in line)
        assert "(ORDER-SAME-SET)" in moved and "PARAM-LIMIT-ABOVE-MAX-400" not in moved


def test_report_html_shows_the_edge_at_a_glance(edged_run):
    page = html_report.render(edged_run)
    assert "<th>answered by the edge</th><td>8 requests: nginx 403 ×5, nginx 503 ×3</td>" in page
    paragraph = re.search(r'<p class="edge" id="edge">(.*?)</p>', page).group(1)
    assert '<a href="#req-PARAM-LIMIT-ABOVE-MAX-400">PARAM-LIMIT-ABOVE-MAX-400</a>' in paragraph
    assert "ORDER-SAME-SET" not in paragraph
