"""Passive conformance: traffic the suite did not send (a HAR file or NDJSON of HAR entries, captured by a gateway,
a proxy or a browser) held to the registry's rules. A module per job:

- reading.py — the file as a stream of entries (HAR, NDJSON, a .zip with side files), keys masked, the endpoint's
  GETs as Captured exchanges, what is set aside (no answer, the client's cache, throttled);
- query.py — what a request asked (its query, read as the docs define it);
- exchanges.py — the rules one exchange can show (any answer, keys and tenancy, a 200's body and page);
- walks.py — what spans exchanges: walks of a chat, reads of a chat compared, chats compared;
- ledger.py — each requirement's Verdict, the situations the traffic holds (SITUATIONS), ledgers merged;
- judging.py — one pass over a capture (or its chats shared among processes, --jobs, or the tasks of a Dask
  cluster), to a judged Capture;
- reports.py — a judged capture's reports written without pytest (the proxy add-on's);
- proxy.py — the mitmproxy add-on that judges live traffic as it passes (imported by mitmproxy only).

A rule is judged only where the traffic shows what it needs; a requirement fails where one of its rules broke,
passes where one actually ran and held on traffic holding the situations where it can break (the registry tells
which ran: `registry.watched`), and is otherwise "not exercised by this traffic", never passed, never failed.
"""

from conformance.evidence.judging import Capture, judge_entries, judge_source
from conformance.evidence.ledger import SITUATIONS, Verdict
from conformance.evidence.reading import CaptureError, Source, recorded_run, source_of

__all__ = ["SITUATIONS", "Capture", "CaptureError", "Source", "Verdict", "judge_entries", "judge_source",
           "recorded_run", "source_of"]
