"""Wiring only: the suite's pytest plugin, loaded when pytest collects this package."""

from conformance.plugin import (  # noqa: F401 - pytest finds hooks and fixtures by name
    client,
    need,
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_configure_node,
    pytest_ignore_collect,
    pytest_runtest_makereport,
    pytest_sessionstart,
    pytest_unconfigure,
    target,
)
