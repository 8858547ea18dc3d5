"""Wall time and request count of default suite runs against the reference server (a benchmark, not a test).

    python scripts/benchmark.py [--runs 3] [--profile tenant-key|org-token] [--chat-size 50000] [--latency 50]
                                [extra pytest args...]

A default run against the embedded reference server (dataset mode); with --chat-size N (tenant-key), also a
discovery-mode run against the reference server with its populated chat grown to N messages (python -m reference
--chat-size N). The issue's targets are printed beside the figures: at most 300 requests for a default tenant-key run,
at most 1,000 for discovery mode on a 50,000-message chat. With --latency MS, against the reference server answering
each request MS milliseconds late: the suite's default run and a plain `schemathesis run` of the same spec on the same
server, alternated, with the requests each sent (counted by the server); the target is the suite no slower.

With --passive PAGES (and no run of the suite unless asked with --runs): passive judging of a generated capture of the
docs' pagination loop (scripts/generate_capture.py, pages of 100) of at least PAGES pages, as a HAR file and as NDJSON,
side by side with merely parsing the same file with the standard library (the file, then every body): wall time and
peak RSS of each, in processes of their own, and --jobs 2 (--repeat K: each K times in turn, the fastest of each
compared). Targets: judging within 3x the parse, memory bounded by what is open rather than by the file (300 MB for
a 1 GB capture).
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


PARSE = """
import json, resource, sys, time
started = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as handle:
    if sys.argv[2] == "ndjson":
        entries = [json.loads(line) for line in handle]
    else:
        entries = json.load(handle)["log"]["entries"]
for item in entries:
    json.loads(item["response"]["content"]["text"])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024}))
"""
JUDGE = """
import json, resource, sys, time
from conformance import evidence
from conformance.profiles import profile
started, imported = time.perf_counter(), time.process_time()  # the suite's import (about a second) is not judging
tenant_key = profile("tenant-key")
capture = evidence.judge_source(evidence.source_of(sys.argv[1]), tenant_key, tenant_key.auth_header,
                                jobs=int(sys.argv[3]))
failed = sorted(i for i, v in capture.verdicts.items() if v.broken)
usage, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - started, "judged": capture.judged, "failed": failed,
                  "cpu": usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime - imported,
                  "rss_mb": max(usage.ru_maxrss, children.ru_maxrss) / 1024}))
"""


def passive(pages: int, repeat: int = 1) -> None:
    """Judging a generated capture beside parsing it, as HAR and NDJSON, one process and --jobs 2; with repeat > 1,
    each of them that many times, in turn (a machine's pace drifts by several percent from minute to minute), and
    the fastest of each compared."""
    import json

    sys.path.insert(0, str(ROOT / "scripts"))
    from generate_capture import write

    chats = max(1, -(-pages // 100))  # chats of 10,000 messages: 100 pages each
    scratch = Path(tempfile.mkdtemp(prefix="benchmark-capture-"))
    try:
        for form in ("har", "ndjson"):
            path = scratch / f"capture.{form}"
            with path.open("w", encoding="utf-8") as out:
                written = write(out, chats, 10_000, ndjson=form == "ndjson")
            size = path.stat().st_size / 1e6
            runs: dict[str, list[dict]] = {}
            kinds = (("parse (json)", PARSE, "1"), ("judge", JUDGE, "1"), ("judge --jobs 2", JUDGE, "2"))
            for _ in range(repeat):
                for name, code, jobs in kinds:
                    run = subprocess.run([sys.executable, "-c", code, str(path), form, jobs], cwd=ROOT,
                                         capture_output=True, text=True)
                    if run.returncode:
                        print(run.stderr[-2000:])
                        raise SystemExit(f"{name} failed")
                    runs.setdefault(name, []).append(json.loads(run.stdout.strip().splitlines()[-1]))
                    last = runs[name][-1]
                    print(f"{form}, {written} pages, {size:.0f} MB: {name}: {last['seconds']:.1f} s wall, "
                          f"{last['cpu']:.1f} s CPU, peak RSS {last['rss_mb']:.0f} MB"
                          + (f", failed {last['failed'] or 'none'}" if "failed" in last else ""))
            best = {name: min(measured, key=lambda r: r["cpu"]) for name, measured in runs.items()}
            parse = best["parse (json)"]
            for name in ("judge", "judge --jobs 2"):
                wall, cpu = best[name]["seconds"] / parse["seconds"], best[name]["cpu"] / parse["cpu"]
                print(f"{form}: {name} / parse = {wall:.1f}x wall, {cpu:.1f}x CPU "
                      f"{f'(the fastest of {repeat} each) ' if repeat > 1 else ''}"
                      f"(target ≤ 3x: {'met' if wall <= 3 else 'NOT met'})")
            path.unlink()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def discovery_args(profile: str) -> list[str]:
    from conformance.dataset import load_dataset
    from conformance.profiles import default_dataset_path

    data = load_dataset(default_dataset_path(profile), profile)
    return ["--no-dataset", "--api-key", data.tenants["primary"], "--foreign-api-key", data.tenants["foreign"],
            "--chat-id", str(data.roles["populated"]), "--empty-chat-id", str(data.roles["empty"]),
            "--foreign-chat-id", str(data.roles["foreign"])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, help="runs of the suite (default 3; 0 with --passive)")
    parser.add_argument("--profile", default="tenant-key")
    parser.add_argument("--chat-size", type=int, help="also a discovery-mode run on a chat of this many messages")
    parser.add_argument("--latency", type=float, metavar="MS",
                        help="also the suite and a plain schemathesis run, side by side, with MS ms per answer")
    parser.add_argument("--passive", type=int, metavar="PAGES",
                        help="passive judging of a generated capture of PAGES pages, beside parsing it")
    parser.add_argument("--repeat", type=int, default=1, metavar="K",
                        help="with --passive: each measure K times in turn, the fastest of each compared")
    args, extra = parser.parse_known_args()
    if args.runs is None:
        args.runs = 0 if args.passive else 3
    if args.passive:
        passive(args.passive, max(1, args.repeat))
    if args.runs:
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
