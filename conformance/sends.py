"""The one request a check sends, declared beside it as data (`@sends`), so that the requests of a family of checks
(one check over a table of inputs) can go out together (--concurrency) before each is judged in its turn. (The
requests a rule declares to show it are its probe: `rules/answers.py`.)

    @sends(lambda target, name, value: (target.chat_id, {name: value}, target.api_key))
    def test_invalid_parameter_is_rejected_with_400(answer, rule, name, value): ...

The declaration gets the run's target and the test's parameters by name and returns get_messages's arguments
(chat id, query, key), or a string saying why there is nothing to send for this case; `needs` names what of the
target it reads (Target.missing). The test is skipped, saying why, when either is lacking. The `answer` fixture
(plugin.py) is the Exchange that came back.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from conformance.target import Target

Call = tuple[Any, Any, Any]


def sends(request_of: Callable[..., Call | str], needs: tuple[str, ...] = ("api_key", "chat_id"),
          ) -> pytest.MarkDecorator:
    return pytest.mark.sends(request_of, needs=needs)


def requested(item: pytest.Item, target: Target) -> Call | str:
    """The get_messages arguments of the request this test sends, or why there is nothing to send to this target."""
    mark = item.get_closest_marker("sends")
    if mark is None:
        return "the test declares no request (@sends)"
    missing = target.missing(*mark.kwargs["needs"])
    if missing:
        return missing
    request_of = mark.args[0]
    callspec = getattr(item, "callspec", None)
    given = {"target": target, **(callspec.params if callspec is not None else {})}
    return request_of(**{name: given[name] for name in inspect.signature(request_of).parameters})


def family(item: pytest.Item) -> Any:
    """The check a parametrized test is one case of."""
    return getattr(item, "function", None)


def calls_of_family(item: pytest.Item, items: Iterable[pytest.Item], target: Target) -> list[Call]:
    """The requests of every selected test of `item`'s family (this run's selection: -k and deselection respected)."""
    calls = (requested(other, target) for other in items if family(other) is family(item))
    return [call for call in calls if not isinstance(call, str)]
