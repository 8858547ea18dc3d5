"""conformance/evidence/ at volume: a capture read as a stream (HAR, NDJSON) judges as one read whole, and its chats
shared among parts (--jobs, or the tasks of a Dask cluster) give, merged in any grouping, the verdicts of one process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance import evidence, har
from conformance.evidence.judging import capture_of, judge_part
from conformance.profiles import profile as profile_named
from captures import capture_text, captured, summary

TENANT_KEY = profile_named("tenant-key")


def in_memory(text: str) -> evidence.Capture:
    _, entries = har.parse(text)
    return evidence.judge_entries(entries, "capture.har", TENANT_KEY, TENANT_KEY.auth_header)


@pytest.mark.parametrize("mutant", [None, "has-more-full-page"])
def test_har_and_ndjson_streams_judge_as_the_capture_read_whole(tmp_path: Path, mutant):
    text = capture_text(mutant)
    whole = in_memory(text)
    as_har = tmp_path / "capture.har"
    as_har.write_text(text, encoding="utf-8")
    as_ndjson = tmp_path / "capture.ndjson"
    as_ndjson.write_text("".join(json.dumps(e) + "\n" for e in json.loads(text)["log"]["entries"]), encoding="utf-8")
    for path in (as_har, as_ndjson):
        source = evidence.source_of(str(path))
        assert source.ndjson == (path.suffix == ".ndjson")
        streamed = evidence.judge_source(source, TENANT_KEY, TENANT_KEY.auth_header)
        assert summary(streamed.verdicts) == summary(whole.verdicts)
        assert (streamed.judged, streamed.entries, streamed.keys) == (whole.judged, whole.entries, whole.keys)


def test_an_unreadable_stream_says_where(tmp_path: Path):
    path = tmp_path / "bad.ndjson"
    first = json.loads(captured("tenant-key", None))["log"]["entries"][0]
    path.write_text(json.dumps(first) + '\n{"request": \n', encoding="utf-8")
    with pytest.raises(har.HarError, match="line 2 is not JSON"):
        list(evidence.source_of(str(path)).entries())
    path.write_text(json.dumps(first) + "\n" + json.dumps({"request": {}}) + "\n", encoding="utf-8")
    with pytest.raises(har.HarError, match="entry 1: no request with a method and a URL"):
        list(evidence.source_of(str(path)).entries())


@pytest.mark.parametrize("mutant", [None, "has-more-full-page", "message-ids-per-chat"])
def test_parts_of_a_capture_merged_in_any_grouping_give_the_verdicts_of_one_process(mutant):
    """Chats shared among three parts (as --jobs 3 shares them): (a + b) + c and a + (b + c) both give the verdicts
    of judging the capture whole."""
    _, entries = har.parse(capture_text(mutant))
    whole, count = judge_part(entries, TENANT_KEY, TENANT_KEY.auth_header)
    expected = summary(capture_of(whole, count, "x", TENANT_KEY, None).verdicts)
    if mutant is not None:
        assert any(v[0] for v in expected.values())  # something failed: the merge has violations to carry

    def parts() -> list[Any]:
        return [judge_part(entries, TENANT_KEY, TENANT_KEY.auth_header, share=(k, 3))[0] for k in range(3)]

    a, b, c = parts()
    assert sum(p.judged for p in (a, b, c)) == whole.judged and sum(bool(p.judged) for p in (a, b, c)) >= 2
    left = capture_of(a.merge(b).merge(c), count, "x", TENANT_KEY, None)
    a, b, c = parts()  # verdicts are made from a merged part: each grouping from fresh parts
    right = capture_of(a.merge(b.merge(c)), count, "x", TENANT_KEY, None)
    assert summary(left.verdicts) == expected == summary(right.verdicts)


def test_jobs_in_processes_give_the_verdict_of_one(tmp_path: Path):
    path = tmp_path / "capture.har"
    path.write_text(capture_text("has-more-full-page"), encoding="utf-8")
    source = evidence.source_of(str(path))
    one = evidence.judge_source(source, TENANT_KEY, TENANT_KEY.auth_header)
    two = evidence.judge_source(source, TENANT_KEY, TENANT_KEY.auth_header, jobs=2)
    assert summary(two.verdicts) == summary(one.verdicts)
    assert two.describe() == one.describe()
    broken = next(v for v in two.verdicts.values() if v.broken).broken[0]
    assert broken.exchange is not None and broken.exchange.har_id  # violations come back whole, with their evidence


def test_a_capture_judged_on_a_local_dask_cluster_gives_the_verdict_of_one_process(tmp_path: Path):
    distributed = pytest.importorskip("dask.distributed", reason="the optional extra is absent: pip install '.[dask]'")
    path = tmp_path / "capture.har"
    path.write_text(capture_text("has-more-full-page"), encoding="utf-8")
    source = evidence.source_of(str(path))
    one = evidence.judge_source(source, TENANT_KEY, TENANT_KEY.auth_header)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        on_dask = evidence.judge_source(source, TENANT_KEY, TENANT_KEY.auth_header, jobs=3, dask_scheduler=cluster)
    assert summary(on_dask.verdicts) == summary(one.verdicts)
    assert on_dask.describe() == one.describe()
    assert any(v.broken for v in on_dask.verdicts.values())  # violations come back from the workers whole
