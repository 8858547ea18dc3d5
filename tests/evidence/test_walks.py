"""conformance/evidence/walks.py: the comparison of chats read a range of digests at a time finds what one merge of
every digest finds."""

from __future__ import annotations

import pytest

from conformance import har
from conformance.evidence import walks
from conformance.evidence.judging import capture_of, judge_part
from conformance.profiles import profile as profile_named
from captures import capture_text, summary

TENANT_KEY = profile_named("tenant-key")


@pytest.mark.parametrize("mutant", [None, "message-ids-per-chat"])
def test_chats_compared_a_range_at_a_time_as_all_at_once(mutant, monkeypatch):
    _, entries = har.parse(capture_text(mutant))

    def verdicts():
        part, count = judge_part(entries, TENANT_KEY, TENANT_KEY.auth_header)
        return summary(capture_of(part, count, "x", TENANT_KEY, None).verdicts)

    at_once = verdicts()
    monkeypatch.setattr(walks, "SPAN", 1)  # a range per digest or so
    assert verdicts() == at_once
    if mutant:
        assert at_once["MSG-ID-UNIQUE-ACROSS-CHATS"][0] or at_once["PAGE-CHAT-SCOPED"][0]


@pytest.mark.parametrize("mutant", [None, "message-ids-per-chat", "no-chat-filter"])
def test_ids_whose_digests_collide_are_told_apart_by_name(mutant, monkeypatch):
    """Digests are 64 bits, not proof: where two chats give one digest, the ids themselves decide. With a digest that
    collides all the time (an id's length), the verdicts are those of XXH3's."""
    _, entries = har.parse(capture_text(mutant))

    def verdicts():
        part, count = judge_part(entries, TENANT_KEY, TENANT_KEY.auth_header)
        judged = capture_of(part, count, "x", TENANT_KEY, None).verdicts
        return {**summary(judged), **{f"{i} says": [str(v) for v in judged[i].broken] for i in judged}}

    spread = verdicts()
    monkeypatch.setattr(walks, "id_digest", len)
    assert verdicts() == spread
    if mutant == "no-chat-filter":  # one message in two chats: the chats share it (its id is not given twice)
        assert spread["PAGE-CHAT-SCOPED"][0] and not spread["MSG-ID-UNIQUE-ACROSS-CHATS"][0]


def test_ranges_cover_every_digest_once():
    for count in (0, 1, walks.SPAN, 5 * walks.SPAN + 3):
        ranges = walks._ranges(count)
        assert ranges[0][0] == 0 and ranges[-1][1] == 2 ** 64
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in zip(ranges, ranges[1:]))
        assert len(ranges) == count // walks.SPAN + 1
