"""Wiring only: the kill matrix printed after the self-test, and how its tests are shared between workers."""

from kill_matrix import KillMatrix


def pytest_configure(config):
    """`-n N` shares the tests by work stealing: xdist's default (`--dist load`) hands each worker its queue
    up front, and a worker left with a queue of whole-suite runs works alone while the other waits (4 of the 9
    minutes of one self-test). An explicit `--dist` (or `-d`) is kept."""
    args = config.invocation_params.args
    chosen = getattr(config.option, "distload", False) or any(str(a).startswith("--dist") for a in args)
    if getattr(config.option, "numprocesses", None) and config.option.dist == "load" and not chosen:
        config.option.dist = "worksteal"  # read when the session starts, after every pytest_configure
    config.pluginmanager.register(KillMatrix(), "kill-matrix")
