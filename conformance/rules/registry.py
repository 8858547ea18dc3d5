"""The rule registry: every requirement of the catalogue has its rule here, registered by id, and no other.

A rule is one small pure function over what was seen (an exchange, a page, a walk, values). It returns quietly
(or returns what it read), or calls `fail(detail)`. Calling the rule turns that into a Violation naming the
requirement id, with the exchange among its arguments attached as evidence. A rule that both API variants have
is registered once with one id per profile, and called bound to the run's profile: `rule[profile](...)`.
Level and statement come from the catalogue; `check_catalogue()` holds the two against each other.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

from conformance.catalogue import requirements
from conformance.violations import Violation, citing, every


class Broken(Exception):
    """Raised inside a rule by `fail`; the rule's caller sees a Violation under the rule's id."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def fail(detail: str) -> NoReturn:
    raise Broken(detail)


def status_problem(status: int, allowed: tuple[int, ...], what: str) -> str:
    return f"{what}: expected status {' or '.join(map(str, allowed))}, got {status}"


class _Named(Protocol):
    name: str


@dataclass(frozen=True, eq=False)
class Rule:
    """One rule: its function and its requirement id in each profile that has it."""

    function: Callable[..., Any]
    ids: Mapping[str, str]  # profile name → requirement id
    label: str | None = None  # its name when one function serves several rules
    reads: Callable[[Any], tuple[Any, ...] | None] | None = None  # its arguments from an answer (None: not for it)
    probe: Any = None  # answers.Probe: the requests that show it, sent by the common check of probed rules
    # profile name → this rule bound to its id there, made once (rules are bound per answer, at volume)
    bound: dict[str, Bound] = field(default_factory=dict, init=False, repr=False)

    @property
    def name(self) -> str:
        return self.label or self.function.__name__

    def id_in(self, profile: _Named | str) -> str | None:
        return self.ids.get(profile if isinstance(profile, str) else profile.name)

    def __getitem__(self, profile: _Named | str) -> Bound:
        name = profile if isinstance(profile, str) else profile.name
        bound = self.bound.get(name)
        if bound is None:
            req_id = self.ids.get(name)
            if req_id is None:
                raise KeyError(f"rule {self.name} has no requirement in profile {profile!r}")
            bound = self.bound[name] = Bound(self, req_id)
        return bound

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._only()(*args, **kwargs)

    def expect(self, status: int, allowed: Iterable[int], what: str) -> None:
        self._only().expect(status, allowed, what)

    def _only(self) -> Bound:
        if len(self.ids) != 1:
            raise TypeError(f"rule {self.name} has an id in {len(self.ids)} profiles: bind it, rule[profile](...)")
        (name,) = self.ids
        return self[name]

    def __repr__(self) -> str:
        return f"<rule {self.name} {'/'.join(self.ids.values())}>"


@dataclass(frozen=True)
class Bound:
    """A rule under one requirement id: calling it runs the rule and names that id on failure."""

    rule: Rule
    id: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            out = self.rule.function(*args, **kwargs)
        except Broken as broken:
            _tell(self.id, False)
            raise Violation(self.id, broken.detail, _exchange_in([*args, *kwargs.values()])) from None
        _tell(self.id, True)
        return out

    def on(self, answer: Any) -> None:
        """Apply the rule to one answer of its kind: to what it reads of it, if it applies."""
        with citing(_exchange_in([answer])):
            args = self.rule.reads(answer) if self.rule.reads is not None else (answer,)
            if args is not None:
                self(*args)

    def expect(self, status: int, allowed: Iterable[int], what: str) -> None:
        """The answer this rule reads must have one of these statuses; another breaks the rule."""
        allowed = tuple(allowed)
        _tell(self.id, status in allowed)
        if status not in allowed:
            raise Violation(self.id, status_problem(status, allowed, what))


# Who is told of every rule that runs: (requirement id, whether it held). A driver that must know which rules
# actually ran (passive judging of captured traffic: a requirement passes only where its rule ran) watches them.
_WATCHERS: contextvars.ContextVar[tuple[Callable[[str, bool], None], ...]] = contextvars.ContextVar(
    "rule_watchers", default=())


class watched:  # noqa: N801 - a context manager used as a function; a class, as it is entered per rule at volume
    """Within the block, callback(requirement id, held) is called for every rule that runs in this context."""

    __slots__ = ("callback", "token")

    def __init__(self, callback: Callable[[str, bool], None]) -> None:
        self.callback = callback

    def __enter__(self) -> None:
        self.token = watch(self.callback)

    def __exit__(self, *raised: Any) -> None:
        _WATCHERS.reset(self.token)


def watch(callback: Callable[[str, bool], None]) -> contextvars.Token[Any]:
    """What `watched` does on entry, for a block that is a class of its own (`unwatch(token)` on its exit)."""
    return _WATCHERS.set((*_WATCHERS.get(), callback))


def unwatch(token: contextvars.Token[Any]) -> None:
    _WATCHERS.reset(token)


def vouch(req_id: str) -> None:
    """A check that is not one of our rules (Schemathesis's own, mapped in findings.py) judged the requirement on an
    answer and found it held: its watchers are told so, as of a rule."""
    _tell(req_id, True)


def _tell(req_id: str, held: bool) -> None:
    for callback in _WATCHERS.get():
        callback(req_id, held)


def _exchange_in(args: Iterable[Any]) -> Any:
    from conformance.exchange import Exchange

    for arg in args:
        if isinstance(arg, Exchange):
            return arg
        if isinstance(getattr(arg, "exchange", None), Exchange):
            return arg.exchange
    return None


REGISTRY: dict[str, list[Rule]] = {}  # requirement id → the rules that check it


@dataclass(frozen=True, eq=False)
class Kind:
    """A kind of answer that checks hand to the rules whole (answers.py): every rule registered on it applies to
    each such answer, in the order the rules were registered (rules/__init__.py imports the modules in order)."""

    name: str

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(ON.get(self, ()))

    def __repr__(self) -> str:
        return f"<every {self.name}>"


ON: dict[Kind, list[Rule]] = {}  # kind of answer → the rules that apply to every answer of it
PROBED: list[Rule] = []  # the rules that declare the requests showing them (probe=)


def applicable(kind: Kind, profile: _Named | str) -> tuple[Bound, ...]:
    """The rules of `kind` that `profile` has, bound to its ids, in order; `bound.on(answer)` applies one."""
    name = profile if isinstance(profile, str) else profile.name
    rules = ON.get(kind, ())
    key = (kind, name, len(rules))  # rules registered later (a module imported since) make another key
    found = _APPLICABLE.get(key)
    if found is None:
        found = _APPLICABLE[key] = tuple(applying[name] for applying in rules if applying.id_in(name) is not None)
    return found


_APPLICABLE: dict[tuple[Kind, str, int], tuple[Bound, ...]] = {}


def judge(kind: Kind, answer: Any, profile: _Named | str) -> None:
    """Hold `answer` to every rule of `kind` that `profile` has, each whatever the others found; every broken one is
    raised at the end (one: its Violation; more: Violations)."""
    with every() as each:
        for bound in applicable(kind, profile):
            with each:
                bound.on(answer)


def expand(items: Iterable[Rule | Kind]) -> list[Rule]:
    """Rules as a check names them: a kind of answer stands for every rule registered on it."""
    return [r for item in items for r in (item.rules if isinstance(item, Kind) else (item,))]


def rule(*req_ids: str, name: str | None = None, on: Kind | None = None, probe: Any = None,
         reads: Callable[[Any], tuple[Any, ...] | None] | None = None) -> Callable[[Callable[..., Any]], Rule]:
    """Register the decorated function as the rule of these requirement ids (at most one per profile); `name`
    tells apart rules that share one function. A rule needs no check of its own when it says what answers show it:
    `on`, a kind of answer it applies to whenever a check reads one, or `probe` (answers.asking), requests of its
    own that a common check sends. `reads` takes from such an answer the rule's arguments (default: the answer),
    or None where the rule does not apply to it."""

    def register(function: Callable[..., Any]) -> Rule:
        known = requirements()
        unknown = [i for i in req_ids if i not in known]
        if unknown:
            raise LookupError(f"rule {function.__name__}: {', '.join(unknown)} not in the catalogue")
        ids = {known[i].profile: i for i in req_ids}
        if len(ids) != len(req_ids):
            raise ValueError(f"rule {function.__name__}: two ids of one profile ({', '.join(req_ids)})")
        registered = Rule(function, ids, name, reads, probe)
        for req_id in req_ids:
            REGISTRY.setdefault(req_id, []).append(registered)
        if on is not None:
            ON.setdefault(on, []).append(registered)
        if probe is not None:
            PROBED.append(registered)
        return registered

    return register


def check_catalogue() -> None:
    """Every requirement of the catalogue has a rule, and every rule a requirement (import-time invariant)."""
    missing = sorted(set(requirements()) - set(REGISTRY))
    if missing:
        raise LookupError(f"requirements without a rule: {', '.join(missing)}")


def ids_of(rules: Iterable[Rule | Kind], profile: _Named | str) -> list[str]:
    """The requirement ids these rules (a kind: its rules) check in `profile` (rules the profile lacks are left out)."""
    found = (r.id_in(profile) for r in expand(rules))
    return list(dict.fromkeys(i for i in found if i is not None))
