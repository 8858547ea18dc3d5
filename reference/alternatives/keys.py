"""Variations of matching a key."""

from __future__ import annotations

from reference.store import Store
from reference.variants import patch, returns

# A case-insensitive collation (MySQL's default *_ci, SQL Server's CI_AS): the key is matched in any letter case.
patch("key-case-insensitive-ci", replaces=Store.key_match)(returns("api_key = :key COLLATE NOCASE"))
