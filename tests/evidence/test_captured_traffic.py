"""--from-har of traffic captured elsewhere: the docs' own client, run against the reference server and mutants,
captured as HAR by the test and judged passively by the registry's rules.

Most cases are judged in this process (conformance/evidence/ judges entries in memory as well as files); a few run the suite
in a subprocess for the wiring: exit status, report.json, report.md, junit XML, the summary line, the masking.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from conformance import evidence, har
from conformance.forgeries import forged
from conformance.masking import encodings
from conformance.profiles import profile as profile_named
from captures import captured, docs_client, har_of, judged, odd_requests, outcome, relabelled
from harness import load_switches, run_suite, serve, shipped_dataset


# ------------------------------------------------------------------ in process: the reference and mutants

@pytest.mark.parametrize("profile", ["tenant-key", "org-token"])
def test_the_reference_passes_what_the_docs_client_exercises(profile):
    failed, passed = outcome(judged(profile, captured(profile, None)))
    assert not failed
    one_answer = {"tenant-key": {"ENV-SHAPE", "MSG-SHAPE", "PAGE-OFFSET-ECHO", "PAGE-TOTAL", "CHAT-EMPTY",
                                 "PAGE-CHAT-SCOPED"},
                  "org-token": {"ORG-BODY-ARRAY", "ORG-MSG-SHAPE", "ORG-MSG-CHAT-ID", "ORG-CREATED-AT-RFC3339"}}[profile]
    assert one_answer <= passed, one_answer - passed
    # Rules that ran and held, on traffic without the situations where they can break: not exercised, saying why.
    verdicts = judged(profile, captured(profile, None))
    held_only = {"tenant-key": {"HTTP-NO-5XX": "status 401", "PAGE-HAS-MORE": "exactly one message after it",
                                "PAGE-LENGTH": "order=desc", "ORDER-ASC": "without order",
                                "PAGE-OFFSET-PAST-END": "past the end", "PAGE-PARTITION": "equal created_at"},
                 "org-token": {"ORG-NO-5XX": "status 400", "ORG-ERROR-BODY": "status 401"}}[profile]
    for req_id, lacking in held_only.items():
        verdict = verdicts[req_id]
        assert verdict.held_on and not verdict.passed and not verdict.exercised, req_id
        assert any(lacking in situation for situation in verdict.lacking), (req_id, verdict.lacking)
    # What the docs' client never sends (a limit above 100, no key, a repeated parameter) is not exercised.
    assert not passed & {"PARAM-LIMIT-ABOVE-MAX-400", "AUTH-MISSING-401", "PARAM-DEFAULTS", "ORG-AUTH-MISSING-401",
                         "AUTH-FOREIGN-404", "ORG-AUTH-FOREIGN-403"}


@pytest.mark.parametrize("profile", ["tenant-key", "org-token"])
def test_messages_that_quote_internals_are_the_chat_s_data_not_the_server_s(profile):
    """IMPL-MESSAGES-ARE-DATA: a developers' chat quotes tracebacks, panics and SQL errors; its pages pass the rule
    about the server's internals, which ran on each of them."""
    with serve(profile, variation="messages-quote-internals") as url:
        verdicts = judged(profile, json.dumps(har_of(docs_client(url, profile))))
    failed, _ = outcome(verdicts)
    assert not failed
    internals = verdicts[{"tenant-key": "HTTP-NO-STACK-TRACE", "org-token": "ORG-NO-INTERNALS"}[profile]]
    assert internals.held_count >= 2 and not internals.broken


# Mutants whose defect the docs' client's traffic shows: caught under one of the ids they violate.
CAUGHT = {
    "tenant-key": ["has-more-full-page", "has-more-ignores-offset", "total-page-length", "count-missing-chat-filter",
                   "offset-echo-next", "limit-echo-page-length", "fetch-one-extra", "insertion-order",
                   "sender-role-ai", "metadata-null", "created-at-naive", "content-type-missing", "foreign-chat-403",
                   "message-ids-per-chat", "no-chat-filter", "foreign-message-leak"],
    "org-token": ["org-envelope", "org-token-count-string", "org-chat-id-row-id", "org-foreign-chat-404",
                  "org-response-time-string"],
}
# Mutants whose defect that traffic cannot show: every id they violate is reported not exercised, none failed.
NOT_SHOWN = {
    "tenant-key": ["limit-not-capped", "missing-key-200", "default-limit-20", "order-invalid-default",
                   "foreign-chat-200", "key-case-insensitive"],
    "org-token": ["org-missing-token-403", "org-first-20", "org-non-integer-id-404", "foreign-chat-200"],
}


def violated(profile: str, mutant: str) -> set[str]:
    found = [m for m in load_switches("mutants") if m["name"] == mutant and m["profile"] == profile]
    assert found, f"no mutant {mutant} in {profile}"
    return set(found[0]["violates"])


@pytest.mark.parametrize("profile, mutant", [(p, m) for p, names in CAUGHT.items() for m in names])
def test_a_mutant_the_docs_client_shows_is_caught_under_its_id(profile, mutant):
    failed, _ = outcome(judged(profile, captured(profile, mutant)))
    assert failed & violated(profile, mutant), (failed, violated(profile, mutant))


@pytest.mark.parametrize("switch", [m for m in load_switches("mutants") if not m["suite_args"]],
                         ids=lambda m: f"{m['profile']}-{m['name']}")
def test_no_mutant_passes_a_requirement_it_violates_on_the_docs_client_traffic(switch):
    """Whatever the traffic shows or not: an id a mutant violates is failed or not exercised, never passed (its rules
    held on this traffic only where it lacks the situation the defect needs)."""
    verdicts = judged(switch["profile"], captured(switch["profile"], switch["name"]))
    passed = {i for i, v in verdicts.items() if v.passed}
    assert not passed & set(switch["violates"]), passed & set(switch["violates"])


def test_traffic_holding_the_situations_passes_the_reference_and_catches_what_it_shows():
    """The docs' loop at limit 100 plus what a richer client sends (pages in both orders and without order, one that
    leaves one message, one past the end, odd pages that cut a tie between offsets of different parity): the
    situations of PAGE-HAS-MORE, PAGE-LENGTH, ORDER-ASC, ORDER-DESC, PAGE-OFFSET-PAST-END hold; the reference passes
    them and a mutant of each is caught under its id."""
    data = shipped_dataset("tenant-key")
    chat, key = data.roles["populated"], data.tenants["primary"]
    total = len(data.chat("populated").messages)
    queries = [{"offset": total - 3, "limit": 2, "order": "asc"}, {"offset": 0, "limit": 5, "order": "desc"},
               {"offset": 0, "limit": 5}, {"offset": total + 5, "limit": 10, "order": "asc"},
               *({"offset": o, "limit": 7 if o % 2 else 6, "order": "asc"} for o in _odd_even_walk(total))]

    def rich(mutant):
        with serve("tenant-key", mutant=mutant) as url:
            responses = docs_client(url, "tenant-key")
            with httpx.Client(base_url=url, event_hooks={"response": [lambda r: (r.read(), responses.append(r))]}) as c:
                for query in queries:
                    c.get(f"/api/v1/chats/{chat}/messages", params=query, headers={"X-API-Key": key})
        return judged("tenant-key", json.dumps(har_of(responses)))

    reference = rich(None)
    assert not {i for i, v in reference.items() if v.broken}
    assert {"PAGE-HAS-MORE", "PAGE-LENGTH", "ORDER-ASC", "ORDER-DESC", "PAGE-OFFSET-PAST-END"} <= \
        {i for i, v in reference.items() if v.passed}
    for mutant, req_id in [("has-more-off-by-one", "PAGE-HAS-MORE"), ("default-order-desc", "ORDER-ASC"),
                           ("offset-past-end-404", "PAGE-OFFSET-PAST-END")]:
        assert rich(mutant)[req_id].broken, mutant


def _odd_even_walk(total: int) -> list[int]:
    """Offsets of a walk whose pages alternate 6 and 7 messages: consecutive pages start at offsets of different
    parity, so its boundaries cut the chat's groups of equal created_at the way an unstable sort shows."""
    offsets, offset = [], 0
    while offset < total:
        offsets.append(offset)
        offset += 7 if offset % 2 else 6
    return offsets


@pytest.mark.parametrize("profile, mutant", [(p, m) for p, names in NOT_SHOWN.items() for m in names])
def test_a_mutant_the_docs_client_cannot_show_is_not_exercised_never_passed(profile, mutant):
    verdicts = judged(profile, captured(profile, mutant))
    failed, _ = outcome(verdicts)
    assert not failed
    exercised = {i for i, v in verdicts.items() if v.exercised}
    assert not violated(profile, mutant) & exercised, violated(profile, mutant) & exercised


@pytest.mark.parametrize("profile, mutant", [("tenant-key", "foreign-chat-200"), ("org-token", "foreign-chat-200")])
def test_tenants_told_apart_by_labels_catch_a_leak_raw_keys_cannot(profile, mutant):
    foreign = {"tenant-key": "AUTH-FOREIGN-404", "org-token": "ORG-AUTH-FOREIGN-403"}[profile]
    assert foreign in outcome(judged(profile, relabelled(captured(profile, mutant), profile)))[0]
    assert foreign in outcome(judged(profile, relabelled(captured(profile, None), profile)))[1]


def test_a_walk_is_assembled_from_consecutive_offsets_and_judged_across_its_pages():
    text = captured("tenant-key", "unstable-ties")
    verdicts = judged("tenant-key", text)
    walk_entries = list(verdicts["PAGE-PARTITION"].held_on.values()) + [e for v in verdicts["PAGE-PARTITION"].broken
                                                         for e in [v.exchange.har_id]]
    assert len(walk_entries) >= 3  # the populated chat's three pages of 100, 100 and 40


def test_a_walk_under_which_the_total_grew_is_inconclusive_not_failed():
    data = json.loads(captured("tenant-key", None))
    populated = shipped_dataset("tenant-key").roles["populated"]
    for item in data["log"]["entries"]:
        if populated in item["request"]["url"] and "limit=100" in item["request"]["url"]:
            body = json.loads(item["response"]["content"]["text"])
            if body["offset"] == 0:  # the first page: two messages arrived after it was read
                body["total"] -= 2
                item["response"]["content"]["text"] = json.dumps(body)
    verdicts = judged("tenant-key", json.dumps(data))
    assert verdicts["PAGE-PARTITION"].inconclusive and not verdicts["PAGE-PARTITION"].broken


def test_entries_off_the_endpoint_or_without_an_answer_are_set_aside():
    data = json.loads(captured("tenant-key", None))
    entries = data["log"]["entries"]
    first = entries[0]
    other_path = json.loads(json.dumps(first))
    other_path["request"]["url"] = first["request"]["url"].replace("/messages", "/members")
    post = json.loads(json.dumps(first))
    post["request"]["method"] = "POST"
    unanswered = json.loads(json.dumps(first))
    unanswered["response"]["status"] = 0
    throttled = json.loads(json.dumps(first))
    throttled["response"]["status"] = 429
    data["log"]["entries"] = [other_path, post, unanswered, throttled, *entries]
    profile = profile_named("tenant-key")
    capture = evidence.judge_entries(data["log"]["entries"], "x", profile, profile.auth_header)
    assert capture.judged == len(entries) and sum(capture.set_aside.values()) == 3
    with pytest.raises(evidence.CaptureError, match="no exchange of GET"):
        evidence.judge_entries([other_path, post, unanswered], "x", profile, profile.auth_header)
    with pytest.raises(evidence.CaptureError, match="under http://gateway.example/v2"):  # --base-url: only under it
        evidence.judge_entries(entries, "x", profile, profile.auth_header, "http://gateway.example/v2")


# ------------------------------------------------------------------ the suite in a subprocess

def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("profile, mutant", [("tenant-key", None), ("tenant-key", "has-more-full-page"),
                                             ("org-token", "org-token-count-string")])
def test_the_suite_judges_a_capture_and_no_key_reaches_any_output(profile, mutant, tmp_path):
    path = write(tmp_path, "capture.har", captured(profile, mutant))
    run = run_suite("--profile", profile, "--from-har", str(path), "-n", "2" if mutant is None else "0")
    assert run.returncode == (0 if mutant is None else 1), run.output[-3000:]
    statuses = run.statuses()
    assert run.report["mode"] == "passive" and run.report["har"]["captured"] == str(path)
    not_exercised = [i for i, s in statuses.items() if s == "not-exercised"]
    assert not_exercised and sorted(run.report["not_exercised"]) == sorted(not_exercised)
    assert set(statuses.values()) <= {"pass", "fail", "not-exercised", "inconclusive"}
    assert f"{len(not_exercised)} not exercised by this traffic" in run.report["summary"] in run.output
    assert run.report["passed_gate"] == (mutant is None)
    if mutant is not None:
        assert run.failed() & violated(profile, mutant)
        entries = [r["har_entries"] for r in run.report["requirements"] if r["status"] == "fail"]
        assert all(e and all(x.startswith("#") for x in e) for e in entries), entries
    junit = run.files["junit.xml"].decode()
    assert "not exercised by this traffic" in junit and "not exercised by this traffic" in run.files[
        "report/report.md"].decode()
    everything = run.output.encode() + b"".join(data for name, data in run.files.items())
    for key in shipped_dataset(profile).tenants.values():
        for form in encodings(key):
            assert form.encode() not in everything, "a form of a captured key is in the output"


@pytest.mark.slow
def test_unusable_files_are_one_line_and_exit_4(tmp_path):
    entry = har.entry(entry_id="", started_at=0, seconds=0, url="http://127.0.0.1:9/api/v1/other", request_headers=[],
                      auth=None, status=200, response_headers=[], body=b"")
    cases = [
        (write(tmp_path, "bad.har", '{"log": {"version": "1.2", "entries": [1]}}'), "entry 0: not an object"),
        (write(tmp_path, "truncated.har", '{"log": {"version": "1.2", "entries": ['), "not JSON"),
        (write(tmp_path, "v2.har", '{"log": {"version": "2.0", "entries": []}}'), "HAR version '2.0'"),
        (write(tmp_path, "empty.har", '{"log": {"version": "1.2", "entries": []}}'), "no exchange of GET"),
        (write(tmp_path, "other.har", json.dumps({"log": {"version": "1.2", "entries": [entry]}})),
         "no exchange of GET /api/v1/chats/{chat_id}/messages to judge among its 1 entries"),
    ]
    for path, says in cases:
        run = run_suite("--from-har", str(path), timeout=60)
        assert run.returncode == 4, (path.name, run.output[-1500:])
        assert says in run.output and "Traceback" not in run.output, (path.name, run.output[-1500:])


def stripped(text: str, profile: str) -> str:
    """The capture as a sanitized browser export writes it: no request carries the auth header."""
    data = json.loads(text)
    header = profile_named(profile).auth_header.lower()
    for item in data["log"]["entries"]:
        item["request"]["headers"] = [h for h in item["request"]["headers"] if h["name"].lower() != header]
    return json.dumps(data)


@pytest.mark.parametrize("profile", ["tenant-key", "org-token"])
def test_a_capture_without_any_auth_header_judges_no_key_rule(profile):
    verdicts = judged(profile, stripped(captured(profile, "missing-key-200"), profile))
    failed, _ = outcome(verdicts)
    assert not failed
    assert not {i for i, v in verdicts.items() if v.exercised} & violated(profile, "missing-key-200")


@pytest.mark.parametrize("profile, mutant", [("tenant-key", "missing-key-200"), ("tenant-key", "limit-not-capped"),
                                             ("tenant-key", "malformed-id-500"), ("org-token", "missing-key-200"),
                                             ("org-token", "org-non-integer-id-422")])
def test_requests_without_a_key_or_with_bad_values_are_held_to_their_rules(profile, mutant):
    failed, passed = outcome(judged(profile, odd_requests(profile, None)))
    assert not failed
    assert violated(profile, mutant) & passed
    assert outcome(judged(profile, odd_requests(profile, mutant)))[0] & violated(profile, mutant)


def test_not_exercised_is_neither_passed_nor_failed_and_passes_no_gate():
    from conformance.results import CHECKS, NOT_EXERCISED, Results

    results = Results("tenant-key", {})
    ids = list(results.by_id)
    for req_id in ids:
        results.record(f"t[{req_id}]", "skipped", {CHECKS: req_id, NOT_EXERCISED: req_id}, "not exercised by this traffic")
    assert {r.status for r in results.by_id.values()} == {"not-exercised"}
    assert not results.passed_gate("must") and results.counts() == {}
    assert results.summary_line() == f"{len(ids)} not exercised by this traffic"
    results.record(f"t[{ids[0]}]", "passed", {CHECKS: ids[0]}, "")
    assert results.passed_gate("must") and results.by_id[ids[0]].status == "pass"


def forged_requests(mutant: str | None) -> str:
    """The docs' client's org-token traffic and a token forged from its JWT (alg none), labelled as --record labels
    them (the forged one `<forged: alg none>`)."""
    data = shipped_dataset("org-token")
    key, chat = data.tenants["primary"], data.roles["populated"]
    with serve("org-token", mutant=mutant) as url:
        responses = docs_client(url, "org-token")
        with httpx.Client(base_url=url) as client:
            responses.append(client.get(f"/api/v1/chats/{chat}/messages",
                                        headers={"Authorization": forged(key, "alg none")}))
    return relabelled(json.dumps(har_of(responses)), "org-token", {forged(key, "alg none"): "<forged: alg none>"})


def test_a_forged_token_labelled_so_is_held_to_its_rule():
    forged_id = "ORG-AUTH-JWT-FORGED-401"
    assert forged_id in outcome(judged("org-token", forged_requests(None)))[1]
    assert forged_id in outcome(judged("org-token", forged_requests("org-jwt-alg-none")))[0]
