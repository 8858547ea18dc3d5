"""The Target: what the suite tests, built once from options, environment and dataset."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.dataset import Dataset
from conformance.profiles import Profile

# What each target attribute is, said the way a skip reason tells the user what to supply.
NEEDS = {
    "api_key": "--api-key (CONFORMANCE_API_KEY): a valid key of the primary tenant",
    "foreign_api_key": "--foreign-api-key (CONFORMANCE_FOREIGN_API_KEY): a valid key of another tenant",
    "chat_id": "--chat-id (CONFORMANCE_CHAT_ID): a chat of the primary tenant with messages",
    "empty_chat_id": "--empty-chat-id (CONFORMANCE_EMPTY_CHAT_ID): a chat of the primary tenant without messages",
    "foreign_chat_id": "--foreign-chat-id (CONFORMANCE_FOREIGN_CHAT_ID): a chat of the foreign tenant",
    "dataset": "dataset mode: load the shipped dataset (conformance/data/) or your --dataset PATH into the target, and drop --no-dataset",
}


@dataclass(frozen=True)
class Target:
    base_url: str
    profile: Profile
    auth_header: str
    embedded: bool
    api_key: str | None = field(default=None, repr=False)
    foreign_api_key: str | None = field(default=None, repr=False)
    chat_id: Any = None
    empty_chat_id: Any = None
    foreign_chat_id: Any = None
    dataset: Dataset | None = field(default=None, repr=False)
    replayed_from: str | None = None  # --from-har: the recording every answer comes from
    captured: str | None = None  # --from-har of traffic captured elsewhere: what is judged (Capture.describe)

    @property
    def mode(self) -> str:
        if self.captured is not None:
            return "passive"
        return "dataset" if self.dataset is not None else "discovery"

    def missing(self, *needs: str) -> str | None:
        """None when every named attribute is known; else a skip reason saying what to supply."""
        absent = [NEEDS[name] for name in needs if getattr(self, name) is None]
        return "needs " + "; and ".join(absent) if absent else None

    def describe(self) -> str:
        where = "the embedded reference server" if self.embedded else "--base-url"
        if self.captured is not None:
            return f"captured traffic {self.captured}; profile {self.profile.name}, passive mode"
        if self.replayed_from is not None:
            return (f"replayed from {self.replayed_from} (recorded against {self.base_url}, {where}), "
                    f"profile {self.profile.name}, {self.mode} mode")
        return f"{self.base_url} ({where}), profile {self.profile.name}, {self.mode} mode"
