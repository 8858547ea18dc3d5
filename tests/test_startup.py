"""Starting a run from its settings: the target's keys and chats (given, else the dataset's), the embedded server
when no target is given, and the preflight that stops a run against a target it cannot use (conformance/startup.py).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conformance.profiles import TENANT_KEY
from conformance.results import Results
from conformance.settings import Settings
from conformance.startup import preflight, start
from fakes import closed_port_url, http_server
from harness import shipped_dataset

DATASET = shipped_dataset("tenant-key")


def settings(**changes) -> Settings:
    return Settings(**{"profile": TENANT_KEY, "level": "must", "known_failures": {}, "base_url": "http://127.0.0.1:9",
                       "dataset_path": Path(TENANT_KEY.dataset_path), "auth_header": "X-API-Key", **changes})


def test_in_dataset_mode_keys_and_chats_are_the_datasets_unless_given():
    started = start(settings(), {}, time.monotonic())
    target = started.target
    assert target.mode == "dataset" and not target.embedded and started.server is None
    assert target.api_key == DATASET.tenants["primary"] and target.foreign_api_key == DATASET.tenants["foreign"]
    assert (target.chat_id, target.empty_chat_id, target.foreign_chat_id) == tuple(
        DATASET.roles[r] for r in ("populated", "empty", "foreign"))
    given = start(settings(api_key="tk_given", chat_id="c-given"), {}, time.monotonic()).target
    assert given.api_key == "tk_given" and given.chat_id == "c-given" and "tk_given" not in repr(given)
    started.client.close()


def test_in_discovery_mode_against_a_deployment_only_what_is_given_is_known():
    target = start(settings(dataset_path=None, api_key="tk_given"), {}, time.monotonic()).target
    assert target.mode == "discovery" and target.dataset is None
    assert target.api_key == "tk_given" and target.foreign_api_key is None and target.chat_id is None
    assert target.missing("foreign_api_key") is not None


def test_on_a_worker_the_target_is_the_controllers():
    worker = {"conformance_base_url": "http://127.0.0.1:8", "conformance_embedded": True}
    target = start(settings(base_url=None), worker, time.monotonic()).target
    assert target.base_url == "http://127.0.0.1:8" and target.embedded


def test_without_a_target_the_reference_server_is_started_on_loopback_and_serves_the_dataset():
    started = start(settings(base_url=None), {}, time.monotonic())
    try:
        assert started.target.embedded and started.target.base_url.startswith("http://127.0.0.1:")
        answer = started.client.get_messages(started.target.chat_id, key=started.target.api_key)
        assert answer.status == 200 and json.loads(answer.body)["total"] == len(DATASET.chat("populated").messages)
    finally:
        started.client.close()
        started.server.stop()


def test_a_malformed_dataset_is_a_usage_error(tmp_path):
    broken = tmp_path / "dataset.json"
    broken.write_text("{}", encoding="utf-8")
    with pytest.raises(pytest.UsageError, match="malformed dataset"):
        start(settings(dataset_path=broken), {}, time.monotonic())


def test_the_preflight_stops_a_run_whose_target_cannot_be_reached():
    started, results = start(settings(base_url=closed_port_url()), {}, time.monotonic()), Results("tenant-key", {})
    with pytest.raises(pytest.exit.Exception) as stopped:
        preflight(started, results)
    assert stopped.value.returncode == 3 and "cannot reach the target" in str(stopped.value)
    assert results.stopped


def test_the_preflight_stops_a_run_whose_key_is_refused_and_lets_a_bad_answer_through():
    with http_server(401, "application/json", b'{"detail": "no"}') as url:
        started, results = start(settings(base_url=url), {}, time.monotonic()), Results("tenant-key", {})
        with pytest.raises(pytest.exit.Exception) as stopped:
            preflight(started, results)
    assert stopped.value.returncode == 3 and "rejects the API key" in str(stopped.value)
    with http_server(500, "text/html", b"<h1>oops</h1>") as url:
        started, results = start(settings(base_url=url), {}, time.monotonic()), Results("tenant-key", {})
        preflight(started, results)  # it answers, if badly: the checks say how
    assert not results.stopped
