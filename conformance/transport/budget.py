"""The time a process may spend waiting for a throttling target (--max-throttle-wait) and its tally of waits: plain
data, without the HTTP client, so that the reports (results.py) and passive judging read it without importing httpx."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from time import monotonic

MIN_WAIT = 0.1  # "Retry-After: 0" (or a past date) still waits this long: no tight loop of resends
MAX_WAIT = 60.0  # seconds: the longest single wait; a longer Retry-After (within the total) is waited this long


class ThrottleBudget:
    """The waits of one process: their number, and the wall-clock time spent waiting within --max-throttle-wait.

    Requests in flight together are throttled together: four concurrent waits of 2 s are 2 s of the run, not 8."""

    def __init__(self, max_total: float) -> None:
        self.max_total = max_total
        self.waits = 0
        self.waited = 0.0  # wall-clock seconds covered by at least one wait
        self._covered_until = 0.0  # monotonic time up to which some wait already counts
        self._lock = threading.Lock()

    def take(self, told: float) -> float | None:
        """The seconds to wait now for a target that asked for `told` (at most MAX_WAIT), its time not yet covered
        by another wait counted as waited; None when that is more than what is left of --max-throttle-wait (the
        caller stops the run)."""
        told = max(told, MIN_WAIT)
        with self._lock:
            now = monotonic()
            added = max(0.0, now + told - max(now, self._covered_until))
            if added > self.max_total - self.waited + 1e-9:
                return None  # it cannot be waited out within the cap: no use waiting part of it
            wait = min(told, MAX_WAIT)
            self.waits += 1
            self.waited += max(0.0, now + wait - max(now, self._covered_until))
            self._covered_until = max(self._covered_until, now + wait)
        return wait

    def so_far(self) -> Throttling:
        with self._lock:
            return Throttling(self.waits, self.waited)


@dataclass(frozen=True)
class Throttling:
    """How often and how long a run waited for a throttling target (a process's, or the sum of several)."""

    waits: int = 0
    seconds: float = 0.0

    def __add__(self, other: Throttling) -> Throttling:
        return Throttling(self.waits + other.waits, self.seconds + other.seconds)

    def encode(self) -> str:
        """As a test report's user property (which survives xdist)."""
        return f"{self.waits} {self.seconds:.3f}"

    @classmethod
    def decode(cls, text: str) -> Throttling:
        waits, seconds = text.split()
        return cls(int(waits), float(seconds))

    def describe(self) -> str:
        return f"throttled {self.waits}× ({self.seconds:.0f} s waited)"
