"""Mutants: broken versions of the reference server's steps, a module per area.

Each is registered under its name in `reference/mutants.yaml` by `@patch` (see `reference/variants.py`).
"""
