"""The reference server: status codes and their order, paging arithmetic, ordering,
both profiles, the mutant/variation switch, and the command line.

The expectations here are computed from the dataset directly, not with the
suite's own checks, so the reference and the suite stay independent oracles.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from conformance.dataset import Chat, Dataset, load_dataset, parse_instant
from conformance.profiles import default_dataset_path
from reference.app import create_app
from reference.serve import RunningServer, start_in_thread
from reference.server import TenantKey
from reference.store import Store
from reference.variants import Patch, Switch, UnknownSwitch, mutants, problems, registered, variations

REPO = Path(__file__).resolve().parents[2]
UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"


@cache
def dataset(profile: str) -> Dataset:
    return load_dataset(default_dataset_path(profile), profile)


TK = dataset("tenant-key")
ORG = dataset("org-token")
KEY = {"X-API-Key": TK.key("primary")}
TOKEN = {"Authorization": ORG.key("primary")}


def url(chat_id: Any) -> str:
    return f"/api/v1/chats/{chat_id}/messages"


def in_order(chat: Chat, tiebreak: str = "id") -> list[dict[str, Any]]:
    """The chat's messages by instant, ties by id (or by insertion)."""
    position = {id(m): i for i, m in enumerate(chat.messages)}
    second = (lambda m: m["id"]) if tiebreak == "id" else (lambda m: position[id(m)])
    return sorted(chat.messages, key=lambda m: (parse_instant(m["created_at"]), second(m)))


@contextmanager
def serving(profile: str, mutant: str | None = None, variation: str | None = None) -> Iterator[httpx.Client]:
    running = start_in_thread(create_app(dataset(profile), profile, mutant, variation))
    try:
        with httpx.Client(base_url=running.url, timeout=10) as client:
            yield client
    finally:
        running.stop()


@pytest.fixture(scope="module")
def tk() -> Iterator[httpx.Client]:
    with serving("tenant-key") as client:
        yield client


@pytest.fixture(scope="module")
def org() -> Iterator[httpx.Client]:
    with serving("org-token") as client:
        yield client


def get_all(client: httpx.Client, chat_id: Any, limit: int, order: str = "asc") -> list[dict[str, Any]]:
    """Walk the pages, checking the envelope arithmetic of each."""
    messages: list[dict[str, Any]] = []
    while True:
        body = client.get(url(chat_id), headers=KEY, params={"offset": len(messages), "limit": limit, "order": order}).json()
        assert (body["offset"], body["limit"]) == (len(messages), limit)
        assert len(body["messages"]) == min(limit, body["total"] - len(messages))
        messages += body["messages"]
        assert body["has_more"] == (len(messages) < body["total"])
        if not body["has_more"]:
            return messages


# ================================================================ tenant-key: 401


def test_missing_key_is_401(tk):
    response = tk.get(url(TK.roles["populated"]))
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid or missing API key"})


@pytest.mark.parametrize("key", ["", "nope", TK.key("primary").upper(), TK.key("primary")[:-1], TK.key("primary") + "0"])
def test_key_must_match_exactly(tk, key):
    assert tk.get(url(TK.roles["populated"]), headers={"X-API-Key": key}).status_code == 401


@pytest.mark.parametrize("path, params", [("not-a-uuid", {}), (TK.roles["populated"], {"limit": "0"}), (UNKNOWN_UUID, {})])
def test_401_comes_before_400_and_404(tk, path, params):
    assert tk.get(url(path), params=params).status_code == 401


# ================================================================ tenant-key: 400

MALFORMED_IDS = [
    "not-a-uuid",
    "12345",
    UNKNOWN_UUID.replace("-", ""),
    "{" + UNKNOWN_UUID + "}",
    "urn:uuid:" + UNKNOWN_UUID,
    UNKNOWN_UUID + "0",
    UNKNOWN_UUID[:-1],
    "g" + UNKNOWN_UUID[1:],
]


@pytest.mark.parametrize("chat_id", MALFORMED_IDS)
def test_malformed_chat_id_is_400(tk, chat_id):
    response = tk.get(url(chat_id), headers=KEY)
    assert response.status_code == 400 and "detail" in response.json()


def test_upper_case_uuid_is_the_same_chat(tk):
    chat_id = TK.roles["other"]
    assert tk.get(url(chat_id.upper()), headers=KEY).json() == tk.get(url(chat_id), headers=KEY).json()


BAD_PARAMS = (
    [("offset", v) for v in ["", "-1", "1.5", "abc", "+1", " 1", "1 ", "0x10", "1e2", "\u0663"]]
    + [("limit", v) for v in ["", "0", "101", "-1", "1.5", "abc", "+1", "100.0", "99999999999999999999"]]
    + [("order", v) for v in ["", "ASC", "Desc", "descending", " asc", "random"]]
)


@pytest.mark.parametrize("name, value", BAD_PARAMS)
def test_bad_query_parameter_is_400(tk, name, value):
    response = tk.get(url(TK.roles["populated"]), headers=KEY, params={name: value})
    assert response.status_code == 400 and "detail" in response.json()


def test_limit_error_says_the_range(tk):
    response = tk.get(url(TK.roles["populated"]), headers=KEY, params={"limit": 101})
    assert response.json() == {"detail": "limit must be an integer between 1 and 100"}


@pytest.mark.parametrize("chat_id", [UNKNOWN_UUID, TK.roles["foreign"]])
def test_400_comes_before_404(tk, chat_id):
    assert tk.get(url(chat_id), headers=KEY, params={"limit": 101}).status_code == 400


def test_malformed_id_is_400_even_with_bad_parameters(tk):
    assert tk.get(url("nope"), headers=KEY, params={"limit": 0}).json()["detail"].startswith("chat_id")


# ================================================================ tenant-key: 404


@pytest.mark.parametrize("chat_id", [UNKNOWN_UUID, TK.roles["foreign"]])
def test_unknown_or_foreign_chat_is_404(tk, chat_id):
    response = tk.get(url(chat_id), headers=KEY)
    assert (response.status_code, response.json()) == (404, {"detail": "Chat not found"})


def test_foreign_tenant_sees_its_chat_and_not_ours(tk):
    foreign = {"X-API-Key": TK.key("foreign")}
    assert tk.get(url(TK.roles["foreign"]), headers=foreign).json()["total"] == 12
    assert tk.get(url(TK.roles["populated"]), headers=foreign).status_code == 404


# ================================================================ tenant-key: 200


def test_defaults_are_offset_0_limit_50_asc(tk):
    body = tk.get(url(TK.roles["populated"]), headers=KEY).json()
    assert (body["offset"], body["limit"], body["total"], body["has_more"]) == (0, 50, 240, True)
    assert body["messages"] == in_order(TK.chat("populated"))[:50]


@pytest.mark.parametrize("limit", [100, 80, 60, 7])
def test_pages_partition_the_chat_in_order(tk, limit):
    assert get_all(tk, TK.roles["populated"], limit) == in_order(TK.chat("populated"))


def test_pages_of_100_are_100_100_40(tk):
    sizes = [len(tk.get(url(TK.roles["populated"]), headers=KEY, params={"offset": o, "limit": 100}).json()["messages"])
             for o in (0, 100, 200)]
    assert sizes == [100, 100, 40]


def test_desc_is_exactly_asc_reversed(tk):
    for limit in (100, 60):
        assert get_all(tk, TK.roles["populated"], limit, "desc") == get_all(tk, TK.roles["populated"], 100)[::-1]


def test_plus_0200_and_z_sort_by_instant_not_by_text(tk):
    served = [m["created_at"] for m in get_all(tk, TK.roles["populated"], 100)]
    assert served != sorted(served)
    assert [parse_instant(s) for s in served] == sorted(parse_instant(s) for s in served)


def test_chat_of_exactly_100_fits_one_page(tk):
    body = tk.get(url(TK.roles["hundred"]), headers=KEY, params={"limit": 100}).json()
    assert (len(body["messages"]), body["total"], body["has_more"]) == (100, 100, False)
    assert body["messages"] == in_order(TK.chat("hundred"))


def test_other_chat_is_not_mixed_in(tk):
    assert get_all(tk, TK.roles["other"], 100) == in_order(TK.chat("other"))


def test_empty_chat(tk):
    body = tk.get(url(TK.roles["empty"]), headers=KEY).json()
    assert body == {"messages": [], "total": 0, "offset": 0, "limit": 50, "has_more": False}


@pytest.mark.parametrize("offset, count", [(239, 1), (240, 0), (1000, 0), (10**30, 0)])
def test_offset_near_and_past_the_end(tk, offset, count):
    response = tk.get(url(TK.roles["populated"]), headers=KEY, params={"offset": offset})
    body = response.json()
    assert response.status_code == 200
    assert (len(body["messages"]), body["total"], body["offset"], body["has_more"]) == (count, 240, offset, False)


def test_repeated_parameter_takes_the_last_value(tk):
    body = tk.get(url(TK.roles["populated"]) + "?limit=5&limit=7", headers=KEY).json()
    assert body["limit"] == 7


def test_leading_zeros_are_accepted(tk):
    body = tk.get(url(TK.roles["populated"]), headers=KEY, params={"offset": "007", "limit": "0100"}).json()
    assert (body["offset"], body["limit"]) == (7, 100)


@pytest.mark.parametrize(
    "method, path, headers, status",
    [
        ("GET", url(TK.roles["populated"]), KEY, 200),
        ("GET", url("bad"), KEY, 400),
        ("GET", url(TK.roles["populated"]), {}, 401),
        ("GET", url(UNKNOWN_UUID), KEY, 404),
        ("GET", "/api/v1/chats", KEY, 404),
        ("GET", url(TK.roles["populated"]) + "/", KEY, 404),
        ("POST", url(TK.roles["populated"]), KEY, 405),
        ("DELETE", url(TK.roles["populated"]), KEY, 405),
    ],
)
def test_every_response_is_json(tk, method, path, headers, status):
    response = tk.request(method, path, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert isinstance(response.json(), dict)


# ================================================================ org-token


def test_org_missing_or_wrong_token_is_401(org):
    for headers in ({}, {"Authorization": "nope"}, {"Authorization": ORG.key("primary").upper()},
                    {"X-API-Key": ORG.key("primary")}, {"Authorization": "Token " + ORG.key("primary")}):
        response = org.get(url(ORG.roles["populated"]), headers=headers)
        assert (response.status_code, response.json()) == (401, {"error": "Unauthorized"}), headers


@pytest.mark.parametrize("value", ["{token}", "Bearer {token}", "bearer {token}"])
def test_org_token_raw_or_bearer(org, value):
    response = org.get(url(ORG.roles["populated"]), headers={"Authorization": value.format(token=ORG.key("primary"))})
    assert response.status_code == 200


def test_org_401_comes_before_400(org):
    assert org.get(url("abc")).status_code == 401


@pytest.mark.parametrize("chat_id", ["abc", "-1", "1.5", "1e3", "0x10", "%201", "\u0663"])
def test_org_malformed_chat_id_is_400(org, chat_id):
    response = org.get(url(chat_id), headers=TOKEN)
    assert (response.status_code, response.json()) == (400, {"error": "Invalid chat ID"})


@pytest.mark.parametrize("chat_id", [1, 999_999_999, 10**30])
def test_org_unknown_chat_is_404(org, chat_id):
    response = org.get(url(chat_id), headers=TOKEN)
    assert (response.status_code, response.json()) == (404, {"error": "Chat not found"})


def test_org_foreign_chat_is_403(org):
    response = org.get(url(ORG.roles["foreign"]), headers=TOKEN)
    assert (response.status_code, response.json()) == (403, {"error": "Permission denied"})
    assert org.get(url(ORG.roles["foreign"]), headers={"Authorization": ORG.key("foreign")}).status_code == 200


@pytest.mark.parametrize("role", ["populated", "other", "empty"])
def test_org_returns_every_message_in_order(org, role):
    response = org.get(url(ORG.roles[role]), headers=TOKEN)
    assert response.headers["content-type"] == "application/json"
    assert response.json() == in_order(ORG.chat(role))
    assert all(m["chat_id"] == ORG.roles[role] for m in response.json())


def test_org_ignores_query_parameters(org):
    chat_id = ORG.roles["populated"]
    plain = org.get(url(chat_id), headers=TOKEN).json()
    assert org.get(url(chat_id), headers=TOKEN, params={"limit": 1, "offset": 5, "order": "desc"}).json() == plain
    assert org.get(url(f"00{chat_id}"), headers=TOKEN).json() == plain


@pytest.mark.parametrize("method, path, status", [("GET", "/nope", 404), ("PUT", url(1), 405)])
def test_org_other_paths_and_methods_are_json(org, method, path, status):
    response = org.request(method, path, headers=TOKEN)
    assert (response.status_code, response.headers["content-type"]) == (status, "application/json")
    assert "error" in response.json()


# ================================================================ the switch


def test_unknown_mutant_lists_the_valid_names():
    with pytest.raises(UnknownSwitch, match=r"unknown mutant 'typo' for profile tenant-key; valid: .*hang"):
        create_app(TK, "tenant-key", mutant="typo")


def test_variation_of_the_other_profile_is_unknown():
    with pytest.raises(UnknownSwitch, match=r"valid: org-newest-first, org-negative-id-404, org-invalid-id-400, tiebreak-insertion, "):
        create_app(ORG, "org-token", variation="error-shape")


def test_every_declared_switch_has_code_and_all_code_is_declared():
    assert set(registered()) == {switch.name for switch in (*mutants(), *variations())}
    assert problems(mutants(), variations(), registered()) == []


def test_the_check_names_declarations_without_code_and_code_without_declaration():
    def limit(self: TenantKey, value: int | None) -> int:
        return 1

    declared = [Switch("no-code", "tenant-key", "declared, never written"), Switch("wrong-profile", "org-token", "")]
    code = {"undeclared": (Patch(TenantKey, "check_limit", limit, False),),
            "wrong-profile": (Patch(TenantKey, "check_limit", limit, False),)}
    found = "\n".join(problems(declared, [Switch("no-code", "tenant-key", "")], code))
    assert "no-code is declared in both mutants.yaml and variations.yaml" in found
    assert "no-code is declared but no code is registered for it" in found
    assert "(replaces TenantKey.check_limit) is registered as 'undeclared', which neither" in found
    assert "wrong-profile (org-token):" in found and "patches a step the org-token server lacks" in found


def test_the_correct_code_names_no_mutant_or_variation():
    code = "".join((REPO / "reference" / f"{name}.py").read_text() for name in ("app", "server", "store"))
    named = [switch.name for switch in (*mutants(), *variations()) if f'"{switch.name}"' in code]
    assert not named, f"the correct server names {named}: a patch belongs in reference/defects or alternatives"


def test_a_patch_leaves_the_correct_classes_as_they_are():
    correct = (TenantKey.check_limit, Store.tie_break)
    create_app(TK, "tenant-key", mutant="limit-not-capped", variation="tiebreak-insertion")
    assert (TenantKey.check_limit, Store.tie_break) == correct


def test_mutant_limit_not_capped():
    with serving("tenant-key", mutant="limit-not-capped") as client:
        body = client.get(url(TK.roles["populated"]), headers=KEY, params={"limit": 150}).json()
        assert (len(body["messages"]), body["limit"], body["has_more"]) == (150, 150, True)


def test_stop_returns_while_a_hang_request_is_in_flight():
    running: RunningServer = start_in_thread(create_app(TK, "tenant-key", mutant="hang"))
    outcome: list[Any] = []

    def hanging_request() -> None:
        try:
            outcome.append(httpx.get(running.url + url(TK.roles["populated"]), headers=KEY, params={"offset": 200}, timeout=30))
        except httpx.HTTPError as exc:
            outcome.append(exc)

    assert httpx.get(running.url + url(TK.roles["populated"]), headers=KEY, params={"offset": 199}).status_code == 200
    client = threading.Thread(target=hanging_request, daemon=True)
    client.start()
    while not running.server.server_state.tasks:  # the request has reached the app
        time.sleep(0.01)
    started = time.monotonic()
    running.stop()
    assert time.monotonic() - started < 5
    client.join(5)
    # cut off: a dropped connection, or uvicorn's own 500 for the cancelled task
    assert outcome and getattr(outcome[0], "status_code", None) != 200


# ================================================================ variations


def all_pages(client: httpx.Client, role: str = "populated", order: str = "asc") -> list[dict[str, Any]]:
    return get_all(client, TK.roles[role], 100, order)


def test_variation_tiebreak_insertion():
    with serving("tenant-key", variation="tiebreak-insertion") as client:
        chat = TK.chat("populated")
        assert in_order(chat, "insertion") != in_order(chat)  # else this test would prove nothing
        assert all_pages(client) == in_order(chat, "insertion")
        assert all_pages(client, order="desc") == in_order(chat, "insertion")[::-1]


def test_variation_offset_plus_0200():
    with serving("tenant-key", variation="offset-plus-0200") as client:
        served = all_pages(client)
        assert all(m["created_at"].endswith("+02:00") for m in served)
        expected = in_order(TK.chat("populated"))
        assert [parse_instant(m["created_at"]) for m in served] == [parse_instant(m["created_at"]) for m in expected]
        assert [m["id"] for m in served] == [m["id"] for m in expected]


def test_variation_millis():
    with serving("tenant-key", variation="millis") as client:
        served = all_pages(client)
        assert all(re.fullmatch(r".*T\d\d:\d\d:\d\d\.\d{3}Z", m["created_at"]) for m in served)
        for got, want in zip(served, in_order(TK.chat("populated"))):
            assert got["id"] == want["id"]
            assert timedelta(0) <= parse_instant(want["created_at"]) - parse_instant(got["created_at"]) < timedelta(milliseconds=1)


def test_variation_limit_zero_empty():
    with serving("tenant-key", variation="limit-zero-empty") as client:
        body = client.get(url(TK.roles["populated"]), headers=KEY, params={"limit": 0}).json()
        assert body == {"messages": [], "total": 240, "offset": 0, "limit": 0, "has_more": True}


def test_variation_malformed_id_404():
    with serving("tenant-key", variation="malformed-id-404") as client:
        response = client.get(url("not-a-uuid"), headers=KEY)
        assert (response.status_code, response.json()) == (404, {"detail": "Chat not found"})
        assert client.get(url("not-a-uuid"), headers=KEY, params={"limit": 0}).status_code == 400


def test_variation_error_shape():
    with serving("tenant-key", variation="error-shape") as client:
        assert client.get(url(UNKNOWN_UUID)).json() == {"error": {"code": 401, "message": "Invalid or missing API key"}}
        assert client.get("/nope").json() == {"error": {"code": 404, "message": "Not Found"}}


def test_variation_extra_fields():
    with serving("tenant-key", variation="extra-fields") as client:
        body = client.get(url(TK.roles["populated"]), headers=KEY).json()
        assert body["next_offset"] == 50
        assert all(m["chat_id"] == TK.roles["populated"] and m["edited"] is False for m in body["messages"])
        expected = in_order(TK.chat("populated"))[:50]
        assert [{k: m[k] for k in want} for m, want in zip(body["messages"], expected)] == expected


@pytest.mark.parametrize("path", [url(TK.roles["populated"]), url("bad"), "/nope"])
def test_variation_charset(path):
    with serving("tenant-key", variation="charset") as client:
        assert client.get(path, headers=KEY).headers["content-type"] == "application/json; charset=utf-8"


def test_variation_charset_in_org_token():
    with serving("org-token", variation="charset") as client:
        response = client.get(url(ORG.roles["empty"]), headers=TOKEN)
        assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_variation_gzip():
    with serving("tenant-key", variation="gzip") as client:
        response = client.get(url(TK.roles["empty"]), headers={**KEY, "Accept-Encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"
        assert response.json()["total"] == 0


def test_variation_connection_close():
    with serving("tenant-key", variation="connection-close") as client:
        for path in (url(TK.roles["populated"]), "/nope"):
            assert client.get(path, headers=KEY).headers["connection"] == "close"


def test_variation_empty_limit_default():
    with serving("tenant-key", variation="empty-limit-default") as client:
        response = client.get(url(TK.roles["populated"]) + "?limit=&offset=&order=", headers=KEY)
        body = response.json()
        assert (response.status_code, body["offset"], body["limit"]) == (200, 0, 50)
        assert client.get(url(TK.roles["populated"]), headers=KEY, params={"limit": "x"}).status_code == 400


def test_variation_tiebreak_insertion_in_org_token():
    with serving("org-token", variation="tiebreak-insertion") as client:
        chat = ORG.chat("populated")
        assert in_order(chat, "insertion") != in_order(chat)
        assert client.get(url(chat.id), headers=TOKEN).json() == in_order(chat, "insertion")


def test_variation_org_extra_fields():
    with serving("org-token", variation="org-extra-fields") as client:
        served = client.get(url(ORG.roles["populated"]), headers=TOKEN).json()
        assert all(m["edited"] is False and m["attachments"] == [] for m in served)
        assert [{k: m[k] for k in want} for m, want in zip(served, in_order(ORG.chat("populated")))] == in_order(
            ORG.chat("populated")
        )


# ================================================================ command line


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reference", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize("profile", ["tenant-key", "org-token"])
def test_cli_prints_the_real_port_and_serves(profile):
    process = subprocess.Popen(
        [sys.executable, "-m", "reference", "--port", "0", "--profile", profile],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    killer = threading.Timer(30, process.kill)  # a stuck start must not hang the test run
    killer.start()
    try:
        line = process.stdout.readline()
        match = re.fullmatch(rf"serving {profile} on (http://127\.0\.0\.1:(\d+)) \(dataset .+\)\n", line)
        assert match and match[2] != "0", line + process.stderr.read()
        headers = KEY if profile == "tenant-key" else TOKEN
        chat_id = dataset(profile).roles["empty"]
        assert httpx.get(match[1] + url(chat_id), headers=headers).status_code == 200
    finally:
        process.terminate()
        process.wait(10)
        killer.cancel()
    assert process.returncode == 0, process.stderr.read()


def test_cli_malformed_dataset_exits_2_without_traceback(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"tenants": {}}')
    result = run_cli("--port", "0", "--dataset", str(broken))
    assert result.returncode == 2
    assert f"{broken}: 'chats' is a required property" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("option, listed", [("--mutant", ["limit-not-capped", "hang"]),
                                            ("--variation", ["tiebreak-insertion", "gzip"])])
def test_cli_unknown_switch_exits_2_listing_names(option, listed):
    result = run_cli("--port", "0", option, "typo")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert all(name in result.stderr for name in listed)
