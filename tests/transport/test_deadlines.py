"""One deadline per request: every socket operation of the block waits at most until it (no socket: a fake stream)."""

from __future__ import annotations

import httpcore
import pytest

from conformance.transport import deadlines
from conformance.transport.deadlines import _Stream, deadline


class Stream(httpcore.NetworkStream):
    """Records the timeout each operation was given."""

    def __init__(self) -> None:
        self.timeouts: list[float | None] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.timeouts.append(timeout)
        return b"x"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.timeouts.append(timeout)

    def close(self) -> None:
        pass


@pytest.fixture
def clock(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(deadlines.time, "monotonic", lambda: now[0])
    return now


def test_outside_a_deadline_each_operation_keeps_its_own_timeout():
    inner = Stream()
    stream = _Stream(inner)
    stream.read(1, 5.0)
    stream.write(b"x", None)
    assert inner.timeouts == [5.0, None]


def test_within_a_deadline_each_operation_waits_at_most_what_is_left_of_it(clock):
    inner = Stream()
    stream = _Stream(inner)
    with deadline(2.0):
        stream.read(1, 5.0)
        clock[0] += 1.5
        stream.read(1, 5.0)
        stream.write(b"x", None)
        stream.read(1, 0.1)  # a shorter timeout of its own stays
        clock[0] += 1.0
        with pytest.raises(httpcore.ReadTimeout, match="deadline passed"):
            stream.read(1, 5.0)
        with pytest.raises(httpcore.WriteTimeout):
            stream.write(b"x", 5.0)
    assert inner.timeouts == [2.0, pytest.approx(0.5), pytest.approx(0.5), 0.1]
    stream.read(1, 5.0)  # the block ended: no deadline any more
    assert inner.timeouts[-1] == 5.0


def test_a_pool_of_deadline_connections_is_built_through_httpcore_s_public_constructor():
    pool = deadlines.connection_pool(max_connections=3)
    assert isinstance(pool, httpcore.ConnectionPool)
    pool.close()
