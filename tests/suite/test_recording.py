"""--record and --from-har: a run written as HAR 1.2 without its keys, and replayed offline to the same verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance import har
from conformance.dataset import load_dataset
from conformance.forgeries import FORGERIES
from conformance.masking import encodings
from conformance.near_misses import NEAR_MISSES, OTHER_CASE
from conformance.profiles import default_dataset_path
from harness import run_suite, serve

# ------------------------------------------------------------------ runs

def keys(profile: str) -> dict[str, str]:
    data = load_dataset(default_dataset_path(profile), profile)
    return {"primary": data.tenants["primary"], "foreign": data.tenants["foreign"]}


def recorded(profile: str, mutant: str | None, tmp_path: Path, *args: str):
    """A run against the reference server (or a mutant) with --record; the server is stopped after it."""
    with serve(profile, mutant=mutant) as url:
        run = run_suite("--profile", profile, "--record", "run.har", *args, base_url=url)
    assert "run.har" in run.files, run.output[-3000:]
    path = tmp_path / f"{mutant or 'reference'}-{profile}.har"
    path.write_bytes(run.files["run.har"])
    return run, path


@pytest.mark.slow
@pytest.mark.parametrize("profile, mutant, args", [
    ("tenant-key", None, ()),
    ("tenant-key", "has-more-off-by-one", ()),
    ("tenant-key", "insertion-order", ()),
    ("tenant-key", "missing-key-422", ()),
    ("tenant-key", "content-truncated", ()),
    ("tenant-key", "limit-non-integer-500", ()),
    ("tenant-key", "stack-trace", ()),
    ("tenant-key", "hang", ("--request-timeout", "0.5")),
    ("org-token", None, ()),
    ("org-token", "org-foreign-chat-404", ()),
    ("org-token", "org-token-count-string", ()),
])
def test_a_replay_reproduces_the_recorded_verdicts(profile, mutant, args, tmp_path):
    live, path = recorded(profile, mutant, tmp_path, *args)
    # A mutant's run fails (exit 1), or only warns (exit 0) when all it breaks is a SHOULD.
    assert live.returncode in ((0,) if mutant is None else (0, 1)), live.output[-3000:]
    assert bool(live.failed()) == (mutant is not None), live.output[-3000:]
    replay = run_suite("--profile", profile, "--from-har", str(path), *args)
    assert replay.returncode == live.returncode, replay.output[-3000:]
    assert replay.failed() == live.failed()
    assert replay.report["har"] == {"replayed": str(path)}
    assert "replayed from" in replay.output
    entries = {e["_id"] for e in json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]}
    for requirement in live.report["requirements"]:
        if requirement["status"] == "fail":  # each failure names the entries that show it, and they exist
            assert requirement["har_entries"] and set(requirement["har_entries"]) <= entries, requirement
            assert "HAR entries" in live.files["report/report.md"].decode()
    if mutant is not None:
        assert replay.statuses() == live.statuses()


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["tenant-key", "org-token"])
def test_no_key_reaches_the_recording(profile, tmp_path):
    """Every byte of the HAR file searched for both keys, their near misses, and every encoding of them."""
    mutant = "stack-trace" if profile == "tenant-key" else "org-error-code-int"
    env = {"CONFORMANCE_API_KEY": keys(profile)["primary"], "CONFORMANCE_FOREIGN_API_KEY": keys(profile)["foreign"]}
    with serve(profile, mutant=mutant) as url:
        run = run_suite("--profile", profile, "--record", "run.har", base_url=url, extra_env=env)
    data = run.files["run.har"]
    entries = json.loads(data)["log"]["entries"]
    labels = {e["_auth"] for e in entries}
    assert {"<primary key>", "<foreign key>", "<near miss: truncated>"} <= labels, labels
    if profile == "org-token":  # its tokens are JWTs: the forged ones are labelled, never written
        assert {f"<forged: {how}>" for how in FORGERIES} <= labels, labels
    for name, key in keys(profile).items():
        for secret in (key, *(change(key) for change in (*NEAR_MISSES.values(), OTHER_CASE))):
            for form in encodings(secret):
                assert form.encode() not in data, f"a form of the {name} key (or a near miss) is in the HAR file"


@pytest.mark.slow
def test_with_two_workers_one_file_holds_every_worker_s_entries_and_replays(tmp_path):
    live, path = recorded("tenant-key", "has-more-off-by-one", tmp_path, "-n", "2")
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    processes = {e["_id"].rsplit("-", 1)[0] for e in entries}
    assert {"main", "gw0", "gw1"} <= processes, processes
    started = [e["startedDateTime"] for e in entries]
    assert started == sorted(started)
    replay = run_suite("--from-har", str(path), "-n", "2")
    assert (replay.returncode, replay.failed()) == (live.returncode, live.failed()) == (1, {"PAGE-HAS-MORE"})


@pytest.mark.slow
def test_a_stopped_run_writes_what_it_sent(tmp_path):
    live, path = recorded("tenant-key", None, tmp_path, "--max-requests", "40")
    assert live.returncode == 2
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    assert 30 <= len(entries) <= 40


@pytest.mark.slow
def test_sigterm_still_writes_the_recording(tmp_path):
    with serve() as url:
        run = run_suite("--record", "run.har", base_url=url,
                        terminate_after="conformance target:", terminate_delay=1.0)
    assert run.returncode == 2, run.output[-2000:]
    assert json.loads(run.files["run.har"])["log"]["entries"]


BLOCK_SOCKETS = '''
import socket
class NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        raise OSError("the replay opened a socket")
socket.socket = NoSocket
def refuse(*args, **kwargs):
    raise OSError("the replay opened a socket")
socket.create_connection = refuse
socket.socketpair = refuse
'''


@pytest.mark.slow
def test_a_replay_opens_no_socket(tmp_path):
    live, path = recorded("tenant-key", "insertion-order", tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCK_SOCKETS)
    from harness import ROOT
    replay = run_suite("--from-har", str(path), extra_env={"PYTHONPATH": f"{site}:{ROOT}"})
    assert (replay.returncode, replay.failed()) == (live.returncode, live.failed()), replay.output[-3000:]
    assert "the replay opened a socket" not in replay.output
    blocked = run_suite(extra_env={"PYTHONPATH": f"{site}:{ROOT}"}, timeout=60)  # the check itself works
    assert blocked.returncode != 0


def test_usage_errors_are_one_line_and_exit_4(tmp_path):
    bad = tmp_path / "bad.har"
    bad.write_text('{"log": {"version": "1.2", "entries": [1]}}')
    raw = tmp_path / "raw.har"
    raw.write_text('{"log": {"version": "1.2", "entries": []}}')
    item = har.entry(entry_id="main-1", started_at=0, seconds=0, url="http://127.0.0.1:9/x", request_headers=[],
                     auth=None, status=200, response_headers=[], body=b"")
    org, discovery = tmp_path / "org.har", tmp_path / "discovery.har"
    org.write_text(har.document_head({"profile": "org-token", "mode": "dataset"}, "0") + json.dumps(item) + har.DOCUMENT_TAIL)
    discovery.write_text(har.document_head({"profile": "tenant-key", "mode": "discovery"}, "0") + json.dumps(item)
                         + har.DOCUMENT_TAIL)
    cases = [
        (("--record", str(tmp_path / "no" / "such" / "dir" / "run.har")), "--record / CONFORMANCE_RECORD: cannot write"),
        (("--record", str(tmp_path)), "cannot write a HAR file"),
        (("--from-har", str(tmp_path / "absent.har")), "--from-har / CONFORMANCE_FROM_HAR: cannot read"),
        (("--from-har", str(bad)), "entry 0: not an object"),
        (("--from-har", str(raw)), "no exchange of GET /api/v1/chats/{chat_id}/messages to judge"),
        (("--from-har", str(org)), "records a run of profile org-token; replay it with --profile org-token"),
        (("--from-har", str(discovery)), "records a run in discovery mode"),
        (("--from-har", str(bad), "--record", "x.har"), "exclude each other"),
        (("--from-har", str(org), "--profile", "org-token", "--base-url", "http://127.0.0.1:9"), "exclude each other"),
    ]
    for args, says in cases:
        run = run_suite(*args, timeout=60)
        assert run.returncode == 4, (args, run.output[-1500:])
        assert says in run.output and "Traceback" not in run.output, (args, run.output[-1500:])
