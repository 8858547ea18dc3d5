"""Near misses of a key differ from it in meaning, not only in characters, and never only in letter case."""

from __future__ import annotations

import base64
import binascii

import pytest

from conformance.near_misses import NEAR_MISSES, OTHER_CASE, one_character_changed

KEYS = ["tk_live_primary_7f3a9c2e", "eyJhbGciOiJIUzI1NiJ9.eyJvcmciOjQyfQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmVh",
        "YWJjZGVmZ2hpamtsbW5vcA", "0123456789abcdef0123456789ABCDEF", "7777777", "ab"]


def decoded(key: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    except (binascii.Error, ValueError):
        return None


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("variant", list(NEAR_MISSES))
def test_every_near_miss_differs_beyond_letter_case(key, variant):
    near = NEAR_MISSES[variant](key)
    assert near != key and near.lower() != key.lower()


@pytest.mark.parametrize("key", ["YWJjZGVmZ2hpamtsbW5vcA", "c2lnbmF0dXJlLWJ5dGVzLWhlcmVh", "QUJDREVGR0g"])
def test_the_changed_character_changes_the_decoded_bytes(key):
    """The last character of unpadded base64url may carry padding bits only: the change is in the middle."""
    assert decoded(key) is not None
    assert decoded(one_character_changed(key)) != decoded(key)


def test_one_character_changed_keeps_the_length_and_changes_one_character():
    key = "tk_live_primary_7f3a9c2e"
    near = one_character_changed(key)
    assert len(near) == len(key) and sum(a != b for a, b in zip(key, near)) == 1


def test_other_case_is_not_a_near_miss_but_its_own_check():
    assert OTHER_CASE("AbC-1") == "aBc-1"
    assert "other letter case" not in NEAR_MISSES
