"""Every option resolved once, at configure time: flag over environment over default, and a wrong one is a usage
error before any request (conformance/settings.py, on a stand-in for pytest's config)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from conformance import options
from conformance.masking import REDACTOR
from conformance.profiles import ORG_TOKEN, TENANT_KEY
from conformance.settings import resolve

UUID = "7d444840-9dc0-41fb-8c9b-6e2a5f0d3c11"


class Config:
    """What resolve reads of pytest's config: getoption by dest, and `workerinput` on an xdist worker."""

    def __init__(self, base_url: str | None = None, numprocesses: int | None = None, **flags: Any) -> None:
        dests = {o.flag: o.dest for o in options.OPTIONS}
        self.options = {"base_url": base_url, "numprocesses": numprocesses,
                        **{dests["--" + name.replace("_", "-")]: value for name, value in flags.items()}}

    def getoption(self, dest: str, default: Any = None) -> Any:
        return self.options.get(dest, default)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for option in options.OPTIONS:
        monkeypatch.delenv(option.env, raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def test_without_options_a_run_is_the_shipped_dataset_against_the_embedded_server_in_one_process():
    settings = resolve(Config())
    assert settings.profile is TENANT_KEY and settings.level == "must" and settings.base_url is None
    assert settings.dataset_path == Path(TENANT_KEY.dataset_path) and settings.auth_header == "X-API-Key"
    assert settings.one_process and settings.max_body == 8 * 1024 * 1024 and settings.rate_limit is None
    assert settings.from_har is settings.capture is settings.step_summary is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.level = "should"


def test_a_flag_wins_over_its_environment_variable_which_wins_over_the_default(monkeypatch):
    monkeypatch.setenv("CONFORMANCE_LEVEL", "should")
    monkeypatch.setenv("CONFORMANCE_MAX_REQUESTS", "50")
    assert resolve(Config()).level == "should" and resolve(Config()).max_requests == 50
    assert resolve(Config(level="must")).level == "must"
    monkeypatch.setenv("CONFORMANCE_LEVEL", " ")  # set but blank: the default
    assert resolve(Config()).level == "must"


def test_values_are_converted_once():
    settings = resolve(Config(max_body="2", rate_limit="5/s", no_dataset=True, numprocesses=2,
                              base_url="http://127.0.0.1:9/"))
    assert settings.max_body == 2 * 1024 * 1024 and settings.rate_limit == 5.0
    assert settings.dataset_path is None and not settings.one_process
    assert settings.base_url.startswith("http://127.0.0.1:9")


def test_a_profile_brings_its_auth_header_and_reads_chat_ids_its_way():
    settings = resolve(Config(profile="org-token", chat_id="28068"))
    assert settings.profile is ORG_TOKEN and settings.auth_header == "Authorization" and settings.chat_id == 28068
    assert resolve(Config(chat_id=UUID)).chat_id == UUID
    with pytest.raises(pytest.UsageError, match="--chat-id: .*integers"):
        resolve(Config(profile="org-token", chat_id="not-a-number"))


@pytest.mark.parametrize("flags, says", [
    ({"dataset": "d.json", "no_dataset": True}, "--dataset and --no-dataset exclude each other"),
    ({"known_failures_update": True}, "--known-failures-update needs --known-failures"),
    ({"record": "a.har", "from_har": "b.har"}, "--record and --from-har exclude each other"),
    ({"level": "may"}, "--level"),
    ({"max_requests": "0"}, "--max-requests"),
    ({"auth_header": "X API Key"}, "--auth-header"),
])
def test_options_that_cannot_go_together_or_are_wrong_are_a_usage_error(flags, says):
    with pytest.raises(pytest.UsageError, match=says):
        resolve(Config(**flags))


def test_a_report_directory_or_recording_that_cannot_be_written_is_found_at_the_start(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(pytest.UsageError, match="--conformance-report"):
        resolve(Config(conformance_report=str(blocker / "reports")))
    with pytest.raises(pytest.UsageError, match="--record"):
        resolve(Config(record=str(blocker / "run.har")))


def test_an_unreadable_or_foreign_har_file_is_a_usage_error(tmp_path):
    with pytest.raises(pytest.UsageError, match="--from-har .*cannot read"):
        resolve(Config(from_har=str(tmp_path / "absent.har")))
    bad = tmp_path / "bad.har"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(pytest.UsageError, match="--from-har"):
        resolve(Config(from_har=str(bad)))


def test_a_key_given_is_masked_from_the_moment_it_is_read():
    key = "tk_settings_test_only_9c2e41"  # no other test knows it
    settings = resolve(Config(api_key=key))
    assert settings.api_key == key and key not in repr(settings)
    assert REDACTOR.scrub(f"sent {key}") == "sent ***"


def test_the_step_summary_file_comes_from_github(monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    assert resolve(Config()).step_summary == str(tmp_path / "summary.md")
