"""Keys are masked in every form a target may echo them in."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import quote, quote_plus

import pytest

from conformance.masking import MASK, Redactor

KEYS = ["sk_live_4f9c2e7a1b", "Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl", "key/with+plus=and spaces&é"]
ENCODERS = {
    "raw": lambda k: k,
    "percent": lambda k: quote(k, safe=""),
    "percent-plus": lambda k: quote_plus(k),
    "base64": lambda k: base64.b64encode(k.encode()).decode(),
    "base64 unpadded": lambda k: base64.b64encode(k.encode()).decode().rstrip("="),
    "base64url": lambda k: base64.urlsafe_b64encode(k.encode()).decode(),
    "base64url unpadded": lambda k: base64.urlsafe_b64encode(k.encode()).decode().rstrip("="),
    "hex": lambda k: binascii.hexlify(k.encode()).decode(),
    "HEX": lambda k: binascii.hexlify(k.encode()).decode().upper(),
}


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("encoding", ENCODERS)
def test_every_usual_encoding_of_a_key_is_masked(key, encoding):
    redactor = Redactor()
    redactor.add(key)
    echoed = ENCODERS[encoding](key)
    text = f'{{"error": "invalid key", "received": "{echoed}"}}'
    scrubbed = redactor.scrub(text)
    assert echoed not in scrubbed and MASK in scrubbed
    assert scrubbed.startswith('{"error": "invalid key"')


def test_text_without_a_key_is_left_alone():
    redactor = Redactor()
    redactor.add("sk_live_4f9c2e7a1b")
    text = '{"detail": "Chat not found", "id": "b70c7957-0326-40ba-aec0-850c66ef48b0"}'
    assert redactor.scrub(text) == text
