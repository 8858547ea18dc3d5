"""Fixtures of the tenant-key checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conformance.client import Client
from conformance.target import Target
from conformance.tenant_key.pages import Walk, walk


@pytest.fixture(scope="session")
def walks(client: Client, target: Target) -> Callable[..., Walk]:
    """walks(size, order, chat_id=target.chat_id, key=target.api_key): a walk, read once per session."""
    cache: dict[tuple[Any, ...], Walk] = {}

    def get(size: int, order: str, chat_id: Any = None, key: str | None = None) -> Walk:
        chat_id = target.chat_id if chat_id is None else chat_id
        key = target.api_key if key is None else key
        cache_key = (chat_id, key, size, order)
        if cache_key not in cache:
            cache[cache_key] = walk(client, chat_id, key, size, order)
        return cache[cache_key]

    return get


@pytest.fixture
def own_chat(need: Callable[..., None]) -> None:
    """Skip unless a key and a chat of its tenant are known."""
    need("api_key", "chat_id")
