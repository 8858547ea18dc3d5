"""claim.json: what a run shows of a deployment, in a form a platform team can publish and anyone can check.

It names the suite version and the sha256 of every file the verdicts rest on (catalogue, both specs, the dataset,
and the recording when there is one), the options that change a verdict, and the level the deployment reached.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any



def sha256_of(path: str | Path) -> str | None:
    """The file's sha256 in hex, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


REACHED = (("should", ("MUST", "SHOULD"), "MUST and SHOULD"), ("must", ("MUST",), "MUST"))


def level_reached(data: dict[str, Any]) -> str | None:
    """"MUST and SHOULD", "MUST" or None: the highest gate the run passes with no known failure excused at it."""
    gates = data.get("gate_by_level") or {data["gate_level"]: data["passed_gate"]}
    for gate, levels, name in REACHED:
        excused = any(r["status"] == "known-failure" and r["level"] in levels for r in data["requirements"])
        if gates.get(gate) and not excused:
            return name
    return None


def recording(har: dict[str, Any] | None) -> dict[str, Any] | None:
    """The HAR file the run wrote (--record) or read (--from-har), with its sha256."""
    if not har:
        return None
    for role in ("recorded", "replayed", "captured"):
        if har.get(role):
            return {"role": role, "file": Path(har[role]).name, "sha256": sha256_of(har[role]),
                    "entries": har.get("entries")}
    return None


def level_counts(data: dict[str, Any]) -> dict[str, dict[str, int]]:
    """level → requirements of the profile at that level, and how many passed."""
    counts: dict[str, dict[str, int]] = {}
    for r in data["requirements"]:
        entry = counts.setdefault(r["level"], {"passed": 0, "total": 0})
        entry["total"] += 1
        entry["passed"] += r["status"] == "pass"
    return counts


def build(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "claim": "conformance of a Get Chat Messages deployment",
        "suite": data["suite"],
        "suite_version": data["suite_version"],
        "time": data["time"],
        "target": data["target"],
        "profile": data["profile"],
        "mode": data["mode"],
        "complete": data["complete"],
        "level_reached": level_reached(data),
        "summary": data["summary"],
        "counts": level_counts(data),
        "inputs": data.get("inputs"),
        "options": data.get("options"),
        "recording": recording(data.get("har")),
        "requirements": {r["id"]: {"level": r["level"], "status": r["status"]} for r in data["requirements"]},
    }
