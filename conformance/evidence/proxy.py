"""Live passive judging through a proxy: a mitmproxy add-on that judges each exchange of the endpoint as it passes,
with the rules and ledger of captured traffic (judging.Judge), and writes a passive run's reports when mitmproxy
stops, and on SIGUSR1 while it runs (what was judged so far; the walks still open are judged in a copy).

    mitmdump -s "$(python -m conformance addon-path)" --mode reverse:https://api.example.com \\
        --set conformance_report=conformance-report [--set conformance_profile=org-token]

Loaded by mitmproxy from its path, in an environment that has mitmproxy and this package (installed without its
dependencies, with the few that judging needs: see docs/captured-traffic.md); it imports the judging modules only,
not the suite's HTTP client. Nothing is stored but what judging keeps (the ledger, the walks still open, the answers
whose access rules wait for the end), and every credential of every flow is masked before anything is judged or
written: keys are named `<captured key N>` by a fingerprint kept in memory only.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import logging
import signal
from collections import Counter
from typing import Any

from mitmproxy import http

from conformance.evidence.judging import Judge, capture_of
from conformance.evidence.reading import Captured, CaptureError, Reader, mask_credentials
from conformance.evidence.reports import write
from conformance.profiles import profile as profile_named

log = logging.getLogger("conformance")


def entry_of(flow: http.HTTPFlow) -> dict[str, Any]:
    """The flow as a HAR entry, as reading.Reader reads one (no answer: status 0 and the error)."""
    request, response = flow.request, flow.response
    entry: dict[str, Any] = {
        "request": {"method": request.method, "url": request.url, "httpVersion": request.http_version,
                    "headers": [{"name": k, "value": v} for k, v in request.headers.items(multi=True)],
                    "queryString": [{"name": k, "value": v} for k, v in request.query.items(multi=True)],
                    "cookies": []},
        "response": {"status": 0, "headers": [], "cookies": [], "content": {}},
    }
    if response is None:
        entry["_error"] = str(flow.error) if flow.error else "no answer"
        return entry
    body = response.get_content(strict=False) or b""
    try:
        content: dict[str, Any] = {"text": body.decode("utf-8")}
    except UnicodeDecodeError:
        content = {"text": base64.b64encode(body).decode("ascii"), "encoding": "base64"}
    content["mimeType"] = response.headers.get("content-type", "")
    entry["response"] = {"status": response.status_code, "httpVersion": response.http_version,
                         "headers": [{"name": k, "value": v} for k, v in response.headers.items(multi=True)],
                         "cookies": [], "content": content}
    return entry


class LiveJudge:
    """The add-on: flows fed to a Judge as they end, reports written on stop and on SIGUSR1."""

    def __init__(self) -> None:
        self.judge: Judge | None = None
        self.reader: Reader | None = None
        self.entries = 0
        self.set_aside: Counter[str] = Counter()
        self.origin = ""

    def load(self, loader: Any) -> None:
        loader.add_option("conformance_profile", str, "tenant-key", "The API variant: tenant-key or org-token.")
        loader.add_option("conformance_auth_header", str, "",
                          "The header that carries the key (default: the profile's, X-API-Key or Authorization).")
        loader.add_option("conformance_report", str, "conformance-report",
                          "Where the reports are written (report.json, report.md, ...), on stop and on SIGUSR1.")
        loader.add_option("conformance_level", str, "must", "The gate the reports say was passed: must or should.")

    def configure(self, updated: set[str]) -> None:
        from mitmproxy import ctx

        if self.judge is None or updated & {"conformance_profile", "conformance_auth_header"}:
            profile = profile_named(ctx.options.conformance_profile)
            self.judge = Judge(profile)
            self.reader = Reader(ctx.options.conformance_auth_header or profile.auth_header)
            self.entries, self.set_aside = 0, Counter()

    def running(self) -> None:
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, self.write_reports)
        except (RuntimeError, NotImplementedError, AttributeError):  # no loop here, or no SIGUSR1 (Windows)
            if hasattr(signal, "SIGUSR1"):
                signal.signal(signal.SIGUSR1, lambda *_: self.write_reports())

    def response(self, flow: http.HTTPFlow) -> None:
        self.feed(flow)

    def error(self, flow: http.HTTPFlow) -> None:
        if flow.response is None:
            self.feed(flow)

    def feed(self, flow: http.HTTPFlow) -> None:
        assert self.judge is not None and self.reader is not None
        item = entry_of(flow)
        index = self.entries
        self.entries += 1
        mask_credentials(item)
        captured = self.reader.read(item, index)
        if isinstance(captured, str):
            self.set_aside[captured] += 1
        elif isinstance(captured, Captured):
            self.origin = self.origin or captured.origin
            self.judge.feed(captured)

    def write_reports(self, final: bool = False) -> None:
        """The reports of what was judged so far (a copy of the judge is finished, unless this is the end)."""
        if self.judge is None:
            return
        from mitmproxy import ctx

        judge = self.judge if final else copy.deepcopy(self.judge)
        part = judge.part()
        part.set_aside += self.set_aside
        source = f"live traffic through mitmproxy to {self.origin or 'the endpoint'}"
        try:
            capture = capture_of(part, self.entries, source, judge.profile, None)
        except CaptureError as nothing:
            log.info(f"conformance: no report yet: {nothing}")
            return
        written = write(capture, ctx.options.conformance_report, ctx.options.conformance_level)
        log.info(f"conformance: {capture.describe()}; reports: {', '.join(str(p) for p in written)}")

    def done(self) -> None:
        self.write_reports(final=True)


addons = [LiveJudge()]
