"""What a GET can meet instead of an answer: the target's fault (TargetError, Unreachable), or a bound of the run
that stops the rest of it (BudgetExhausted and its kinds, Interrupted)."""

from __future__ import annotations


class TargetError(Exception):
    """The target's answer could not be read: a reset mid-answer, an oversized body."""

    har_id: str | None = None  # the HAR entry that records it (--record, --from-har)


class Unreachable(TargetError):
    """No answer at all: the connection failed (refused, DNS, TLS) or timed out."""


class BudgetExhausted(TargetError):
    """--max-requests was reached; the rest of the run is stopped."""


class DurationExceeded(BudgetExhausted):
    """--max-duration was reached; the rest of the run is stopped."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM stopped the run: raised by the next request when the signal could not stop it where it landed."""


class TargetSilent(BudgetExhausted):
    """The target stopped answering: requests in a row got no answer for several request timeouts; the rest of the run
    is stopped rather than waiting out every request."""


class ThrottleExhausted(BudgetExhausted):
    """The target kept throttling (429, 503 with Retry-After) past --max-throttle-wait; the rest of the run is stopped."""


# A failure written to a recording (its `_error`) and raised again by a replay, by its type's name; any other name is
# read as a TargetError.
RECORDED = {"Unreachable": Unreachable, "TargetError": TargetError}
