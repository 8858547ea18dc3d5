"""Passive mode: one test per requirement of the profile, its verdict on the captured traffic (conformance/evidence/).

Failed: a rule of it broke on some exchange (the first few shown, each naming its HAR entry). Passed: a rule of it
ran on some exchange and held on every one, and the traffic holds every situation where it can break
(evidence.SITUATIONS). Otherwise it is not exercised by this traffic: skipped, and counted
apart, never passed and never failed.
"""

from __future__ import annotations

import sys

import pytest

from conformance.results import NOT_EXERCISED, NOTE

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup


def test_requirement_on_captured_traffic(captured_requirement, captured_verdicts, request):
    verdict = captured_verdicts.get(captured_requirement)
    if verdict is not None and verdict.broken:
        broken, count = verdict.broken, verdict.broken_count
        if count == 1:
            raise broken[0]
        raise BaseExceptionGroup(f"{count} exchanges or walks broke it (the first {len(broken)} shown)", broken)
    if verdict is not None and verdict.passed:
        entries, count = list(verdict.held_on.values()), verdict.held_count
        shown = ", ".join(entries[:5]) + (f" and {count - 5} more" if count > 5 else "")
        request.node.user_properties.append((NOTE, f"{captured_requirement}\theld on {count} HAR "
                                                   f"entr{'y' if count == 1 else 'ies'} ({shown})"))
        return
    if verdict is not None and verdict.inconclusive:
        raise verdict.inconclusive[0]
    request.node.user_properties.append((NOT_EXERCISED, captured_requirement))
    if verdict is not None and verdict.lacking:
        pytest.skip(f"not exercised by this traffic: held on {verdict.held_count} HAR entries, but it holds no "
                    + "; no ".join(verdict.lacking))
    pytest.skip("not exercised by this traffic")
