"""The API variants the suite knows: one Profile value each holds everything that differs between them.

Outside this module no code asks which profile it is in; it asks the profile. Paths are relative to this
package (not the working directory) because the package is also installed as a wheel, specs and data included.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

PACKAGE_DIR = Path(__file__).parent

ChatId = Union[str, int]  # a UUID string (tenant-key) or an integer (org-token)


@dataclass(frozen=True)
class OddInput:
    """A request no client should send, to be answered without a server error or internals: a query for the
    caller's own chat, or (chat_id) a path value of the wrong form."""

    label: str
    query: tuple[tuple[str, str], ...] = ()
    chat_id: str | None = None  # None: the caller's own chat
    # Input an edge (a WAF) may refuse on sight: SQL-looking text, a NUL, an integer overflow. Any 4xx refusal of it
    # is acceptable, documented or not: the edge may have written it, and either way no client is misled.
    provocative: bool = False

    def __repr__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Profile:
    name: str
    checks_folder: str  # the package (a folder of conformance/) that holds this variant's checks
    spec_file: str
    dataset_file: str
    auth_header: str  # the header that carries the key, unless --auth-header says otherwise
    chat_id_parameter: str  # the path parameter's name in the spec
    integer_chat_ids: bool  # chat ids are integers (else canonical UUID strings)
    unknown_chats: tuple[ChatId, ...]  # well-formed chat ids that name no chat; the first is the preflight's
    malformed_chat_ids: tuple[str, ...]  # path values that are no chat id of this variant
    malformed_statuses: tuple[int, ...]  # what those may be answered
    messages_name_their_chat: bool  # each message carries its chat's id (chat_id)
    rejections: tuple[str, ...]  # the statuses a request the spec forbids may be answered with
    foreign_status: int  # what a chat of another tenant (organisation) is answered
    item_depth: int  # how deep in a 200 body's schema path one message begins
    messages_key: str | None  # where a 200 body holds its messages: under this key, or (None) the body itself
    odd_inputs: tuple[OddInput, ...] = ()  # requests no client should send, answered without a 5xx or internals

    @property
    def no_such_chat(self) -> ChatId:
        return self.unknown_chats[0]

    @property
    def spec_path(self) -> Path:
        """The profile's OpenAPI document, the source of truth for shapes."""
        return PACKAGE_DIR / "specs" / self.spec_file

    @property
    def dataset_path(self) -> Path:
        return PACKAGE_DIR / "data" / self.dataset_file

    def parse_chat_id(self, text: str) -> ChatId:
        """A chat id as given on the command line; ValueError says what was expected."""
        if not self.integer_chat_ids:
            return text
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"the {self.name} profile's chat ids are integers, got {text!r}") from None

    def unknown_chat_statuses(self, chat_id: Any) -> tuple[int, ...]:
        """What a chat id that names no chat may be answered: 404, or 400 too for an integer id that no chat can
        have, 0, negative or beyond 64 bits (IMPL-ORG-NEGATIVE-ID)."""
        impossible = self.integer_chat_ids and isinstance(chat_id, int) and not 0 < chat_id < 2**63
        return (400, 404) if impossible else (404,)

    def message_ids(self, body: Any) -> list[Any] | None:
        """The ids of the messages of a 200 body of this variant, in order; None when the body holds none."""
        messages = body.get(self.messages_key) if self.messages_key and isinstance(body, dict) else body
        if not isinstance(messages, list):
            return None
        return [m.get("id") if isinstance(m, dict) else None for m in messages]

    def chat_id_problem(self, value: Any) -> str | None:
        """Why `value` cannot be a chat id of a dataset of this profile; None when it can."""
        if self.integer_chat_ids:
            return None if type(value) is int else f"{value!r} is not an integer ({self.name} chat ids are integers)"
        try:
            if isinstance(value, str) and str(uuid.UUID(value)) == value:
                return None
        except ValueError:
            pass
        return f"{value!r} is not a UUID in canonical lower-case 8-4-4-4-12 form"


TENANT_KEY = Profile(
    name="tenant-key", checks_folder="tenant_key", spec_file="tenant-key.yaml", dataset_file="dataset.json",
    auth_header="X-API-Key", chat_id_parameter="chat_id", integer_chat_ids=False,
    unknown_chats=("00000000-0000-4000-8000-000000000000", "7d444840-9dc0-41fb-8c9b-6e2a5f0d3c11"),
    malformed_chat_ids=("not-a-uuid", "12345", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "' OR '1'='1"),
    malformed_statuses=(400, 404), messages_name_their_chat=False,
    rejections=("400", "401", "404"), foreign_status=404, item_depth=2, messages_key="messages",
    odd_inputs=(
        OddInput("limit=101", (("limit", "101"),)), OddInput("offset=-1", (("offset", "-1"),)),
        OddInput("limit=1e309", (("limit", "1e309"),), provocative=True),
        OddInput("limit=2147483648", (("limit", "2147483648"),), provocative=True),
        OddInput("limit=99999999999999999999999", (("limit", "99999999999999999999999"),)),
        OddInput("offset=99999999999999999999999", (("offset", "99999999999999999999999"),)),
        OddInput("limit=NaN", (("limit", "NaN"),)), OddInput("offset=0x10", (("offset", "0x10"),)),
        OddInput("order=%00", (("order", "\x00"),), provocative=True),
        OddInput("order=desc;drop", (("order", "desc'; DROP TABLE messages; --"),), provocative=True),
        OddInput("limit repeated", (("limit", "5"), ("limit", "500"))),
    ),
)
ORG_TOKEN = Profile(
    name="org-token", checks_folder="org_token", spec_file="org-token.yaml", dataset_file="org-dataset.json",
    auth_header="Authorization", chat_id_parameter="chatID", integer_chat_ids=True,
    unknown_chats=(987654321, 0), malformed_chat_ids=("abc", "1.5", "12abc", "1e3"), malformed_statuses=(400, 404),
    messages_name_their_chat=True,
    rejections=("400", "401", "403", "404"), foreign_status=403, item_depth=1, messages_key=None,
    odd_inputs=tuple(OddInput(chat_id, chat_id=chat_id, provocative=chat_id in ("1;DROP TABLE chats", "%00"))
                     for chat_id in ("99999999999999999999999", "-1", "0x10", "1;DROP TABLE chats", "%00")),
)

BY_NAME: dict[str, Profile] = {p.name: p for p in (TENANT_KEY, ORG_TOKEN)}
PROFILES = tuple(BY_NAME)


def profile(name: str) -> Profile:
    if name not in BY_NAME:
        raise ValueError(f"unknown profile {name!r}; expected one of: {', '.join(PROFILES)}")
    return BY_NAME[name]


def check_profile(name: str) -> str:
    return profile(name).name


def spec_path(name: str) -> Path:
    return profile(name).spec_path


def default_dataset_path(name: str) -> Path:
    return profile(name).dataset_path
