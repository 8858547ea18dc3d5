"""python -m reference [--host 127.0.0.1] [--port 8000] [--profile P] [--dataset PATH] [--chat-size N] [--mutant NAME]
[--variation NAME] [--latency MS]"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from conformance.dataset import DatasetError, load_dataset
from conformance.profiles import PROFILES, default_dataset_path
from reference.app import create_app
from reference.huge import with_chat_of
from reference.serve import start_in_thread, with_latency
from reference.variants import UnknownSwitch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reference", description="Serve the reference implementation of the chat messages API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port (printed on start)")
    parser.add_argument("--profile", choices=PROFILES, default="tenant-key")
    parser.add_argument("--dataset", type=Path, help="default: the profile's dataset in conformance/data")
    parser.add_argument("--chat-size", type=int, metavar="N",
                        help="grow the dataset's populated chat to N messages (a chat too large to walk whole, for "
                             "discovery mode: the suite's dataset no longer matches it)")
    parser.add_argument("--mutant", help="serve with this one defect (see reference/mutants.yaml)")
    parser.add_argument("--variation", help="serve with this allowed difference (see reference/variations.yaml)")
    parser.add_argument("--latency", type=float, default=0, metavar="MS",
                        help="answer each request MS milliseconds late, as a deployment across a network does")
    args = parser.parse_args(argv)

    dataset_path = args.dataset or default_dataset_path(args.profile)
    try:
        dataset = load_dataset(dataset_path, args.profile)
        if args.chat_size:
            dataset = with_chat_of(dataset, args.chat_size)
        app = create_app(dataset, args.profile, args.mutant, args.variation)
        if args.latency > 0:
            app = with_latency(app, args.latency / 1000)
    except (DatasetError, UnknownSwitch) as exc:
        print(f"python -m reference: {exc}", file=sys.stderr)
        return 2
    try:
        running = start_in_thread(app, args.host, args.port)
    except OSError as exc:
        print(f"python -m reference: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"serving {args.profile} on {running.url} (dataset {dataset_path})", flush=True)

    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    while not stopping.wait(0.5):
        if not running.thread.is_alive():
            print("python -m reference: the server stopped unexpectedly", file=sys.stderr)
            return 1
    running.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
