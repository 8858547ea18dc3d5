"""Wiring only: fixtures of the tenant-key checks."""

from conformance.tenant_key.fixtures import own_chat, walks  # noqa: F401
