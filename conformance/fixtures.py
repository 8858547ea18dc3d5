"""The fixtures the checks ask for: the run's target and client, skips that say what to supply (`need`), the answer
to the request a check sends (`answer`), notes of what a rule was proven on (`note`), and the verdicts of captured
traffic. Registered by the plugin at configure time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from conformance import evidence, sends
from conformance.client import Client
from conformance.exchange import Exchange
from conformance.results import NOTE
from conformance.rules import ids_of
from conformance.run import started
from conformance.target import Target

SENT_AHEAD = pytest.StashKey[set]()  # the families of checks whose requests were sent ahead


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Target:
    return started(request.config).target


@pytest.fixture(scope="session")
def client(request: pytest.FixtureRequest) -> Client:
    return started(request.config).client


@pytest.fixture(scope="session")
def captured_verdicts(request: pytest.FixtureRequest) -> Mapping[str, evidence.Verdict]:
    """--from-har of captured traffic: requirement id → what the traffic showed of it."""
    return started(request.config).verdicts()


@pytest.fixture
def need(target: Target) -> Callable[..., None]:
    """need("api_key", "dataset", ...) skips the test, saying what to supply, unless the target has them all."""

    def need(*names: str) -> None:
        reason = target.missing(*names)
        if reason:
            # Reported at the test's location, not this fixture's.
            raise pytest.skip.Exception(reason, _use_item_location=True)

    return need


@pytest.fixture
def answer(request: pytest.FixtureRequest, client: Client, target: Target) -> Exchange:
    """The answer to the request the test sends (sends.py). The first test of a family to ask sends the requests of
    the whole family ahead, together (--concurrency); each test then judges its own answer in its turn."""
    call = sends.requested(request.node, target)
    if isinstance(call, str):
        raise pytest.skip.Exception(call, _use_item_location=True)
    sent = request.config.stash.setdefault(SENT_AHEAD, set())
    if sends.family(request.node) not in sent:
        sent.add(sends.family(request.node))
        client.send_ahead_messages(sends.calls_of_family(request.node, request.session.items, target))
    return client.get_messages(*call)


@pytest.fixture
def note(request: pytest.FixtureRequest, target: Target) -> Callable[..., None]:
    """note(text, *rules): what these rules were proven on, when it is less than everything (a chat too large to walk
    whole, walked in windows); shown beside them in the reports when they pass."""

    def note(text: str, *rules: Any) -> None:
        props = request.node.user_properties
        props[:] = noted(props, " ".join(ids_of(rules, target.profile)), text)

    return note


def noted(props: list[tuple[str, Any]], ids: str, text: str) -> list[tuple[str, Any]]:
    """The test's properties with `text` noted for `ids`: one NOTE property, a line per note."""
    line = f"{ids}\t{text}"
    earlier = next((i for i, (name, _) in enumerate(props) if name == NOTE), None)
    if earlier is None:
        return [*props, (NOTE, line)]
    return [*props[:earlier], (NOTE, props[earlier][1] + "\n" + line), *props[earlier + 1:]]
