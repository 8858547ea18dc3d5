"""Bodies are decoded within the size bound: in memory, not only in the verdict."""

from __future__ import annotations

import gzip
import resource
import zlib

import pytest

from conformance.transport.decoding import BodyError, BodyTooLarge, read_body

PAGE = b'{"messages": [], "total": 0, "offset": 0, "limit": 50, "has_more": false}'


def chunks(data: bytes, size: int = 65536) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(("encoding", "encode"), [
    ("", lambda b: b),
    ("identity", lambda b: b),
    ("gzip", gzip.compress),
    ("x-gzip", gzip.compress),
    ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
    ("deflate", raw_deflate),  # raw, as some servers send it
    ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
    ("GZIP", gzip.compress),
])
def test_the_body_is_decoded_as_its_content_encoding_says(encoding, encode):
    assert read_body(chunks(encode(PAGE * 100)), encoding, 1 << 20) == PAGE * 100


def test_concatenated_gzip_members_are_one_body():
    assert read_body(chunks(gzip.compress(PAGE) + gzip.compress(PAGE)), "gzip", 1 << 20) == PAGE * 2


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress"])
def test_a_coding_not_asked_for_is_refused(encoding):
    with pytest.raises(BodyError, match="not one the suite asked for"):
        read_body([PAGE], encoding, 1 << 20)


def test_corrupt_gzip_is_refused():
    with pytest.raises(BodyError, match="not valid gzip data"):
        read_body([b"\x1f\x8b\x08\x00garbage"], "gzip", 1 << 20)


def test_a_plain_body_over_the_bound_is_refused():
    with pytest.raises(BodyTooLarge, match="larger than 1000 bytes; stopped reading"):
        read_body(chunks(b"x" * 5000, 100), "", 1000)


def test_a_gzip_bomb_stops_at_the_bound_without_inflating_it():
    """256 MiB of zeros in about 250 KB: reading it must not take more than a few MiB of memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1 << 20)
    bomb = b"".join(compressor.compress(block) for _ in range(256)) + compressor.flush()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(BodyTooLarge, match="once gzip-decoded"):
        read_body(chunks(bomb), "gzip", 8 * 1024 * 1024)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024  # Linux: KiB
    assert grown_mib < 64, f"peak memory grew by {grown_mib:.0f} MiB"
