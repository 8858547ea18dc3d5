"""Rules of authentication and tenancy: who may read which chat, and what the others are told."""

from __future__ import annotations

from collections.abc import Sequence

from conformance.rules.reading import expect_status
from conformance.rules.registry import rule


@rule("AUTH-MISSING-401", "ORG-AUTH-MISSING-401")
def missing_key_401(status: int, what: str = "no key", allowed: Sequence[int] = (401,)) -> None:
    expect_status(status, allowed, what)


@rule("AUTH-INVALID-401", "ORG-AUTH-INVALID-401")
def invalid_key_401(status: int, what: str = "a key that is no tenant's") -> None:
    expect_status(status, [401], what)


@rule("AUTH-KEY-EXACT", "ORG-AUTH-INVALID-401")
def near_miss_401(status: int, what: str) -> None:
    """A key that differs from a valid one in the least way is no key."""
    expect_status(status, [401], what)


@rule("AUTH-FOREIGN-404", "ORG-AUTH-FOREIGN-403")
def foreign_refused(status: int, refused_with: int, what: str) -> None:
    """Another tenant's chat is refused with the profile's status (tenant-key 404, org-token 403)."""
    expect_status(status, [refused_with], what)


@rule("AUTH-BEFORE-LOOKUP", "ORG-AUTH-BEFORE-LOOKUP")
def key_before_lookup(status: int, what: str) -> None:
    expect_status(status, [401], what)


@rule("AUTH-PARAM-PRECEDENCE")
def key_or_parameter_refused(status: int, what: str) -> None:
    expect_status(status, [400, 401], what)
