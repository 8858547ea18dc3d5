"""A chat too large to walk whole: the dataset's populated chat grown to N messages, for discovery-mode runs.

The generated messages are older than the dataset's, one a minute, with a group of equal created_at every 997
messages (ties, where unstable sorts split pages wrongly), and stored in an order that is not chronological. Built
in well under a second for 50,000 messages: the same few message bodies, each with its own id and created_at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from conformance.dataset import Dataset

START = dt.datetime(2023, 6, 1, tzinfo=dt.timezone.utc)
TIE_EVERY = 997  # a group of three messages with one created_at, every this many


def with_chat_of(dataset: Dataset, size: int, role: str = "populated") -> Dataset:
    """The dataset with its `role` chat grown to `size` messages (at least its own): new, older ones first."""
    chat = dataset.chat(role)
    extra = max(0, size - len(chat.messages))
    generated = []
    minute = 0
    for n in range(extra):
        if n % TIE_EVERY not in (1, 2):  # n, n+1, n+2 share their minute
            minute += 1
        at = START + dt.timedelta(minutes=minute)
        generated.append({
            "id": f"msg-gen-{n:06d}", "content": f"generated message {n}", "sender_role": ("user", "assistant")[n % 2],
            "media_type": None, "media_url": None, "created_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "metadata": {},
        })
    # Not chronological: each block of 1,000 stored newest first.
    stored = [m for i in range(0, len(generated), 1000) for m in reversed(generated[i:i + 1000])]
    grown = dataclasses.replace(chat, messages=(*stored, *chat.messages))
    return dataclasses.replace(dataset, chats=tuple(grown if c.id == chat.id else c for c in dataset.chats))
