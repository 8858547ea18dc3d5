"""A process that has imported the suite once and forks a copy of itself for each suite run (`harness.run_suite`).

The self-test runs the suite ~210 times (every mutant, every legitimate server, in each mode); each fresh
`python -m pytest conformance` spends about a second importing pytest, Schemathesis, Hypothesis and the suite
before it sends a request. A fork of this process starts with all of that loaded, and is otherwise the same
run: `pytest.main(args)` in the run's directory, with the run's environment and its output in the run's files.

Started by the harness as `python tests/warm_suite.py`; one line of JSON on stdin per run:
    {"args": [...], "cwd": "...", "env": {...}, "stdout": "...", "stderr": "..."}
answered on stdout by {"pid": N} when the run has started and {"pid": N, "exit": code, "maxrss": KiB} when it has
ended. Runs are one at a time. Only for runs whose environment changes nothing at interpreter start-up (PYTHONPATH
is the harness's own): the harness starts a fresh interpreter for the others.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

# What every suite run imports, loaded once here: the fork inherits it (the plugin imports the suite's modules).
WARM = ("pytest", "xdist", "schemathesis", "hypothesis", "conformance.plugin")


def main() -> None:
    for name in WARM:
        __import__(name)
    warm_caches()
    reply = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    for line in sys.stdin:
        run = json.loads(line)
        pid = os.fork()
        if pid == 0:
            reply.close()  # the harness hears of the run from this process, not from the run
            _child(run)  # never returns
        reply.write(json.dumps({"pid": pid}) + "\n")
        _, status, usage = os.wait4(pid, 0)
        reply.write(json.dumps({"pid": pid, "exit": os.waitstatus_to_exitcode(status), "maxrss": usage.ru_maxrss})
                    + "\n")


def warm_caches() -> None:
    """What every run reads and keeps (each cached by the suite itself): both specs parsed and their schemas compiled,
    the shipped datasets checked. A fork finds them done."""
    from conformance import spec
    from conformance.dataset import load_dataset
    from conformance.profiles import PROFILES, default_dataset_path

    for profile in PROFILES:
        for name in spec.load_spec(profile)["components"]["schemas"]:
            spec.compiled(profile, name)
            spec.validator(profile, name)
        load_dataset(default_dataset_path(profile), profile)
    # Schemathesis's coverage phase draws the invalid values of an enum (`order`) once per process, the same ones
    # every time (a cache of its own): drawn here, a fork finds them drawn. Its name is Schemathesis's, not an API:
    # where it is gone, every run draws them again, as a fresh process does.
    from schemathesis.specs.openapi.coverage import _schema as coverage

    candidates = getattr(coverage, "_invalid_enum_candidates", None)
    if callable(candidates):
        candidates()
    # The strategies of each operation drawn from once, every mode: what Schemathesis and Hypothesis cache of them
    # (canonical schemas, compiled patterns) is there before the fork; what a run draws is its own, derandomized.
    from hypothesis import HealthCheck, find, settings
    from schemathesis.generation import GenerationMode

    from conformance import fuzzing
    from conformance.profiles import BY_NAME

    drawing = settings(max_examples=20, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    for profile in BY_NAME.values():
        for operation in fuzzing.load_schema(profile, fuzzing.FuzzSettings()).get_all_operations():
            for mode in GenerationMode:
                try:
                    find(operation.ok().as_strategy(generation_mode=mode), lambda case: False, settings=drawing)
                except Exception:  # noqa: BLE001 - nothing found, as asked: the drawing is what was wanted
                    pass


def _child(run: dict[str, Any]) -> None:
    code = 1
    try:
        os.chdir(run["cwd"])
        os.environ.clear()
        os.environ.update(run["env"])
        for fd, path in ((1, run["stdout"]), (2, run["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            os.dup2(target, fd)
            os.close(target)
        devnull = os.open(os.devnull, os.O_RDONLY)  # the run's stdin, as the harness gives a fresh one
        os.dup2(devnull, 0)
        os.close(devnull)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        if run["env"].get("PYTHONUNBUFFERED"):  # read at start-up by a fresh interpreter: here, now
            for stream in (sys.stdout, sys.stderr):
                stream.reconfigure(line_buffering=True, write_through=True)  # type: ignore[attr-defined]
        sys.argv = [sys.executable, "-m", "pytest", *run["args"]]
        sys.path[0] = run["cwd"]  # as `python -m pytest` run there has it
        import pytest

        code = int(pytest.main(run["args"]))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001 - reported in the run's stderr, as a crash of the suite would be
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)


if __name__ == "__main__":
    main()
