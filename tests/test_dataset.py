"""The shipped datasets, the loader's checks, and the generator's determinism."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import pytest

from conformance.dataset import Dataset, DatasetError, load_dataset, parse_instant
from conformance.profiles import PROFILES, default_dataset_path, spec_path
from reference import tokens

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "scripts" / "make_datasets.py"

EXPECTED_COUNTS = {
    "tenant-key": {"populated": 240, "hundred": 100, "other": 15, "empty": 0, "foreign": 12},
    "org-token": {"populated": 40, "other": 10, "empty": 0, "foreign": 8},
}


def shipped(profile: str) -> Dataset:
    return load_dataset(default_dataset_path(profile), profile)


def raw(profile: str) -> dict[str, Any]:
    return json.loads(default_dataset_path(profile).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- shipped data


def test_profiles_point_at_existing_files():
    for profile in PROFILES:
        assert spec_path(profile).is_file()
        assert default_dataset_path(profile).is_file()
    with pytest.raises(ValueError, match="tenant-key, org-token"):
        spec_path("graphql")


@pytest.mark.parametrize("profile", PROFILES)
def test_role_chats_have_the_expected_message_counts(profile):
    dataset = shipped(profile)
    assert {role: len(dataset.chat(role).messages) for role in dataset.roles} == EXPECTED_COUNTS[profile]
    assert dataset.chat("foreign").tenant == "foreign"
    assert {dataset.chat(role).tenant for role in dataset.roles if role != "foreign"} == {"primary"}


@pytest.mark.parametrize("profile", PROFILES)
def test_keys_are_long_and_distinct(profile):
    dataset = shipped(profile)
    if profile == "tenant-key":
        assert all(re.fullmatch("tk_live_[0-9a-f]{40}", key) for key in dataset.tenants.values())
    else:  # JWTs the reference signed, each naming its organisation (so that forged ones can be refused)
        assert all(tokens.verified(key) is not None and tokens.verified(key)["org_id"] == name
                   and re.fullmatch("[0-9a-f]{40}", tokens.verified(key)["jti"]) for name, key in dataset.tenants.items())
    assert dataset.key("primary") != dataset.key("foreign")


@pytest.mark.parametrize("profile", PROFILES)
def test_insertion_order_is_neither_chronological_nor_by_id(profile):
    messages = shipped(profile).chat("populated").messages
    by_time = sorted(messages, key=lambda m: (parse_instant(m["created_at"]), m["id"]))
    assert list(messages) != by_time
    assert list(messages) != sorted(messages, key=lambda m: m["id"])
    assert [m["id"] for m in by_time] != sorted(m["id"] for m in messages)


@pytest.mark.parametrize("profile, groups", [("tenant-key", 4), ("org-token", 2)])
def test_populated_chat_has_groups_sharing_one_created_at(profile, groups):
    counts = Counter(m["created_at"] for m in shipped(profile).chat("populated").messages)
    ties = [n for n in counts.values() if n > 1]
    assert len(ties) >= groups and all(2 <= n <= 5 for n in ties)


def test_populated_chat_writes_timestamps_in_several_forms():
    stamps = [m["created_at"] for m in shipped("tenant-key").chat("populated").messages]
    for form in (r"T\d\d:\d\d:\d\dZ", r"\.\d{3}Z", r"\.\d{6}Z", r"\+02:00", r"-05:00"):
        assert any(re.search(form + "$", s) for s in stamps), form
    instants = Counter(parse_instant(s) for s in set(stamps))
    assert any(n > 1 for n in instants.values()), "one instant written two ways (Z and +02:00)"
    days = {parse_instant(s).date() for s in stamps}
    assert len(days) >= 3


CONTENT_KINDS: dict[str, Callable[[str], bool]] = {
    "empty": lambda s: s == "",
    "emoji ZWJ sequence": lambda s: "\u200d" in s,
    "CJK": lambda s: any("\u4e00" <= c <= "\u9fff" for c in s),
    "Arabic": lambda s: any("\u0600" <= c <= "\u06ff" for c in s),
    "Hebrew": lambda s: any("\u0590" <= c <= "\u05ff" for c in s),
    "combining mark": lambda s: any(unicodedata.combining(c) for c in s),
    "quotes": lambda s: '"' in s and "'" in s,
    "backslash": lambda s: "\\" in s,
    "newline and tab": lambda s: "\n" in s and "\t" in s,
    "20,000+ characters": lambda s: len(s) >= 20_000,
}


@pytest.mark.parametrize("kind", CONTENT_KINDS)
def test_populated_chat_has_content_of_every_kind(kind):
    assert any(CONTENT_KINDS[kind](m["content"]) for m in shipped("tenant-key").chat("populated").messages)


def test_populated_chat_varies_media_metadata_and_roles():
    messages = shipped("tenant-key").chat("populated").messages
    assert {(m["media_type"] is None, m["media_url"] is None) for m in messages} == {(True, True), (False, False)}
    assert {m["media_type"] for m in messages} == {None, "image", "file"}
    assert all(m["media_url"].startswith("https://example.com/") for m in messages if m["media_url"])
    assert {m["sender_role"] for m in messages} == {"user", "assistant"}
    values = [v for m in messages for v in _leaves(m["metadata"])]
    assert any(m["metadata"] == {} for m in messages)
    assert any(isinstance(v, dict) for m in messages for v in m["metadata"].values())
    assert {type(v) for v in values} >= {str, int, float, bool, type(None)}


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_org_dataset_ids_and_metadata():
    dataset = shipped("org-token")
    ids = [m["id"] for chat in dataset.chats for m in chat.messages]
    assert len(ids) == len(set(ids))
    assert all(isinstance(chat.id, int) and 1000 <= chat.id <= 99_999 for chat in dataset.chats)
    times = [m["metadata"]["response_time"] for chat in dataset.chats for m in chat.messages]
    assert 0 in times and any(isinstance(t, float) and not t.is_integer() for t in times)


# ---------------------------------------------------------------- generator


def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path):
    for run in ("a", "b"):
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path / run)], check=True, capture_output=True)
    for profile in PROFILES:
        name = default_dataset_path(profile).name
        first, second = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        assert first == second, f"{name}: two runs differ"
        assert first == default_dataset_path(profile).read_bytes(), f"{name} is stale: run scripts/make_datasets.py"


# ---------------------------------------------------------------- malformed datasets

Corrupt = Callable[[dict[str, Any]], Any]

CORRUPTIONS: list[tuple[str, str, Corrupt, str]] = [
    ("tenant-key", "missing field", lambda d: d["chats"][2]["messages"][5].pop("sender_role"),
     "chats[2].messages[5]: 'sender_role' is a required property"),
    ("tenant-key", "enum", lambda d: d["chats"][0]["messages"][3].update(sender_role="bot"),
     "chats[0].messages[3].sender_role: 'bot' is not one of ['user', 'assistant']"),
    ("tenant-key", "date-time format", lambda d: d["chats"][0]["messages"][0].update(created_at="yesterday"),
     "chats[0].messages[0].created_at: 'yesterday' is not a 'date-time'"),
    ("tenant-key", "no offset", lambda d: d["chats"][1]["messages"][0].update(created_at="2024-01-15T10:30:00"),
     "chats[1].messages[0].created_at: '2024-01-15T10:30:00' is not a 'date-time'"),
    ("tenant-key", "top-level key missing", lambda d: d.pop("roles"), "'roles' is a required property"),
    ("tenant-key", "tenant missing", lambda d: d["tenants"].pop("foreign"), "tenants: 'foreign' is a required property"),
    ("tenant-key", "key with a space", lambda d: d["tenants"]["primary"].update(api_key="a b"),
     "tenants.primary.api_key: 'a b' does not match"),
    ("tenant-key", "shared key", lambda d: d["tenants"]["foreign"].update(d["tenants"]["primary"]),
     "tenants: two tenants share an api_key"),
    ("tenant-key", "role without chat", lambda d: d["roles"].update(populated="00000000-0000-4000-8000-000000000000"),
     "roles.populated: no chat has id '00000000-0000-4000-8000-000000000000'"),
    ("tenant-key", "unknown tenant", lambda d: d["chats"][1].update(tenant="nobody"),
     "chats[1].tenant: 'nobody' is not in tenants (primary, foreign)"),
    ("tenant-key", "foreign chat of primary", lambda d: d["chats"][4].update(tenant="primary"),
     "roles.foreign: chat '48c66c13-ec8d-4099-901b-df33784b9049' belongs to tenant 'primary', expected 'foreign'"),
    ("tenant-key", "populated chat of foreign", lambda d: d["chats"][0].update(tenant="foreign"),
     "roles.populated: chat 'b70c7957-0326-40ba-aec0-850c66ef48b0' belongs to tenant 'foreign', expected 'primary'"),
    ("tenant-key", "duplicate message id", lambda d: d["chats"][0]["messages"][1].update(id=d["chats"][0]["messages"][0]["id"]),
     "chats[0].messages[1].id: "),
    ("tenant-key", "duplicate chat id", lambda d: d["chats"][2].update(id=d["chats"][1]["id"]),
     "chats[2].id: 'dbdddc34-bab0-4a23-b5f3-ff52dd801a0d' is used by another chat too"),
    ("tenant-key", "chat id not a UUID", lambda d: d["chats"][3].update(id="chat-4"), "chats[3].id: 'chat-4' is not a UUID"),
    ("tenant-key", "upper-case UUID", lambda d: d["chats"][3].update(id=d["chats"][3]["id"].upper()), "chats[3].id: "),
    ("org-token", "chat_id differs", lambda d: d["chats"][0]["messages"][0].update(chat_id=1),
     "chats[0].messages[0].chat_id: 1 differs from the chat's id"),
    ("org-token", "string chat id", lambda d: d["chats"][2].update(id="41700"), "chats[2].id: '41700' is not an integer"),
    ("org-token", "metadata type", lambda d: d["chats"][0]["messages"][2]["metadata"].update(token_count="many"),
     "chats[0].messages[2].metadata.token_count: 'many' is not of type 'integer'"),
    ("org-token", "created_at not a date-time", lambda d: d["chats"][1]["messages"][0].update(created_at="yesterday"),
     "chats[1].messages[0].created_at: 'yesterday' is not an RFC 3339 date-time"),
]


@pytest.mark.parametrize("profile, _case, corrupt, problem", CORRUPTIONS, ids=[c[1] for c in CORRUPTIONS])
def test_malformed_dataset_error_names_the_file_and_the_place(tmp_path, profile, _case, corrupt, problem):
    doc = copy.deepcopy(raw(profile))
    corrupt(doc)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset(path, profile)
    assert str(info.value).startswith(f"{path}: {problem}"), str(info.value)[:300]


@pytest.mark.parametrize(
    "content, problem",
    [
        (b'{"tenants": {},\n  "chats": [1,]}', "invalid JSON at line 2, column 15: "),
        (b"", "invalid JSON at line 1, column 1: Expecting value"),
        (b'{"x": NaN}', "NaN is not a JSON number"),
        (b'{"x": "\xff"}', "not UTF-8 (byte 7)"),
        (b"[]", "[] is not of type 'object'"),
    ],
)
def test_unparseable_file_error_names_the_file(tmp_path, content, problem):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(DatasetError, match=re.escape(f"{path}: {problem}")):
        load_dataset(path, "tenant-key")


def test_missing_file_error_names_the_file(tmp_path):
    with pytest.raises(DatasetError, match=re.escape(f"{tmp_path / 'none.json'}: cannot read the dataset: No such file")):
        load_dataset(tmp_path / "none.json", "tenant-key")


def test_dataset_of_the_other_profile_is_rejected():
    with pytest.raises(DatasetError, match="'sender_role' is a required property"):
        load_dataset(default_dataset_path("org-token"), "tenant-key")


def test_helpers_name_what_exists_when_asked_for_something_else():
    dataset = shipped("tenant-key")
    with pytest.raises(KeyError, match="populated, hundred, other, empty, foreign"):
        dataset.chat("archived")
    with pytest.raises(KeyError, match="primary, foreign"):
        dataset.key("nobody")


@pytest.mark.parametrize(
    "text, iso",
    [
        ("2024-01-15T10:30:00Z", "2024-01-15T10:30:00+00:00"),
        ("2024-01-15T12:30:00+02:00", "2024-01-15T12:30:00+02:00"),
        ("2024-01-15t10:30:00.25z", "2024-01-15T10:30:00.250000+00:00"),
        ("2024-01-15T10:30:00.123456789Z", "2024-01-15T10:30:00.123456+00:00"),
    ],
)
def test_parse_instant_accepts_rfc3339(text, iso):
    assert parse_instant(text).isoformat() == iso


@pytest.mark.parametrize("text", ["2024-01-15 10:30:00Z", "2024-01-15T10:30:00", "20240115T103000Z", "2024-13-01T00:00:00Z"])
def test_parse_instant_rejects_other_forms(text):
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        parse_instant(text)
