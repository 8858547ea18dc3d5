"""Wiring only: the kill matrix printed after the self-test."""

from kill_matrix import KillMatrix


def pytest_configure(config):
    config.pluginmanager.register(KillMatrix(), "kill-matrix")
