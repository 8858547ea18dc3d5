"""A GET sent again after a reset or a cold start; every failure that stays said as the suite's error."""

from __future__ import annotations

import httpx
import pytest

from conformance.transport.errors import TargetError, Unreachable
from conformance.transport.live import Unfinished
from conformance.transport.resend import Resent
from fakes import scripted_transport

URL = "http://target.test/api/v1/chats/c1/messages"


def get(layer: Resent) -> httpx.Response:
    return layer.handle_request(httpx.Request("GET", URL))


def test_a_reset_is_sent_again_once_and_a_second_one_is_the_target_s_fault():
    inner, sent = scripted_transport(httpx.RemoteProtocolError("closed"), 200)
    assert get(Resent(inner, 1.0)).status_code == 200 and len(sent) == 2
    inner, sent = scripted_transport(httpx.ReadError("reset by peer"))
    with pytest.raises(TargetError, match=f"GET {URL}: ReadError: reset by peer") as caught:
        get(Resent(inner, 1.0))
    assert len(sent) == 2 and type(caught.value) is TargetError


def test_only_the_first_timeout_of_a_run_before_any_answer_is_forgiven():
    inner, sent = scripted_transport(httpx.ReadTimeout("slow"), 200, httpx.ReadTimeout("slow"))
    layer = Resent(inner, 0.5)
    assert get(layer).status_code == 200 and len(sent) == 2  # a cold start
    with pytest.raises(Unreachable, match=r"no answer within 0.5 s \(--request-timeout\)"):
        get(layer)
    assert len(sent) == 3


def test_a_run_that_was_answered_once_forgives_no_timeout():
    inner, sent = scripted_transport(200, httpx.ConnectTimeout("slow"))
    layer = Resent(inner, 0.5)
    get(layer)
    with pytest.raises(Unreachable):
        get(layer)
    assert len(sent) == 2


def test_an_answer_that_did_not_complete_is_not_sent_again():
    inner, sent = scripted_transport(Unfinished("trickle"))
    with pytest.raises(TargetError, match="did not complete within 1 s") as caught:
        get(Resent(inner, 1.0))
    assert len(sent) == 1 and not isinstance(caught.value, Unreachable)


def test_a_refused_connection_is_unreachable():
    inner, sent = scripted_transport(httpx.ConnectError("Connection refused"))
    with pytest.raises(Unreachable, match="ConnectError: Connection refused"):
        get(Resent(inner, 1.0))
    assert len(sent) == 1


def test_a_refused_body_is_the_target_s_fault_raised_unchained():
    inner, _ = scripted_transport(httpx.DecodingError("response body larger than 10 bytes (--max-body 1 MiB)"))
    with pytest.raises(TargetError, match=f"GET {URL}: response body larger") as caught:
        get(Resent(inner, 1.0))
    assert caught.value.__context__ is None and caught.value.__cause__ is None


def test_any_other_transport_error_is_a_target_error():
    inner, _ = scripted_transport(httpx.UnsupportedProtocol("no such scheme"))
    with pytest.raises(TargetError, match="UnsupportedProtocol: no such scheme"):
        get(Resent(inner, 1.0))
