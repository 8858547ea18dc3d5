"""A consistent capture of the docs' pagination loop (seed 003: pages of 100 in asc order, `offset +=
messages.length` while `has_more`) over N chats, as a HAR file or NDJSON (one HAR entry per line), written as a stream.

    python scripts/generate_capture.py OUT.har --chats 50 [--messages 10000] [--ndjson]

What a correct server answers: every page consistent, every chat walked whole, one key (its value made up here, never
a real one). For benchmarks (scripts/benchmark.py --passive) and tests that need traffic at volume.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

BASE = "http://gateway.example"
KEY = "generated-capture-key-0123456789"
START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def message(chat: int, index: int) -> dict[str, Any]:
    # Every seventh pair of messages shares its created_at: ties, as real chats have them.
    at = START + dt.timedelta(seconds=chat * 1_000_000 + index - (index % 7 == 1))
    return {
        "id": str(uuid.UUID(int=(chat << 64) | index)),
        "content": f"Message {index} of chat {chat}: " + "lorem ipsum dolor sit amet " * 6,
        "sender_role": "user" if index % 2 else "assistant",
        "media_type": None, "media_url": None,
        "created_at": at.isoformat().replace("+00:00", "Z"),
        "metadata": {"model": "gpt-4o", "tokens": index % 500} if index % 2 == 0 else {},
    }


def entries(chats: int, messages: int, limit: int = 100) -> Iterator[dict[str, Any]]:
    count = 0
    for chat in range(chats):
        chat_id = str(uuid.UUID(int=(0xC4A7 << 96) | chat))
        offset, has_more = 0, True
        while has_more:
            page = [message(chat, i) for i in range(offset, min(offset + limit, messages))]
            has_more = offset + len(page) < messages
            body = json.dumps({"messages": page, "total": messages, "offset": offset, "limit": limit,
                               "has_more": has_more})
            url = f"{BASE}/api/v1/chats/{chat_id}/messages?offset={offset}&limit={limit}&order=asc"
            yield {
                "startedDateTime": (START + dt.timedelta(seconds=count)).isoformat().replace("+00:00", "Z"),
                "time": 12.5,
                "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
                            "headers": [{"name": "X-API-Key", "value": KEY}],
                            "queryString": [{"name": "offset", "value": str(offset)},
                                            {"name": "limit", "value": str(limit)},
                                            {"name": "order", "value": "asc"}],
                            "headersSize": -1, "bodySize": 0},
                "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [],
                             "headers": [{"name": "Content-Type", "value": "application/json"}],
                             "content": {"size": len(body), "mimeType": "application/json", "text": body},
                             "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
                "cache": {}, "timings": {"send": 0, "wait": 12.5, "receive": 0},
            }
            count += 1
            offset += len(page)


def write(out: TextIO, chats: int, messages: int, ndjson: bool = False) -> int:
    """The capture into `out`; returns the number of entries (pages)."""
    written = 0
    if not ndjson:
        out.write('{"log": {"version": "1.2", "creator": {"name": "generate_capture", "version": "1"}, "entries": [\n')
    for item in entries(chats, messages):
        if written and not ndjson:
            out.write(",\n")
        out.write(json.dumps(item))
        if ndjson:
            out.write("\n")
        written += 1
    if not ndjson:
        out.write("\n]}}\n")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10_000, help="messages per chat (pages of 100)")
    parser.add_argument("--ndjson", action="store_true", help="one HAR entry per line")
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        pages = write(out, args.chats, args.messages, args.ndjson)
    print(f"{args.out}: {pages} pages, {args.out.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
