"""org-token authentication beyond the common checks: tokens forged from the given JWT without its secret."""

from __future__ import annotations

import pytest

from conformance.forgeries import FORGERIES, NOT_A_JWT, forged
from conformance.masking import Secret
from conformance.sends import sends
from conformance.rules import access, checks
from conformance.violations import citing


def forged_request(target, how):
    token = forged(target.api_key, how)
    return NOT_A_JWT if token is None else (target.chat_id, None, Secret(token))


@checks(access.forged_token_401)
@pytest.mark.parametrize("how", list(FORGERIES))
@sends(forged_request)
def test_token_forged_from_the_jwt_without_its_secret_is_answered_401(answer, target, how):
    with citing(answer):
        access.forged_token_401[target.profile](answer.status, f"the given JWT forged without its secret ({how})")
