"""Wall time and request count of default suite runs against the reference server (a benchmark, not a test).

    python scripts/benchmark.py [--runs 3] [--profile tenant-key|org-token] [--chat-size 50000] [--latency 50]
                                [extra pytest args...]

A default run against the embedded reference server (dataset mode); with --chat-size N (tenant-key), also a
discovery-mode run against the reference server with its populated chat grown to N messages (python -m reference
--chat-size N). The issue's targets are printed beside the figures: at most 300 requests for a default tenant-key run,
at most 1,000 for discovery mode on a 50,000-message chat. With --latency MS, against the reference server answering
each request MS milliseconds late: the suite's default run and a plain `schemathesis run` of the same spec on the same
server, alternated, with the requests each sent (counted by the server); the target is the suite no slower.
"""

from __future__ import annotations

import argparse
import re
import statistics
import shutil
import subprocess
import tempfile
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {("tenant-key", "dataset"): 300, ("tenant-key", "discovery"): 1000}


def measure(label: str, runs: int, args: list[str], target: int | None) -> None:
    walls, counts = [], []
    for _ in range(runs):
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "conformance"), "-q", "-p", "no:cacheprovider",
                              *args], cwd=ROOT, capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        sent = re.search(r"requests sent: (\d+)", run.stdout)
        counts.append(int(sent.group(1)) if sent else -1)
        print(f"run {len(walls)}: exit {run.returncode}, {walls[-1]:.2f} s wall, {counts[-1]} requests")
    aim = f"; target ≤ {target}: {'met' if 0 <= max(counts) <= target else 'NOT met'}" if target else ""
    print(f"{label}: median {statistics.median(walls):.2f} s wall, {max(counts)} requests per run ({runs} runs{aim})")


def side_by_side(profile: str, runs: int, latency_ms: float, extra: list[str]) -> None:
    """The suite and a plain `schemathesis run` against one reference server with latency, alternated."""
    sys.path.insert(0, str(ROOT))
    from conformance.dataset import load_dataset
    from conformance.profiles import BY_NAME, default_dataset_path
    from reference.app import create_app
    from reference.serve import start_in_thread, with_latency

    data = load_dataset(default_dataset_path(profile), profile)
    app = create_app(data, profile)
    served = [0]

    async def counted(scope, receive, send):  # noqa: ANN001 - an ASGI app
        served[0] += scope["type"] == "http"
        await app(scope, receive, send)

    running = start_in_thread(with_latency(counted, latency_ms / 1000))
    spec = BY_NAME[profile].spec_path
    commands = {
        "suite": [sys.executable, "-m", "pytest", str(ROOT / "conformance"), "-q", "-p", "no:cacheprovider",
                  "--profile", profile, "--base-url", running.url, *extra],
        "schemathesis run": [sys.executable, "-m", "schemathesis.cli", "run", str(spec), "--url", running.url,
                             "--header", f"{BY_NAME[profile].auth_header}: {data.tenants['primary']}"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    sent: dict[str, list[int]] = {name: [] for name in commands}
    scratch = tempfile.mkdtemp(prefix="benchmark-")  # schemathesis run writes its cache into the current directory
    try:
        for _ in range(runs):
            for name, command in commands.items():
                before, started = served[0], time.perf_counter()
                run = subprocess.run(command, cwd=scratch, capture_output=True, text=True)
                times[name].append(time.perf_counter() - started)
                sent[name].append(served[0] - before)
                print(f"{name}: exit {run.returncode}, {times[name][-1]:.2f} s wall, {sent[name][-1]} requests")
    finally:
        running.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    suite, plain = (statistics.median(times[name]) for name in commands)
    print(f"{profile} with {latency_ms:g} ms per answer: suite median {suite:.2f} s ({max(sent['suite'])} requests), "
          f"schemathesis run median {plain:.2f} s ({max(sent['schemathesis run'])} requests); ratio "
          f"{suite / plain:.2f} (target ≤ 1: {'met' if suite <= plain else 'NOT met'})")


def discovery_args(profile: str) -> list[str]:
    from conformance.dataset import load_dataset
    from conformance.profiles import default_dataset_path

    data = load_dataset(default_dataset_path(profile), profile)
    return ["--no-dataset", "--api-key", data.tenants["primary"], "--foreign-api-key", data.tenants["foreign"],
            "--chat-id", str(data.roles["populated"]), "--empty-chat-id", str(data.roles["empty"]),
            "--foreign-chat-id", str(data.roles["foreign"])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", default="tenant-key")
    parser.add_argument("--chat-size", type=int, help="also a discovery-mode run on a chat of this many messages")
    parser.add_argument("--latency", type=float, metavar="MS",
                        help="also the suite and a plain schemathesis run, side by side, with MS ms per answer")
    args, extra = parser.parse_known_args()
    measure(f"{args.profile} (embedded reference server, dataset mode)", args.runs,
            ["--profile", args.profile, *extra], TARGETS.get((args.profile, "dataset")))
    if args.chat_size:
        sys.path.insert(0, str(ROOT))
        server = subprocess.Popen([sys.executable, "-m", "reference", "--port", "0", "--profile", args.profile,
                                   "--chat-size", str(args.chat_size)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            url = re.search(r"on (http://\S+)", server.stdout.readline()).group(1)
            measure(f"{args.profile} (a chat of {args.chat_size} messages, discovery mode)", args.runs,
                    ["--profile", args.profile, "--base-url", url, *discovery_args(args.profile), *extra],
                    TARGETS.get((args.profile, "discovery")) if args.chat_size >= 50_000 else None)
        finally:
            server.terminate()
            server.wait(10)
    if args.latency:
        side_by_side(args.profile, args.runs, args.latency, extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
