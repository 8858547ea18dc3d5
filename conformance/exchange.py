"""One GET of the endpoint and its answer, as every rule and report reads it: what the suite sent and was answered, or
what a capture holds (passive judging reads captures without the HTTP client, in a proxy's own environment too)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from conformance import strict_json


@dataclass(frozen=True)
class Exchange:
    """One GET and its answer. Holds no credential: the auth header is recorded masked."""

    url: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    elapsed: float = 0.0
    resend: Callable[[], Exchange] | None = field(default=None, repr=False, compare=False)  # the same GET again
    har_id: str | None = field(default=None, compare=False)  # its entry in the HAR file (--record, --from-har)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @cached_property
    def parsed(self) -> tuple[bool, Any]:
        try:
            return True, strict_json.loads(self.body)
        except strict_json.JSONError:
            return False, None

    def curl(self) -> str:
        parts = ["curl", "-X", "GET", shlex.quote(self.url)]
        for name, value in self.request_headers:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
        return " ".join(parts)

    def excerpt(self, limit: int = 800) -> str:
        """The status, content type and body, with a page's messages counted rather than printed."""
        ok, value = self.parsed
        if ok and isinstance(value, dict) and isinstance(value.get("messages"), list):
            text = json.dumps({k: (f"<{len(v)} messages>" if k == "messages" else v) for k, v in value.items()},
                              ensure_ascii=False)
        elif ok and isinstance(value, list) and value:
            text = f"<JSON array of {len(value)} items; the first: {json.dumps(value[0], ensure_ascii=False)}>"
        else:
            text = self.body.decode("utf-8", errors="replace")
        if len(text) > limit:
            text = text[:limit] + f"… ({len(self.body)} bytes)"
        return f"HTTP {self.status} ({self.content_type or 'no content type'})\n{text}"
