"""Wiring only: the suite's pytest plugin, for runs from a checkout where the package is not installed.

Installed (pip install .), the plugin is found through its pytest11 entry point under the same name,
so pytest does not load it twice.
"""

pytest_plugins = ["conformance.plugin"]
