"""--known-failures FILE: requirement ids a target knowingly fails, each with a reason."""

from __future__ import annotations

from pathlib import Path

import yaml

from conformance.catalogue import requirements


class KnownFailuresError(ValueError):
    pass


def load_known_failures(path: str | Path) -> dict[str, str]:
    """FILE is YAML mapping each requirement id to the reason it is knowingly failed."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KnownFailuresError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise KnownFailuresError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise KnownFailuresError(f"{path}: not valid YAML ({exc})") from None
    except RecursionError:
        raise KnownFailuresError(f"{path}: not a mapping of requirement ids (nested too deep to read)") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KnownFailuresError(f"{path}: expected a mapping of requirement id to reason, e.g. '<requirement id>: tracked in BUG-12'")
    known = requirements()
    result = {}
    for req_id, reason in data.items():
        if req_id not in known:
            raise KnownFailuresError(f"{path}: {req_id!r} is not a requirement id of the catalogue")
        if not isinstance(reason, str) or not reason.strip():
            raise KnownFailuresError(f"{path}: {req_id}: give a reason (a non-empty string)")
        result[str(req_id)] = reason.strip()
    return result
