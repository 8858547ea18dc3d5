"""The transports a client sends through, built from the run's settings: each a stack of layers, outermost first.

    live:    Throttled → [Recorded] → Resent → Watched → Limited → Live      (the network)
    replay:  Throttled (counts waits, does not wait) → Limited → Replay      (a recording, no socket)
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from conformance.transport.limits import Limited, Limits
from conformance.transport.live import Live
from conformance.transport.recording import Recorded, Recorder
from conformance.transport.replay import Recording, Replay
from conformance.transport.resend import Resent
from conformance.transport.silence import Watched
from conformance.transport.throttling import Throttled


def live(limits: Limits, timeout: float, max_body: int, auth_header: str, keys: Mapping[str, str | None],
         recorder: Recorder | None = None) -> httpx.BaseTransport:
    """GETs to the target; with a recorder, each one that went out also written to the run's HAR file."""
    sent: httpx.BaseTransport = Resent(Watched(Limited(Live(timeout, max_body), limits), timeout), timeout)
    if recorder is not None:
        sent = Recorded(sent, recorder, auth_header, keys)
    return Throttled(sent, limits)


def replayed(recording: Recording, limits: Limits, auth_header: str,
             keys: Mapping[str, str | None]) -> httpx.BaseTransport:
    """GETs answered from a recording (--from-har), within the same request budget as the recorded run."""
    return Throttled(Limited(Replay(recording, auth_header, keys), limits), limits, paced=False)
