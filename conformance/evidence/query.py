"""What a captured request asked: its query read as the docs define it, and whether its chat id has the profile's
form."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from conformance import parameters
from conformance.parameters import DEFAULTS, MAX_LIMIT
from conformance.profiles import Profile
from conformance.rules import params


@dataclass(frozen=True)
class Query:
    """The request's parameters, the documented defaults where absent (tenant-key); `problems` the values the
    docs do not allow, each with the rule that refuses it; `odd` a query no rule here reads (a repeated or
    empty value: judged by the live suite, which chooses its inputs)."""

    offset: int = DEFAULTS["offset"]
    limit: int = DEFAULTS["limit"]
    order: str = DEFAULTS["order"]
    problems: tuple[tuple[Any, str], ...] = ()
    odd: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems and not self.odd

    @classmethod
    def of(cls, pairs: Sequence[tuple[str, str]], profile: Profile) -> Query:
        if not profile.messages_key:
            return cls()  # org-token defines no parameter; others are ignored (params.unknown_ignored)
        given: dict[str, list[str]] = defaultdict(list)
        for name, value in pairs:
            given[name].append(value)
        if any(len(given[n]) > 1 or given[n] == [""] for n in DEFAULTS if n in given):
            return cls(odd=True)
        values = {n: given[n][0] for n in DEFAULTS if n in given}
        problems: list[tuple[Any, str]] = []
        offset, limit, order = DEFAULTS["offset"], DEFAULTS["limit"], DEFAULTS["order"]
        if "offset" in values:
            if (number := parameters.integer(values["offset"])) is not None:
                offset = number
            else:
                problems.append((params.offset_invalid_refused, f"offset={values['offset']}"))
        if "limit" in values:
            text = values["limit"]
            if (number := parameters.integer(text)) is None:
                problems.append((params.limit_invalid_refused, f"limit={text}"))
            elif number > MAX_LIMIT:
                problems.append((params.limit_above_max_refused, f"limit={text}"))
            elif number == 0:
                problems.append((params.limit_zero, "limit=0"))
            else:
                limit = number
        if "order" in values:
            if (read := parameters.order(values["order"].lower())) is not None:  # any case (IMPL-ORDER-CASE)
                order = read
            else:
                problems.append((params.order_invalid_refused, f"order={values['order']}"))
        return cls(offset, limit, order, tuple(problems))


def well_formed(chat: str, profile: Profile) -> bool:
    """A chat id of the profile's form (an integer; a UUID in any letter case)."""
    if profile.integer_chat_ids:
        return re.fullmatch(r"-?[0-9]+", chat) is not None
    try:
        uuid.UUID(chat)
    except ValueError:
        return False
    return len(chat) == 36
