"""A correct implementation behind an edge passes: what the edge answered itself is the edge's, never a failure.

The reference server behind a real nginx (HTML error pages by proxy_intercept_errors, limit_req answering 503 or
429 without Retry-After, ModSecurity with the OWASP CRS blocking), and behind a small Python proxy for what a
config cannot make; in both modes. Each edge does several of these at once, so that the proof costs few suite runs.
"""

from __future__ import annotations

import pytest

from edges import NginxEdge, ProxyEdge, modsecurity_missing, nginx, nginx_missing, proxy
from harness import PROFILE_ARGS, SuiteRun, discovery_args, run_suite, serve

MODES = {"dataset": [], "discovery": ["--no-dataset", *discovery_args("tenant-key")]}
ORG_MODES = {"dataset": PROFILE_ARGS["org-token"],
             "discovery": [*PROFILE_ARGS["org-token"], "--no-dataset", *discovery_args("org-token")]}
EDGE_RUN_TIMEOUT = 180.0  # seconds: each run takes well under a minute; the bound only stops a hung one


def passes_behind_the_edge(run: SuiteRun) -> None:
    print(f"{run.wall_seconds:.0f} s: {run.report.get('summary')}")  # shown with -rP: what the edge did
    assert run.returncode == 0, run.output[-4000:]
    assert run.report["complete"] and run.report["passed_gate"], run.report["summary"]
    assert not run.failed(), f"failed behind the edge: {sorted(run.failed())}\n{run.output[-4000:]}"
    # What the edge answered is left unjudged, and said to be: never passed on the edge's answer either.
    for req in run.report["requirements"]:
        if req["status"] == "inconclusive":
            assert all("answered by the edge" in reason or "moved" in reason or "live" in reason
                       for reason in req["reasons"]), req


@pytest.mark.skipif(nginx_missing() is not None, reason=nginx_missing() or "")
@pytest.mark.parametrize("mode", list(MODES))
def test_the_reference_passes_behind_nginx_with_html_errors_a_503_rate_limit_and_a_waf(mode):
    waf = modsecurity_missing() is None
    with serve("tenant-key") as url, nginx(url, NginxEdge(html_errors=True, rate="40r/s", waf=waf)) as front:
        run = run_suite(*MODES[mode], base_url=front, timeout=EDGE_RUN_TIMEOUT)
    passes_behind_the_edge(run)
    summary = run.report["summary"]
    assert "answered by the edge" in summary and "nginx 4" in summary, summary  # its HTML error pages
    if waf:
        assert "nginx 403" in summary, summary  # the CRS refused the odd inputs (2^31, 1e309, SQL, NUL)
    assert run.report["throttled"]["waits"] >= 1, summary  # limit_req's 503s, waited out and sent again
    assert run.wall_seconds < 150, run.wall_seconds


@pytest.mark.skipif(nginx_missing() is not None, reason=nginx_missing() or "")
@pytest.mark.parametrize("mode", list(MODES))
def test_the_reference_passes_behind_nginx_rate_limiting_with_429(mode):
    with serve("tenant-key") as url, nginx(url, NginxEdge(rate="40r/s", rate_status=429)) as front:
        run = run_suite(*MODES[mode], base_url=front, timeout=EDGE_RUN_TIMEOUT)
    passes_behind_the_edge(run)
    throttled = run.report["throttled"]
    assert throttled["waits"] >= 1, run.report["summary"]
    # The run slowed itself down instead of spending its wait budget (120 s of wall-clock time).
    assert throttled["seconds"] < 60, throttled


@pytest.mark.parametrize("mode", list(MODES))
def test_the_reference_passes_behind_a_proxy_with_html_errors_a_429_rate_limit_and_a_waf(mode):
    edge = ProxyEdge(html_errors=True, rate_per_second=40, rate_status=429, waf=True)
    with serve("tenant-key") as url, proxy(url, edge) as front:
        run = run_suite(*MODES[mode], base_url=front, timeout=EDGE_RUN_TIMEOUT)
    passes_behind_the_edge(run)
    summary = run.report["summary"]
    assert "answered by the edge" in summary and "an edge (via) 403" in summary, summary
    assert run.report["throttled"]["waits"] >= 1, summary


# org-token: its error media type is a MUST (seed 002 gives every error application/json), so an edge's HTML page
# must leave ORG-HTTP-CONTENT-TYPE-JSON unjudged, never failed; its 403 is the implementation's own (another
# organisation's chat), beside the WAF's.
@pytest.mark.skipif(nginx_missing() is not None, reason=nginx_missing() or "")
def test_the_org_token_reference_passes_behind_nginx_with_html_errors_a_503_rate_limit_and_a_waf():
    waf = modsecurity_missing() is None
    with serve("org-token") as url, nginx(url, NginxEdge(html_errors=True, rate="40r/s", waf=waf)) as front:
        run = run_suite(*ORG_MODES["dataset"], base_url=front, timeout=EDGE_RUN_TIMEOUT)
    passes_behind_the_edge(run)
    assert "answered by the edge" in run.report["summary"] and run.report["edge"]["requests"], run.report["summary"]
    assert run.report["throttled"]["waits"] >= 1, run.report["summary"]


@pytest.mark.parametrize("mode", list(ORG_MODES))
def test_the_org_token_reference_passes_behind_a_proxy_with_html_errors_and_a_503_rate_limit(mode):
    edge = ProxyEdge(html_errors=True, rate_per_second=40, rate_status=503)
    with serve("org-token") as url, proxy(url, edge) as front:
        run = run_suite(*ORG_MODES[mode], base_url=front, timeout=EDGE_RUN_TIMEOUT)
    passes_behind_the_edge(run)
    answered = run.report["edge"]
    assert answered["requests"] and {by["server"] for by in answered["by"]} == {"an edge (via)"}, answered
    assert "ORG-HTTP-CONTENT-TYPE-JSON" in answered["inconclusive"], answered  # a MUST the HTML page leaves unjudged
    assert set(answered["inconclusive"]) <= set(run.report["inconclusive"])
    named = next(line for line in run.output.splitlines() if line.startswith("not judged, answered by the edge"))
    assert set(named.partition(": ")[2].split()) == set(answered["inconclusive"]), named  # the terminal says so too
    assert run.report["throttled"]["waits"] >= 1, run.report["summary"]
