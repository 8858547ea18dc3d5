"""The stacks a client sends through: the live one's layers in their order, the replay's within the budget."""

from __future__ import annotations

import httpx
import pytest

from conformance import har
from conformance.transport import stack
from conformance.transport.errors import BudgetExhausted
from conformance.transport.limits import Limited, Limits
from conformance.transport.live import Live
from conformance.transport.recording import Recorded, Recorder
from conformance.transport.replay import Recording, Replay
from conformance.transport.resend import Resent
from conformance.transport.silence import Watched
from conformance.transport.throttling import Throttled

URL = "http://target.test/api/v1/chats/c1/messages"


def layers(transport: httpx.BaseTransport) -> list[type]:
    kinds = []
    while transport is not None:
        kinds.append(type(transport))
        transport = getattr(transport, "inner", None)
    return kinds


def test_the_live_stack_throttles_outermost_and_records_what_went_out(tmp_path):
    limits = Limits(max_requests=1, rate_per_second=None)
    plain = stack.live(limits, 1.0, 1024, "X-API-Key", {})
    assert layers(plain) == [Throttled, Resent, Watched, Limited, Live]
    recorded = stack.live(limits, 1.0, 1024, "X-API-Key", {}, Recorder(tmp_path, "main"))
    assert layers(recorded) == [Throttled, Recorded, Resent, Watched, Limited, Live]
    plain.close()
    recorded.close()


def test_a_replay_resends_a_recorded_throttle_at_once_within_the_budget():
    items = [har.entry(entry_id=f"main-{i}", started_at=0, seconds=0, url=URL, request_headers=[], auth=None,
                       status=status, response_headers=[("Retry-After", "30")] if status == 429 else [], body=b"[]")
             for i, status in enumerate((429, 200), 1)]
    limits = Limits(max_requests=2, rate_per_second=None)
    transport = stack.replayed(Recording({"profile": "tenant-key"}, items, "run.har"), limits, "X-API-Key", {})
    assert layers(transport) == [Throttled, Limited, Replay]
    assert transport.handle_request(httpx.Request("GET", URL)).status_code == 200
    assert limits.sent == 2 and limits.throttle.so_far().waits == 1 and not limits.slowed
    with pytest.raises(BudgetExhausted):
        transport.handle_request(httpx.Request("GET", URL))
