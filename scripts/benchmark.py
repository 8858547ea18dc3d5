"""Wall time and request count of default suite runs against the reference server (a benchmark, not a test).

    python scripts/benchmark.py [--runs 3] [--profile tenant-key|org-token] [--chat-size 50000] [extra pytest args...]

A default run against the embedded reference server (dataset mode); with --chat-size N (tenant-key), also a
discovery-mode run against the reference server with its populated chat grown to N messages (python -m reference
--chat-size N). The issue's targets are printed beside the figures: at most 300 requests for a default tenant-key run,
at most 1,000 for discovery mode on a 50,000-message chat.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
