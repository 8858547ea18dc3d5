"""Reading an answer's body within a size bound, content codings included.

The bound holds in memory, not only in the verdict: a gzip bomb (1 MB that inflates to 1 GiB) is inflated
piece by piece, each step asked for no more than what is left under the bound.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

# What the suite asks for (Accept-Encoding); anything else in Content-Encoding is the target's fault.
ACCEPTED_CODINGS = "gzip, deflate"


PIECE = 1 << 16  # bytes inflated at a time: small pieces, freed as they go, rather than one the size of the bound


class BodyError(ValueError):
    """The body could not be read within the rules: too large, or in a coding that was not asked for."""


class BodyTooLarge(BodyError):
    pass


def read_body(raw: Iterable[bytes], content_encoding: str, limit: int) -> bytes:
    """The body, decoded, of at most `limit` bytes (BodyTooLarge beyond that; BodyError for a bad coding)."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    chunks: Iterable[bytes] = _capped(raw, limit, "")
    for coding in reversed(codings):  # the last coding applied is the first to undo
        if coding in ("identity",):
            continue
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise BodyError(f"Content-Encoding {content_encoding!r} is not one the suite asked for ({ACCEPTED_CODINGS})")
        chunks = _capped(_inflate(chunks, coding, limit), limit, f" once {coding}-decoded")
    return b"".join(chunks)


def _capped(chunks: Iterable[bytes], limit: int, what: str) -> Iterator[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"response body larger than {limit} bytes{what}; stopped reading")
        yield chunk


def _inflate(chunks: Iterable[bytes], coding: str, limit: int) -> Iterator[bytes]:
    decoder: zlib._Decompress | None = None
    produced = 0
    try:
        for data in chunks:
            while data:
                if decoder is None:
                    decoder = zlib.decompressobj(_wbits(coding, data))
                out = decoder.decompress(data, min(PIECE, limit + 1 - produced))
                produced += len(out)
                if out:
                    yield out
                if produced > limit:
                    return  # _capped around this generator says so
                data = decoder.unconsumed_tail
                if decoder.eof:  # concatenated gzip members: start the next one
                    data, decoder = decoder.unused_data + data, None
        if decoder is not None:
            tail = decoder.flush()
            if tail:
                yield tail
            if not decoder.eof:
                raise BodyError(f"the body is not valid {coding} data (it ends before the end of its stream)")
    except zlib.error as exc:
        raise BodyError(f"the body is not valid {coding} data ({exc})") from None


def _wbits(coding: str, first: bytes) -> int:
    if coding != "deflate":
        return zlib.MAX_WBITS | 16  # gzip
    # "deflate" is meant to be zlib-wrapped, but servers also send raw deflate: tell them apart by the header.
    zlib_wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
    return zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS
