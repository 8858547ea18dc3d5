"""The org-token dataset's tokens: JWTs (RFC 7519) signed with HS256 under the reference's own secret.

scripts/make_datasets.py issues them; the reference server keeps them as it keeps any token it issued (its table of
organisations, matched whole); the `org-jwt` variation verifies them instead, as a stateless server does. Standard
library only, so that the dataset generator can import it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

SECRET = b"reference-server-hs256-secret-3f9a1c"  # the reference's; a suite never has it
HEADER = {"alg": "HS256", "typ": "JWT"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """RFC 7515's base64url without padding; ValueError for any other text."""
    if "=" in text or len(text) % 4 == 1:
        raise ValueError("not base64url without padding")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature(signing_input: str) -> str:
    return b64url(hmac.new(SECRET, signing_input.encode("ascii"), hashlib.sha256).digest())


def encoded(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def issue(claims: dict[str, Any]) -> str:
    signing_input = f"{encoded(HEADER)}.{encoded(claims)}"
    return f"{signing_input}.{signature(signing_input)}"


def parts(token: str | None) -> tuple[dict[str, Any], dict[str, Any], str] | None:
    """(header, claims, signature as written) of a token of three base64url parts whose first two are JSON objects;
    None for any other text. Nothing is verified."""
    pieces = (token or "").split(".")
    if len(pieces) != 3:
        return None
    try:
        header, claims = (json.loads(unb64url(piece)) for piece in pieces[:2])
    except ValueError:
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims, pieces[2]


def verified(token: str | None) -> dict[str, Any] | None:
    """The claims of a token this server signed: alg HS256 and the signature of its first two parts; else None."""
    read = parts(token)
    if read is None or read[0].get("alg") != HEADER["alg"]:
        return None
    signing_input = token.rpartition(".")[0]  # type: ignore[union-attr]
    return read[1] if hmac.compare_digest(read[2], signature(signing_input)) else None
