"""Every rule of the catalogue, registered by requirement id (see registry.py); one module per area.

Importing this package checks the registry against the catalogue: every requirement has its rule.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.rules import access, bodies, chats, http, ordering, pagination, params  # noqa: F401
from conformance.rules.registry import REGISTRY, Rule, check_catalogue, ids_of

check_catalogue()


def checks(*rules: Rule) -> Any:
    """Mark a check with the rules it applies: its requirement ids in the run's profile come from them."""
    return pytest.mark.rules(*rules)


__all__ = ["REGISTRY", "Rule", "checks", "ids_of"]
