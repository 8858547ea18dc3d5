"""A chat too large to walk whole (50,000 messages) gets a verdict in discovery mode, in well under the request cap."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest

from harness import discovery_args, run_suite, shipped_dataset
from reference.app import create_app
from reference.huge import with_chat_of
from reference.serve import start_in_thread

HUGE = 50_000
MAX_REQUESTS = 1_000  # the target; the default cap (--max-requests) is 3,000
MAX_WALL_SECONDS = 180  # generous: about 10 s on an idle machine


@contextlib.contextmanager
def serve_huge(size: int = HUGE) -> Iterator[str]:
    running = start_in_thread(create_app(with_chat_of(shipped_dataset("tenant-key"), size), "tenant-key"))
    try:
        yield running.url
    finally:
        running.stop()


def test_the_huge_chat_is_the_populated_chat_grown():
    grown = with_chat_of(shipped_dataset("tenant-key"), HUGE)
    chat, original = grown.chat("populated"), shipped_dataset("tenant-key").chat("populated")
    assert len(chat.messages) == HUGE and set(m["id"] for m in original.messages) <= set(m["id"] for m in chat.messages)
    assert len({m["id"] for m in chat.messages}) == HUGE
    assert len({m["created_at"] for m in chat.messages}) < HUGE  # ties


@pytest.mark.slow
def test_a_chat_too_large_to_walk_whole_gets_a_verdict_in_windows():
    with serve_huge() as url:
        run = run_suite("--no-dataset", *discovery_args("tenant-key"), base_url=url, timeout=MAX_WALL_SECONDS + 60)
    assert run.returncode == 0 and run.report["complete"], f"{run.report.get('summary')}\n{run.output[-3000:]}"
    sent = int(re.search(r"requests sent: (\d+)", run.output).group(1))
    assert sent <= MAX_REQUESTS, f"{sent} requests for a chat of {HUGE} messages"
    assert run.wall_seconds < MAX_WALL_SECONDS
    partition = next(r for r in run.report["requirements"] if r["id"] == "PAGE-PARTITION")
    assert partition["status"] == "pass"
    assert any("windows of offsets 0–" in n and "not the whole chat" in n for n in partition["notes"])
    assert "not the whole chat" in run.files["report/report.md"].decode()
