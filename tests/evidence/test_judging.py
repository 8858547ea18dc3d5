"""conformance/evidence/judging.py: the chats of a capture judged by the tasks of a Dask cluster (the optional extra
`.[dask]`), here a local cluster of two worker processes, give the verdict of one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import evidence
from conformance.profiles import profile as profile_named
from test_evidence import capture_text, summary

TENANT_KEY = profile_named("tenant-key")


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
