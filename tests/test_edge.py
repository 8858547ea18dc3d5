"""Answers the implementation did not write are told apart (conformance/edge.py), and no rule is judged on them."""

from __future__ import annotations

from collections import Counter

import pytest

from conformance import edge
from conformance.client import Exchange
from conformance.profiles import TENANT_KEY
from conformance.results import Results
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
