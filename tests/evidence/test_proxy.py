"""conformance/evidence/proxy.py: mitmproxy in front of the reference server (and of a mutant) judges the docs'
pagination loop as it passes, and writes a passive run's reports when it stops and on SIGUSR1, no key in them.

mitmproxy pins versions of h11 that the suite's HTTP client cannot use: it runs from an environment of its own,
.venv-mitmproxy beside the checkout (.ci/run makes it; docs/captured-traffic.md says how)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from harness import ROOT, serve, shipped_dataset

MITMDUMP = ROOT / ".venv-mitmproxy" / "bin" / "mitmdump"
pytestmark = pytest.mark.skipif(not MITMDUMP.exists(), reason=f"mitmproxy's own environment is absent ({MITMDUMP}): "
                                "python3 -m venv .venv-mitmproxy && .venv-mitmproxy/bin/pip install mitmproxy "
                                "pyyaml orjson jsonschema jsonschema-rs ijson ahocorasick-rs xxhash && "
                                ".venv-mitmproxy/bin/pip install --no-deps -e . (as .ci/run does)")


def addon_path() -> str:
    return subprocess.run([sys.executable, "-m", "conformance", "addon-path"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()


def docs_loop(base_url: str, key: str, chat: str) -> int:
    """Seed 003's client: pages of 100 in asc order, offset += messages.length while has_more."""
    offset, has_more, pages = 0, True, 0
    with httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=30) as client:
        while has_more:
            page = client.get(f"/api/v1/chats/{chat}/messages",
                              params={"offset": offset, "limit": 100, "order": "asc"}).json()
            offset, has_more, pages = offset + len(page["messages"]), page["has_more"], pages + 1
    return pages


def through_proxy(upstream: str, report: Path, signal_first: bool = False) -> tuple[dict, str]:
    """mitmdump with the add-on in front of `upstream`, the docs' loop through it, then stopped (SIGINT): the
    report it wrote, and everything it printed."""
    data = shipped_dataset("tenant-key")
    proc = subprocess.Popen([str(MITMDUMP), "-s", addon_path(), "--mode", f"reverse:{upstream}", "--listen-host",
                             "127.0.0.1", "--listen-port", "0", "--set", f"conformance_report={report}",
                             "--set", f"confdir={report.parent / 'mitmproxy'}"],  # its CA files: not in $HOME
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    printed = []
    try:
        for line in proc.stdout:  # type: ignore[union-attr]
            printed.append(line)
            listening = re.search(r"listening at (127\.0\.0\.1:\d+)", line)
            if listening:
                break
        else:
            raise AssertionError("mitmdump did not start:\n" + "".join(printed))
        assert docs_loop(f"http://{listening[1]}", data.tenants["primary"], data.roles["populated"]) >= 2
        if signal_first:
            proc.send_signal(signal.SIGUSR1)
            deadline = time.monotonic() + 30
            while not (report / "report.json").exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert (report / "report.json").exists(), "no report on SIGUSR1"
            (report / "report.json").unlink()
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
        printed.append(rest)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return json.loads((report / "report.json").read_text(encoding="utf-8")), "".join(printed)


def statuses(report: dict) -> dict[str, str]:
    return {r["id"]: r["status"] for r in report["requirements"]}


def test_the_reference_passes_through_the_proxy_and_no_key_is_written(tmp_path: Path):
    with serve() as url:
        report, printed = through_proxy(url, tmp_path / "report", signal_first=True)
    assert report["mode"] == "passive" and report["passed_gate"], report["summary"]
    assert report["har"]["judged"] >= 2
    assert statuses(report)["PAGE-TOTAL"] == "pass" and "fail" not in statuses(report).values()
    key = shipped_dataset("tenant-key").tenants["primary"]
    for path in (tmp_path / "report").iterdir():
        assert key not in path.read_text(encoding="utf-8"), path.name
    assert key not in printed


def test_a_mutant_fails_through_the_proxy_under_its_id(tmp_path: Path):
    with serve(mutant="offset-echo-next") as url:
        report, _ = through_proxy(url, tmp_path / "report")
    assert not report["passed_gate"]
    failed = {req_id for req_id, status in statuses(report).items() if status == "fail"}
    assert failed == {"PAGE-OFFSET-ECHO"}, report["summary"]
