"""Wall time and request count of default suite runs against the reference server (a benchmark, not a test).

    python scripts/benchmark.py [--runs 3] [--profile tenant-key|org-token] [extra pytest args...]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", default="tenant-key")
    args, extra = parser.parse_known_args()
    walls, counts = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "conformance"), "-q", "-p", "no:cacheprovider",
                              "--profile", args.profile, *extra], cwd=ROOT, capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        sent = re.search(r"requests sent: (\d+)", run.stdout)
        counts.append(int(sent.group(1)) if sent else -1)
        print(f"run {len(walls)}: exit {run.returncode}, {walls[-1]:.2f} s wall, {counts[-1]} requests")
    print(f"{args.profile}: median {statistics.median(walls):.2f} s wall, {max(counts)} requests per run "
          f"(embedded reference server, {args.runs} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
