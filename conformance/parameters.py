"""The query grammar of the docs (tenant-key): the parameters, their defaults, and how a value of each is read.

Written once, here: the rules (`rules/params.py`), the Schemathesis layer and its findings, passive judging
(`evidence/query.py`) and the reference server all read a query with it. A reader returns the value the docs allow,
or None for a value they do not (the caller decides what that means: a 400, a problem, a case not judged).
"""

from __future__ import annotations

import re
from typing import Any

DEFAULTS: dict[str, Any] = {"offset": 0, "limit": 50, "order": "asc"}
MAX_LIMIT = 100
ORDERS = ("asc", "desc")

_DIGITS = re.compile(r"[0-9]+")


def integer(value: Any) -> int | None:
    """A non-negative integer written in ASCII digits (an int as its decimal text), else None: not str.isdigit,
    which takes '²' and Arabic-Indic digits, nor int(), which takes ' 5', '+5' and '1_0'."""
    text = str(value)
    return int(text) if _DIGITS.fullmatch(text) else None


def limit(value: Any) -> int | None:
    """A page size the API serves: an integer from 1 to MAX_LIMIT."""
    number = integer(value)
    return number if number is not None and 1 <= number <= MAX_LIMIT else None


def order(value: Any) -> str | None:
    """asc or desc, as written (a reader that takes other cases lowers the value first: IMPL-ORDER-CASE)."""
    return value if value in ORDERS else None
