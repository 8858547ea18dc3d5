"""Tokens forged from a JWT without its secret: what anyone who holds one token can build. A server that verifies
its tokens refuses each (seed 002: "Unauthorized (JWT invalid/missing …)").

The given token may carry a scheme (`Bearer <token>`, IMPL-ORG-TOKEN-FORM): the forgery keeps it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable

NOT_A_JWT = ("the token is not a JWT (three base64url parts, the first a JSON header naming its \"alg\"), so no "
             "token can be forged from it")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _header(part: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error):
        return None


def jwt_parts(token: str) -> tuple[str, str, str] | None:
    """(header, payload, signature) as written, when the token is a JWT: three base64url parts, the first a JSON
    object with an "alg"; else None."""
    pieces = token.split(".")
    if len(pieces) != 3 or not all(pieces[:2]):
        return None
    header = _header(pieces[0])
    return (pieces[0], pieces[1], pieces[2]) if isinstance(header, dict) and "alg" in header else None


ALG_NONE = _b64url(json.dumps({"alg": "none", "typ": "JWT"}, separators=(",", ":")).encode())

# how → the forged token from the parts of a JWT
FORGERIES: dict[str, Callable[[str, str, str], str]] = {
    "alg none": lambda header, payload, signature: f"{ALG_NONE}.{payload}.",  # RFC 7519's Unsecured JWT
    "signature stripped": lambda header, payload, signature: f"{header}.{payload}.",
}


def forged(token: str, how: str) -> str | None:
    """The token forged `how` (a key of FORGERIES), scheme kept; None when the token is not a JWT."""
    scheme, space, rest = token.rpartition(" ")
    parts = jwt_parts(rest)
    return None if parts is None else f"{scheme}{space}{FORGERIES[how](*parts)}"
