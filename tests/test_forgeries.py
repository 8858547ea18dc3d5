"""Tokens forged from a JWT without its secret: built from the given token only, and where the token is no JWT,
the requirement is skipped, saying why, and no gate waits on it."""

from __future__ import annotations

import json

import pytest

from conformance.dataset import load_dataset
from conformance.forgeries import FORGERIES, NOT_A_JWT, forged, jwt_parts
from conformance.profiles import default_dataset_path
from harness import run_suite
from reference import tokens
from reference.app import create_app
from reference.serve import start_in_thread

JWT = tokens.issue({"org_id": "primary", "jti": "0f3a"})
FORGED_ID = "ORG-AUTH-JWT-FORGED-401"


def test_alg_none_keeps_the_claims_under_an_unsigned_header():
    token = forged(JWT, "alg none")
    header, claims, signature = tokens.parts(token)
    assert header == {"alg": "none", "typ": "JWT"} and claims == tokens.parts(JWT)[1] and signature == ""


def test_signature_stripped_keeps_header_and_claims():
    assert forged(JWT, "signature stripped") == JWT.rpartition(".")[0] + "."


@pytest.mark.parametrize("how", list(FORGERIES))
def test_a_forgery_keeps_the_scheme_and_is_never_valid(how):
    token = forged(f"Bearer {JWT}", how)
    assert token.startswith("Bearer ") and tokens.verified(token.removeprefix("Bearer ")) is None
    assert tokens.verified(JWT) is not None


@pytest.mark.parametrize("token", ["org_624f0604be07fe12d62dfbc8897eeff81b54ab13", "a.b.c", "eyJ4IjoxfQ.eyJ4IjoxfQ.x",
                                   "Bearer opaque-token-123", JWT + ".extra", ""])
def test_a_token_that_is_not_a_jwt_gives_no_forgery(token):
    assert jwt_parts(token.rpartition(" ")[2]) is None
    assert all(forged(token, how) is None for how in FORGERIES)


@pytest.mark.slow
def test_an_opaque_token_leaves_the_requirement_skipped_and_the_gate_passing(tmp_path):
    doc = json.loads(default_dataset_path("org-token").read_text(encoding="utf-8"))
    for name, tenant in doc["tenants"].items():
        tenant["api_key"] = f"org_opaque_{name}_5c0ffee"
    path = tmp_path / "opaque.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    running = start_in_thread(create_app(load_dataset(path, "org-token"), "org-token"))
    try:
        run = run_suite("--profile", "org-token", "--dataset", str(path), base_url=running.url)
    finally:
        running.stop()
    result = next(r for r in run.report["requirements"] if r["id"] == FORGED_ID)
    assert result["status"] == "skip" and any(NOT_A_JWT in reason for reason in result["reasons"]), result
    assert run.returncode == 0 and run.report["passed_gate"], run.output[-2000:]
    assert run.report["unverified_gated"] == []
