"""Variations: other versions of the reference server's steps that the docs allow, a module per area.

Each is registered under its name in `reference/variations.yaml` by `@patch` (see `reference/variants.py`).
"""
