"""The dataset a server under test is seeded with: loaded, checked, handed out.

The file format is `data/dataset.schema.json` (common to both profiles); each
message is checked against the profile's OpenAPI `components.schemas.Message`,
so message shapes are written down once, in the spec. Anything wrong raises
`DatasetError` naming the file and the place: a suite run on a broken dataset
would report the dataset's faults as the server's.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from os import PathLike
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml
from jsonschema.exceptions import best_match

from conformance import strict_json
from conformance.profiles import PACKAGE_DIR, ChatId, Profile, profile as profile_named
from conformance.timestamps import parse_rfc3339 as parse_instant  # also the reference server's parser


SCHEMA_PATH = PACKAGE_DIR / "data" / "dataset.schema.json"


class DatasetError(Exception):
    """The dataset file is unusable; the message names the file and the problem."""


@dataclass(frozen=True)
class Chat:
    id: ChatId
    tenant: str
    messages: tuple[dict[str, Any], ...]  # insertion order, exactly as the API returns them


@dataclass(frozen=True)
class Dataset:
    path: Path
    tenants: dict[str, str]  # tenant name -> api key (org-token: organisation -> token)
    chats: tuple[Chat, ...]
    roles: dict[str, ChatId]  # role ("populated", "empty", "foreign", ...) -> chat id

    def chat(self, role: str) -> Chat:
        if role not in self.roles:
            raise KeyError(f"{self.path}: no chat has role {role!r}; roles: {', '.join(self.roles)}")
        return next(chat for chat in self.chats if chat.id == self.roles[role])

    def key(self, tenant: str) -> str:
        if tenant not in self.tenants:
            raise KeyError(f"{self.path}: no tenant {tenant!r}; tenants: {', '.join(self.tenants)}")
        return self.tenants[tenant]


# ---------------------------------------------------------------- loading


def load_dataset(path: str | PathLike[str], profile: str) -> Dataset:
    """Read and check a dataset file for `profile` ("tenant-key" or "org-token")."""
    data = _read_bytes(path)
    doc = _parsed(path, data)
    checked = (hashlib.sha256(data).digest(), profile)
    if checked not in _CHECKED:
        _check(path, doc, profile)
        _CHECKED.add(checked)
    return Dataset(
        path=Path(path),
        tenants={name: tenant["api_key"] for name, tenant in doc["tenants"].items()},
        chats=tuple(Chat(chat["id"], chat["tenant"], tuple(chat["messages"])) for chat in doc["chats"]),
        roles=dict(doc["roles"]),
    )


# The files already checked for a profile, by their bytes: a suite run (or a fork of a process that checked the
# shipped datasets, tests/warm_suite.py) reads each of them again without validating every message again.
_CHECKED: set[tuple[bytes, str]] = set()  # (sha256 of the file, profile)


def _check(path: str | PathLike[str], doc: Any, profile: str) -> None:
    _raise_first(path, _file_validator().iter_errors(doc), prefix=())
    for c, chat in enumerate(doc["chats"]):
        for m, message in enumerate(chat["messages"]):
            _raise_first(path, _message_validator(profile).iter_errors(message), prefix=("chats", c, "messages", m))
    for problem in _cross_check(doc, profile_named(profile)):
        raise DatasetError(f"{path}: {problem}")


def _read_bytes(path: str | PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read the dataset: {exc.strerror or exc}") from None


def _parsed(path: str | PathLike[str], data: bytes) -> Any:
    try:
        return strict_json.loads(data)
    except strict_json.JSONError as exc:
        raise DatasetError(f"{path}: {exc}") from None


@cache
def _file_validator() -> jsonschema.Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@cache
def _message_validator(profile: str) -> jsonschema.Validator:
    spec = yaml.safe_load(profile_named(profile).spec_path.read_text(encoding="utf-8"))
    # The spec itself is the schema resource, so $refs inside Message resolve.
    schema = {"$ref": "#/components/schemas/Message", "components": spec["components"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _raise_first(path: str | PathLike[str], errors: Iterable[jsonschema.ValidationError], prefix: tuple) -> None:
    error = best_match(errors)
    if error is not None:
        where = _where((*prefix, *error.absolute_path))
        raise DatasetError(f"{path}: {where + ': ' if where else ''}{error.message}")


def _where(parts: Iterable[str | int]) -> str:
    """('chats', 2, 'messages', 5) -> 'chats[2].messages[5]'."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def _cross_check(doc: dict[str, Any], profile: Profile) -> Iterable[str]:
    """Rules a schema cannot state; yields problems, the first one is reported."""
    keys = [tenant["api_key"] for tenant in doc["tenants"].values()]
    if len(set(keys)) != len(keys):
        yield "tenants: two tenants share an api_key, so tenancy could not be tested"
    seen: set[ChatId] = set()
    owner: dict[ChatId, str] = {}
    for c, chat in enumerate(doc["chats"]):
        chat_id = chat["id"]
        problem = profile.chat_id_problem(chat_id)
        if problem:
            yield f"chats[{c}].id: {problem}"
        if chat_id in seen:
            yield f"chats[{c}].id: {chat_id!r} is used by another chat too"
        seen.add(chat_id)
        owner[chat_id] = chat["tenant"]
        if chat["tenant"] not in doc["tenants"]:
            yield f"chats[{c}].tenant: {chat['tenant']!r} is not in tenants ({', '.join(doc['tenants'])})"
        yield from _check_messages(chat, f"chats[{c}]", profile)
    for role, chat_id in doc["roles"].items():
        expected = "foreign" if role == "foreign" else "primary"
        if chat_id not in owner:
            yield f"roles.{role}: no chat has id {chat_id!r}"
        elif owner[chat_id] != expected:
            yield f"roles.{role}: chat {chat_id!r} belongs to tenant {owner[chat_id]!r}, expected {expected!r}"


def _check_messages(chat: dict[str, Any], where: str, profile: Profile) -> Iterable[str]:
    ids: set[Any] = set()
    for m, message in enumerate(chat["messages"]):
        if message["id"] in ids:
            yield f"{where}.messages[{m}].id: {message['id']!r} is used by another message of this chat"
        ids.add(message["id"])
        try:
            parse_instant(message["created_at"])  # the server orders by instant, so it must parse
        except ValueError as exc:
            yield f"{where}.messages[{m}].created_at: {exc}"
        if profile.messages_name_their_chat and (type(message["chat_id"]) is not type(chat["id"])
                                                 or message["chat_id"] != chat["id"]):
            yield f"{where}.messages[{m}].chat_id: {message['chat_id']!r} differs from the chat's id {chat['id']!r}"
