"""Whole runs against a target that throttles (429, 503): waited for within caps, slowed down for; a 429 is
never a failure."""

from __future__ import annotations

import pytest

from fakes import scripted_server
from harness import run_suite, serve

# ------------------------------------------------------------------ whole runs

@pytest.mark.slow
def test_a_rate_limited_target_passes_and_the_waits_are_reported_across_workers():
    with serve("org-token", variation="rate-limited") as url:
        run = run_suite("--profile", "org-token", "-n", "2", base_url=url)
    assert run.returncode == 0 and not run.failed(), run.output[-3000:]
    throttled = run.report["throttled"]
    assert throttled["waits"] >= 1 and throttled["seconds"] >= 1.0, throttled  # wall-clock: concurrent waits once
    assert f"throttled {throttled['waits']}×" in run.report["summary"]


OK = (200, {}, b"[]")
SLOW_DOWN = (429, {"Retry-After": "1"}, b'{"detail": "slow down"}')


@pytest.mark.slow
def test_a_target_that_always_throttles_stops_at_the_preflight():
    with scripted_server(SLOW_DOWN) as (url, asked):
        run = run_suite("--profile", "org-token", "--api-key", "k-1", "--max-throttle-wait", "2", base_url=url,
                        timeout=60)
    assert run.returncode == 2, run.output[-3000:]
    assert "throttle wait limit reached: 2 s (--max-throttle-wait)" in run.output
    assert len(asked) == 3  # the preflight, sent again twice


@pytest.mark.slow
def test_a_target_that_starts_throttling_for_good_stops_the_run_incomplete():
    with scripted_server(OK, SLOW_DOWN) as (url, asked):
        run = run_suite("--profile", "org-token", "--api-key", "k-1", "--max-throttle-wait", "2", base_url=url,
                        timeout=60)
    assert run.returncode == 2, run.output[-3000:]
    assert run.report["complete"] is False and run.report["passed_gate"] is False
    assert run.report["stopped"].startswith("throttle wait limit reached: 2 s (--max-throttle-wait)")
    assert run.report["summary"].startswith("INCOMPLETE (throttle wait limit reached")
    assert run.report["throttled"] == {"waits": 2, "seconds": 2.0}
    assert not run.failed()  # a 429 fails no requirement
    assert len(asked) == 4  # the preflight, then one GET sent three times
