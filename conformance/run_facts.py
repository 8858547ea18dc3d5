"""What the reports say of a run beyond its verdicts: its failures as shown, the files its verdicts rest on (their
sha256), the options that change a verdict, and the known failures past their date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conformance.catalogue import CATALOGUE_PATH
from conformance.claim import sha256_of
from conformance.failures import Failure
from conformance.profiles import BY_NAME
from conformance.settings import Settings


def inputs(settings: Settings) -> dict[str, Any]:
    """The catalogue, both specs and the dataset (None in discovery mode), each with its sha256."""
    files = {"catalogue": CATALOGUE_PATH,
             **{f"spec {name}": profile.spec_path for name, profile in BY_NAME.items()},
             "dataset": settings.dataset_path}
    return {what: None if path is None else {"file": Path(path).name, "sha256": sha256_of(path)}
            for what, path in files.items()}


def verdict_options(settings: Settings) -> dict[str, Any]:
    """The options that can change a verdict (never a key): two runs with the same ones judge alike."""
    return {
        "level": settings.level,
        "known_failures": sorted(settings.known_failures),
        "auth_header": settings.auth_header,
        "discovery": settings.dataset_path is None,
        "chats_given": [name for name in ("chat_id", "empty_chat_id", "foreign_chat_id")
                        if getattr(settings, name) is not None],
        "fuzz_examples": settings.fuzz_examples,
        "fuzz_seed": settings.fuzz_seed,
        "request_timeout": settings.request_timeout,
        "max_requests": settings.max_requests,
        "max_duration": settings.max_duration,
        "max_throttle_wait": settings.max_throttle_wait,
        "from_har": None if settings.from_har is None and settings.capture is None else "given",
    }


def of_run(settings: Settings, failures: list[Failure]) -> dict[str, Any]:
    return {
        "failures": [failure.as_dict() for failure in failures],
        # --known-failures entries past their `until` date: they excuse nothing, the failure counts again
        "expired_known_failures": dict(settings.expired_known_failures),
        "inputs": inputs(settings),
        "options": verdict_options(settings),
    }
