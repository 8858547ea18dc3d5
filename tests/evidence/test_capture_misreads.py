"""What real tools write into a HAR that passive judging must not misread: entries without an answer, bodies kept in
side files, answers from the browser's cache, and reads of one chat that only agree with each other when compared."""

from __future__ import annotations

import copy
import hashlib
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from conformance import evidence, har
from conformance.profiles import profile as profile_named
from captures import captured, judged, outcome

TENANT_KEY = profile_named("tenant-key")


def entries_of(text: str) -> list[dict[str, Any]]:
    return json.loads(text)["log"]["entries"]


def document(entries: list[dict[str, Any]]) -> str:
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "a browser", "version": "1"}, "entries": entries}})


def pages_of(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["response"]["status"] == 200]


def test_entries_without_an_answer_are_set_aside_whatever_the_tool_writes():
    """Playwright writes a request the browser blocked (CORS) as status -1, no headers, mimeType x-unknown and
    `_failureText`; browsers' exports write status 0; others `_error`. None is an answer of the server."""
    entries = entries_of(captured("tenant-key", None))
    blocked = copy.deepcopy(entries[0])
    blocked["response"] = {"status": -1, "statusText": "", "httpVersion": "", "headers": [], "cookies": [],
                           "content": {"size": -1, "mimeType": "x-unknown"}, "headersSize": -1, "bodySize": -1,
                           "redirectURL": "", "_failureText": "net::ERR_FAILED"}
    cancelled = copy.deepcopy(blocked)
    cancelled["response"].update(status=0)
    del cancelled["response"]["_failureText"]
    failed = copy.deepcopy(entries[0])
    failed["_error"] = "connection reset"
    failed["response"]["status"] = 200
    failed["response"]["content"] = {"size": 0, "mimeType": "text/plain", "text": "truncated"}
    with_them = entries + [blocked, cancelled, failed]
    capture = evidence.judge_entries(with_them, "x", TENANT_KEY, TENANT_KEY.auth_header)
    assert capture.judged == len(entries)
    assert sum(n for why, n in capture.set_aside.items() if "without an answer" in why) == 3
    assert outcome(capture.verdicts) == outcome(judged("tenant-key", captured("tenant-key", None)))
    assert not outcome(capture.verdicts)[0]


def attach(text: str, folder: Path) -> list[dict[str, Any]]:
    """The capture as Playwright's record_har_content="attach" writes it: each body in a file named by its SHA-1
    beside the HAR (content._file), no content.text."""
    entries = entries_of(text)
    for item in entries:
        content = item["response"]["content"]
        body = har.body_of(content)
        name = hashlib.sha1(body).hexdigest() + ".json"
        (folder / name).write_bytes(body)
        content.pop("text", None)
        content.pop("encoding", None)
        content["_file"] = name
    return entries


def judged_file(path: Path, profile: str = "tenant-key") -> tuple[evidence.Capture, Mapping[str, evidence.Verdict]]:
    value = profile_named(profile)
    capture = evidence.judge_source(evidence.source_of(str(path)), value, value.auth_header)
    return capture, capture.verdicts


@pytest.mark.parametrize("mutant", [None, "has-more-full-page"])
def test_bodies_in_side_files_are_read_beside_the_file_and_in_a_zip(tmp_path, mutant):
    inline = outcome(judged("tenant-key", captured("tenant-key", mutant)))
    folder = tmp_path / "beside"
    folder.mkdir()
    path = folder / "capture.har"
    path.write_text(document(attach(captured("tenant-key", mutant), folder)), encoding="utf-8")
    capture, verdicts = judged_file(path)
    assert capture.bodies_missing == 0 and outcome(verdicts) == inline
    assert "ENV-SHAPE" in inline[1] and (mutant is None or "PAGE-HAS-MORE" in inline[0])  # the body rules ran
    archive = tmp_path / "capture.zip"  # Playwright's default for a .zip record_har_path
    with zipfile.ZipFile(archive, "w") as out:
        for side in folder.iterdir():
            out.write(side, "har.har" if side.name == "capture.har" else side.name)
    capture, verdicts = judged_file(archive)
    assert capture.bodies_missing == 0 and outcome(verdicts) == inline


def test_side_files_that_are_missing_are_said_in_the_target_line_and_the_report(tmp_path):
    path = tmp_path / "capture.har"
    entries = attach(captured("tenant-key", None), tmp_path)
    gone = {e["response"]["content"]["_file"] for e in pages_of(entries)[:2]}
    for name in gone:
        (tmp_path / name).unlink()
    path.write_text(document(entries), encoding="utf-8")
    capture, verdicts = judged_file(path)
    missing = sum(e["response"]["content"]["_file"] in gone for e in entries)
    assert capture.bodies_missing == missing >= 2
    assert f"{missing} answer bodies kept in side files (content._file) not found" in capture.describe()
    assert not outcome(verdicts)[0]

    from conformance.report import render_markdown, report_data
    from conformance.results import Results

    facts = {"captured": str(path), "entries": capture.entries, "judged": capture.judged,
             "set_aside": dict(capture.set_aside), "bodies_missing": capture.bodies_missing}
    data = report_data(Results("tenant-key", {}), "x", "passive", "must", facts)
    assert f"**{missing} answer bodies** the capture keeps in side files" in render_markdown(data)


def test_answers_from_the_browsers_cache_are_set_aside_as_cached():
    """A revalidated 304 written as a 200 with the cached body (`_fromCache`), a memory-cache hit (a 200 of
    `_transferSize` 0), a 304: answers the server did not give at that time, even when stale."""
    entries = entries_of(captured("tenant-key", None))
    stale = []
    for how in ({"_fromCache": "disk"}, {"response": {"_transferSize": 0}}, {"response": {"status": 304}}):
        item = copy.deepcopy(pages_of(entries)[0])
        body = json.loads(item["response"]["content"]["text"])
        body["total"] += 7  # what the chat held when it was cached
        item["response"]["content"]["text"] = json.dumps(body)
        item.update({k: v for k, v in how.items() if k != "response"})
        item["response"].update(how.get("response", {}))
        stale.append(item)
    capture = evidence.judge_entries(entries + stale, "x", TENANT_KEY, TENANT_KEY.auth_header)
    assert sum(n for why, n in capture.set_aside.items() if "cache" in why) == 3
    assert outcome(capture.verdicts) == outcome(judged("tenant-key", captured("tenant-key", None)))


def page_length_totals(text: str) -> str:
    """The capture as a server whose total is the page's length answers it: every page consistent on its own (has_more
    false, as offset + length reaches such a total), so the docs' loop stops after its first page."""
    entries = entries_of(text)
    kept = []
    ended: set[str] = set()
    for item in entries:
        url = item["request"]["url"]
        chat = url.split("/chats/")[1].split("/")[0]
        if item["response"]["status"] == 200:
            body = json.loads(item["response"]["content"]["text"])
            if "limit=100" in url and chat in ended:
                continue  # the docs' loop stopped: has_more was false
            body["total"], body["has_more"] = len(body["messages"]), False
            item["response"]["content"]["text"] = json.dumps(body)
            if "limit=100" in url:
                ended.add(chat)
        kept.append(item)
    return document(kept)


def test_a_total_that_is_the_page_length_fails_when_two_reads_of_a_still_chat_are_compared():
    """On the docs' loop plus its single page of 20, each page alone is consistent with such a total; the loop's
    first page said 100 and the second read 20 of the same chat, with the same key, and it did not grow."""
    verdicts = judged("tenant-key", page_length_totals(captured("tenant-key", None)))
    assert "PAGE-TOTAL" in outcome(verdicts)[0]
    assert any("has not grown" in v.detail for v in verdicts["PAGE-TOTAL"].broken)
    assert not outcome(judged("tenant-key", captured("tenant-key", None)))[0]


def verdicts_of(entries: list[dict[str, Any]]) -> Mapping[str, evidence.Verdict]:
    return evidence.judge_entries(entries, "x", TENANT_KEY, TENANT_KEY.auth_header).verdicts


def test_reads_in_either_order_are_held_to_the_same_messages_at_the_same_offsets():
    entries = entries_of(captured("tenant-key", None))
    loop = [e for e in entries if "limit=100" in e["request"]["url"]]
    walk = [e for e in loop if e["request"]["url"].split("?")[0] == loop[0]["request"]["url"].split("?")[0]]
    first = json.loads(walk[0]["response"]["content"]["text"])
    total = first["total"]
    assert total > 10
    # A desc page of the chat's newest five messages: the reference's, then one that shows the asc order's first
    # five instead (each page alone in desc order, but not the messages at the mirrored offsets).
    desc = copy.deepcopy(walk[0])
    desc["request"]["url"] = desc["request"]["url"].replace("limit=100&order=asc", "limit=5&order=desc")
    newest = [m for e in walk for m in json.loads(e["response"]["content"]["text"])["messages"]][-5:][::-1]
    desc["response"]["content"]["text"] = json.dumps({**first, "limit": 5, "messages": newest, "has_more": True})
    assert not outcome(verdicts_of(entries + [desc]))[0]
    wrong = copy.deepcopy(desc)
    wrong["response"]["content"]["text"] = json.dumps({**first, "limit": 5, "messages": first["messages"][:5][::-1],
                                                       "has_more": True})
    verdicts = verdicts_of(entries + [wrong])
    assert outcome(verdicts)[0] == {"ORDER-SAME-SET"}
    # The same in one order: the loop's first page against a page of 5 at offset 3 showing other messages.
    again = copy.deepcopy(walk[0])
    again["request"]["url"] = again["request"]["url"].replace("offset=0&limit=100", "offset=3&limit=5")
    again["response"]["content"]["text"] = json.dumps({**first, "offset": 3, "limit": 5,
                                                       "messages": first["messages"][10:15]})
    verdicts = verdicts_of(entries + [again])
    assert "PAGE-PARTITION" in outcome(verdicts)[0]
