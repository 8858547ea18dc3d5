"""Safe to point at production: GET only, bounded, keys never written anywhere, bad targets end cleanly."""

from __future__ import annotations

import sys

import pytest

from conformance.client import Client
from conformance.transport import stack
from conformance.transport.errors import BudgetExhausted, DurationExceeded, Interrupted
from conformance.transport.limits import Limits
from conformance.catalogue import requirements
from conformance.dataset import load_dataset
from conformance.near_misses import one_character_changed
from conformance.profiles import default_dataset_path
from fakes import closed_port_url, http_server, recorded_reference, silent_server
from harness import ROOT, load_switches, run_suite, serve

pytestmark = pytest.mark.slow


def keys(profile: str) -> dict[str, str]:
    data = load_dataset(default_dataset_path(profile), profile)
    return {"primary": data.tenants["primary"], "foreign": data.tenants["foreign"]}


def key_env(profile: str) -> dict[str, str]:
    k = keys(profile)
    return {"CONFORMANCE_API_KEY": k["primary"], "CONFORMANCE_FOREIGN_API_KEY": k["foreign"]}


@pytest.mark.parametrize("profile", ["tenant-key", "org-token"])
def test_only_get_requests_reach_the_target_and_few_of_them(profile):
    with recorded_reference(profile) as (url, recorder):
        run = run_suite("--profile", profile, base_url=url)
    assert run.returncode == 0, run.output[-3000:]
    assert set(recorder.methods) == {"GET"}, recorder.methods
    assert sum(recorder.methods.values()) < 2000


@pytest.mark.parametrize("profile", ["tenant-key", "org-token"])
def test_keys_never_appear_in_any_output_of_a_failing_run(profile, tmp_path):
    """Every byte the suite produced — terminal, junit, reports, step summary — searched for both keys."""
    mutant = next(m for m in load_switches("mutants") if m["profile"] == profile and "hang" not in m["name"]
                  and any(requirements()[r].level == "MUST" for r in m["violates"]))
    summary = tmp_path / "summary.md"
    with serve(profile, mutant=mutant["name"]) as url:
        run = run_suite("--profile", profile, "-l", "-vv", "--tb=long", "-rA", base_url=url,
                        extra_env={**key_env(profile), "GITHUB_STEP_SUMMARY": str(summary)})
    assert run.returncode == 1, run.output[-2000:]
    produced = {"terminal": run.output.encode(), "step summary": summary.read_bytes(), **run.files}
    assert "junit.xml" in produced and "report/report.json" in produced
    for name, key in keys(profile).items():
        # A near miss the suite sent (the key less its last character, one character changed) gives the key away too.
        for secret in (key, key[:-1], one_character_changed(key)):
            leaks = [where for where, data in produced.items() if secret.encode() in data]
            assert not leaks, f"the {name} key appears in {leaks}"
    assert b"***" in produced["terminal"] or b"[Filtered]" in produced["terminal"]


def test_hanging_target_ends_the_session_with_one_message():
    with silent_server() as url:
        run = run_suite("--request-timeout", "0.5", base_url=url, timeout=60)
    assert run.returncode == 3
    assert f"cannot reach the target {url}" in run.output and "no answer within 0.5 s" in run.output
    assert "Traceback" not in run.output


def test_a_target_that_resets_every_connection_fails_under_http_answers_and_the_run_ends():
    with silent_server(reset=True) as url:
        run = run_suite(base_url=url, timeout=120)
    assert run.returncode in (1, 2, 3), run.output[-2000:]
    assert "Traceback" not in run.output
    if run.returncode == 1:  # the preflight saw an answer it could not read: the checks say what broke
        assert run.failed() == {"HTTP-ANSWERS"} and "HTTP-ANSWERS [MUST]" in run.output
    elif run.returncode == 2:
        # On a loaded machine the checks outlast the silence bound (no answer for 15 s): the run stops as silent,
        # with what it saw broken so far.
        assert "the target stopped answering" in run.output and run.failed() == {"HTTP-ANSWERS"}
    else:
        assert f"cannot reach the target {url}" in run.output


def test_unreachable_url_ends_the_session_with_one_message():
    url = closed_port_url()
    run = run_suite(base_url=url, timeout=60)
    assert run.returncode == 3
    assert f"cannot reach the target {url}" in run.output and "ConnectError" in run.output
    assert "Traceback" not in run.output


def test_rejected_key_ends_the_session_with_one_message():
    with serve() as url:
        run = run_suite(base_url=url, extra_env={"CONFORMANCE_API_KEY": "wrong-key-123456"}, timeout=60)
    assert run.returncode == 3
    assert "rejects the API key" in run.output and "wrong-key-123456" not in run.output


def test_garbage_answers_fail_with_a_reason_and_the_run_ends():
    with http_server(200, "text/html", b"<html><body>Welcome to nginx!</body></html>") as url:
        run = run_suite(base_url=url, timeout=120)
    assert run.returncode == 1
    assert "the body is not JSON" in run.output and "Content-Type is 'text/html'" in run.output
    assert "ENV-SHAPE [MUST]" in run.output


def test_an_enormous_body_is_cut_off_with_a_reason():
    with http_server(200, "application/json", b"[" + b"0," * 512 * 1024, repeat=20) as url:
        run = run_suite("-k", "test_no_query_string", base_url=url, timeout=120)
    assert run.returncode == 1
    assert "response body larger than" in run.output


def test_max_requests_stops_the_run_and_says_so():
    with recorded_reference() as (url, recorder):
        run = run_suite("--max-requests", "40", base_url=url)
    assert run.returncode == 2  # interrupted: the rest was not run
    assert "request budget exhausted: 40 requests sent (--max-requests)" in run.output
    assert sum(recorder.methods.values()) <= 40


def test_rate_limit_spaces_requests(monkeypatch):
    """Limits sleeps so that requests keep to N per second (a fake clock: no timing in tests)."""
    now, slept = [100.0], []
    monkeypatch.setattr("conformance.transport.limits.time.monotonic", lambda: now[0])
    monkeypatch.setattr("conformance.transport.limits.time.sleep", lambda s: slept.append(s))
    limits = Limits(max_requests=10, rate_per_second=4)
    for _ in range(3):
        limits.acquire()
    assert slept == pytest.approx([0.25, 0.5])
    now[0] += 10  # a pause: no debt carried over
    limits.acquire()
    assert len(slept) == 2


def test_budget_counts_every_request():
    limits = Limits(max_requests=2, rate_per_second=None)
    limits.acquire()
    limits.acquire()
    with pytest.raises(BudgetExhausted, match="2 requests sent"):
        limits.acquire()


def test_no_request_starts_after_the_run_duration(monkeypatch):
    """--max-duration: the run's clock starts at the controller's start; past it every request is refused."""
    now = [500.0]
    monkeypatch.setattr("conformance.transport.limits.time.monotonic", lambda: now[0])
    limits = Limits(max_requests=100, rate_per_second=None, max_duration=10, started_at=495.0)
    limits.acquire()  # 5 s in
    now[0] = 505.0
    with pytest.raises(DurationExceeded, match=r"run time limit reached: 10 s \(--max-duration\)"):
        limits.acquire()
    assert limits.sent == 1


def test_concurrent_requests_keep_to_the_budget_and_the_rate():
    """--concurrency: the pages of a walk go out together, each counted and spaced by the one shared Limits."""
    import time

    data = load_dataset(default_dataset_path("tenant-key"), "tenant-key")
    chat, key = data.roles["populated"], data.tenants["primary"]
    calls = [(chat, {"offset": 10 * i, "limit": 10}, key) for i in range(8)]
    with serve() as url:
        limits = Limits(max_requests=100, rate_per_second=20)
        client = Client(url, "X-API-Key", stack.live(limits, 5.0, 1 << 20, "X-API-Key", {}), limits, concurrency=4)
        started = time.monotonic()
        answers = list(client.get_all(calls))
        took = time.monotonic() - started
        assert [a.url.split("offset=")[1].split("&")[0] for a in answers] == [str(10 * i) for i in range(8)]
        assert all(a.status == 200 for a in answers) and client.limits.sent == 8
        assert took >= 7 / 20 * 0.9  # 8 requests at 20/s: 7 intervals, whatever runs at once
        limits = Limits(max_requests=5, rate_per_second=None)
        capped = Client(url, "X-API-Key", stack.live(limits, 5.0, 1 << 20, "X-API-Key", {}), limits, concurrency=4)
        with pytest.raises(BudgetExhausted):
            list(capped.get_all(calls))
        assert capped.limits.sent == 5
        client.close()
        capped.close()


def test_no_request_starts_after_a_signal_stopped_the_run():
    """SIGTERM can land where its KeyboardInterrupt is lost (a garbage collector callback): the next request stops."""
    limits = Limits(max_requests=10, rate_per_second=None)
    limits.acquire()
    limits.interrupted = "stopped by SIGTERM"
    with pytest.raises(Interrupted, match="stopped by SIGTERM"):
        limits.acquire()
    assert limits.sent == 1 and issubclass(Interrupted, KeyboardInterrupt)


# A stop whose traceback holds an entry without a line number, as where SIGTERM lands on an instruction that has none
# (Python 3.11: tb_lineno None): pytest's report of the interrupt cannot format such an entry.
UNNUMBERED = """
import sys, types
from conformance.run import Run

def unnumbered_frame():
    try:
        pass
    except ValueError:
        pass
    return sys._getframe()

interrupt = Run.interrupt

def interrupt_unnumbered(self, signum, frame):
    try:
        interrupt(self, signum, frame)
    except KeyboardInterrupt as stop:
        here = unnumbered_frame()
        lasti = next(2 * i for i, p in enumerate(here.f_code.co_positions()) if p[0] is None)
        raise stop.with_traceback(types.TracebackType(stop.__traceback__, here, lasti, -1))

Run.interrupt = interrupt_unnumbered
"""


@pytest.mark.skipif(sys.version_info < (3, 11), reason="instructions without a line number (co_positions) are Python 3.11's")
def test_a_stop_at_an_instruction_without_a_line_number_still_ends_the_run_as_stopped(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(UNNUMBERED)
    with serve() as url:
        run = run_suite(base_url=url, extra_env={"PYTHONPATH": f"{site}:{ROOT}"}, terminate_after="conformance target:",
                        terminate_delay=0.3)
    assert run.terminated_at is not None, "SIGTERM was never sent"
    assert run.returncode == 2 and "INTERNALERROR" not in run.output, run.output[-2000:]
    assert run.report["complete"] is False and "SIGTERM" in run.report["summary"], run.report.get("summary")
