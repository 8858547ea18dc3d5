"""Starting a run from its settings: the target (the embedded reference server when none is given), its client,
and the preflight that stops a run against a target that cannot be reached or refuses the key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance.client import Client, reusable
from conformance.dataset import Dataset, DatasetError, load_dataset
from conformance.embedded import start_reference
from conformance.masking import Secret
from conformance.evidence import Capture
from conformance.profiles import Profile
from conformance.results import Results
from conformance.settings import Settings, check_dataset_key
from conformance.target import Target
from conformance.transport import recording, stack
from conformance.transport.errors import BudgetExhausted, TargetError, Unreachable
from conformance.transport.limits import Limits
from conformance.transport.replay import PLACEHOLDER_KEYS, NotRecorded, Recording


@dataclass
class Started:
    """What a process of the run talks to: the target, its client, and what was started for it."""

    target: Target
    client: Client
    server: Any = None  # the embedded reference server, stopped with the run
    parts: str | None = None  # --record: the directory of every process's part file
    recorder: recording.Recorder | None = None  # --record: this process's part of it


def start(settings: Settings, workerinput: dict[str, Any], started_at: float) -> Started:
    """The target of these settings and its client (on an xdist worker, the controller's target)."""
    if settings.capture is not None:
        return start_passive(settings, settings.capture)
    profile, replay = settings.profile, settings.from_har
    base_url = workerinput.get("conformance_base_url") or settings.base_url
    if replay is not None:
        # A replay talks to no target: the recording names the one it was made against.
        base_url = str(replay.meta.get("base_url", ""))
    dataset = _load(settings.dataset_path, profile) if settings.dataset_path is not None else None
    embedded = bool(workerinput.get("conformance_embedded")) or not base_url
    if replay is not None:
        embedded = bool(replay.meta.get("embedded"))
    server = None
    if not base_url:
        # The embedded server always serves a dataset, even when the suite runs in discovery mode.
        served = dataset or _load(profile.dataset_path, profile)
        try:
            server = start_reference(served, profile.name)
        except Exception as exc:  # noqa: BLE001 - one clear message instead of a traceback
            raise pytest.UsageError(f"could not start the embedded reference server: {exc}") from None
        base_url = server.url
    elif embedded:
        served = _load(profile.dataset_path, profile) if dataset is None else dataset
    else:
        served = dataset
    # Against the embedded server, discovery mode still takes keys and ids from the data it serves.
    target = _target(settings, base_url.rstrip("/"), embedded, dataset, served)
    limits = Limits(settings.max_requests, settings.rate_limit, settings.max_duration,
                    workerinput.get("conformance_started_at", started_at), settings.max_throttle_wait)
    keys = {"primary": target.api_key, "foreign": target.foreign_api_key}
    recorder = parts = None
    if settings.record:
        recording.guard_near_misses(keys)
        parts = workerinput.get("conformance_record_parts") or recording.parts_directory()
        recorder = recording.Recorder(parts, workerinput.get("workerid", "main"))
    if replay is not None:
        transport = stack.replayed(replay, limits, target.auth_header, keys)
    else:
        transport = stack.live(limits, settings.request_timeout, settings.max_body, target.auth_header, keys, recorder)
    client = Client(target.base_url, target.auth_header, transport, limits, concurrency=settings.concurrency,
                    reuse=reusable(fixed_data=target.dataset is not None))
    return Started(target, client, server, parts, recorder)


def start_passive(settings: Settings, capture: Capture) -> Started:
    """Captured traffic is judged, nothing is sent: no server, and a client that can answer nothing."""
    target = Target(base_url=", ".join(capture.origins), profile=settings.profile, auth_header=settings.auth_header,
                    embedded=False, captured=f"{capture.source} ({capture.describe()})")
    limits = Limits(0, None)
    client = Client(target.base_url, target.auth_header,
                    stack.replayed(Recording({}, [], capture.source), limits, target.auth_header, {}), limits)
    return Started(target, client)


def _load(path: Path, profile: Profile) -> Dataset:
    try:
        return load_dataset(path, profile.name)
    except DatasetError as exc:
        raise pytest.UsageError(f"malformed dataset: {exc}") from None


def _target(settings: Settings, base_url: str, embedded: bool, dataset: Dataset | None,
            ids_from: Dataset | None) -> Target:
    """Keys and chats as given, else the dataset's roles, else (a replay) as the recording names them."""

    def given_or(value: Any, fallback: Any) -> Any:
        return value if value is not None else fallback

    def role(name: str) -> Any:
        return ids_from.roles.get(name) if ids_from is not None else None

    replay = settings.from_har
    recorded_chats = replay.meta.get("chats", {}) if replay is not None else {}
    recorded_keys = replay.meta.get("keys", []) if replay is not None else []

    def key(given: str | None, tenant: str) -> Secret | None:
        chosen = given if given is not None else check_dataset_key(ids_from.tenants.get(tenant) if ids_from else None)
        if chosen is None and tenant in recorded_keys:
            # A replay without the key: a stand-in, labelled as the key was (the recording holds labels only).
            chosen = PLACEHOLDER_KEYS[tenant]
        return Secret(chosen) if chosen is not None else None

    def chat(given: Any, name: str, role_name: str) -> Any:
        return given_or(given, given_or(role(role_name), recorded_chats.get(name)))

    return Target(
        base_url=base_url,
        profile=settings.profile,
        auth_header=settings.auth_header,
        embedded=embedded,
        api_key=key(settings.api_key, "primary"),
        foreign_api_key=key(settings.foreign_api_key, "foreign"),
        chat_id=chat(settings.chat_id, "chat_id", "populated"),
        empty_chat_id=chat(settings.empty_chat_id, "empty_chat_id", "empty"),
        foreign_chat_id=chat(settings.foreign_chat_id, "foreign_chat_id", "foreign"),
        dataset=dataset,
        replayed_from=replay.source if replay is not None else None,
    )


def preflight(started: Started, results: Results) -> None:
    """One GET before any test: an unreachable target or a rejected key stops the session here."""
    target, client = started.target, started.client
    if target.captured is not None:
        return  # passive: nothing is sent
    chat = target.chat_id if target.chat_id is not None else target.profile.no_such_chat
    try:
        exchange = client.get_messages(chat, key=target.api_key)
    except Unreachable as exc:
        results.stop("the preflight could not reach the target")
        pytest.exit(f"conformance: cannot reach the target {target.base_url}: {exc}", returncode=3)
    except BudgetExhausted as exc:
        results.stop(str(exc))
        pytest.exit(f"conformance: {exc}", returncode=2)
    except TargetError:
        return  # it answers, if badly: the checks will say how
    except NotRecorded:
        return  # a replay of a run whose preflight asked otherwise: the checks find their own
    if target.api_key is not None and exchange.status == 401:
        results.stop("the preflight's key was rejected")
        pytest.exit(
            f"conformance: the target {target.base_url} rejects the API key (401 for GET {exchange.url}); "
            "check --api-key / CONFORMANCE_API_KEY and --auth-header",
            returncode=3,
        )
