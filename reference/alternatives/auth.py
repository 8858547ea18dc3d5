"""Variations of who may read what: how a token is checked."""

from __future__ import annotations

from typing import Any

from reference import tokens
from reference.store import Store
from reference.variants import patch


def organisation(store: Store, claims: dict[str, Any] | None) -> str | None:
    """The organisation a token's claims name, if there is one ("Org ID not found": none)."""
    org = claims.get("org_id") if claims else None
    return store._first("SELECT name FROM tenants WHERE name = :org", {"org": org}) if isinstance(org, str) else None


@patch("org-jwt", replaces=Store.tenant_with_key)
def tenant_of_verified_jwt(self: Store, key: str | None) -> str | None:
    # Stateless: the token's HS256 signature under the server's secret, then the organisation it names.
    return organisation(self, tokens.verified(key))
