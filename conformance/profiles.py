"""The API variants the suite knows, and where each one's files live.

Paths are relative to this package (not the working directory) because the
package is also installed as a wheel, specs and data included.
"""

from __future__ import annotations

from pathlib import Path

PROFILES = ("tenant-key", "org-token")

PACKAGE_DIR = Path(__file__).parent
_DATASET_FILES = {"tenant-key": "dataset.json", "org-token": "org-dataset.json"}


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of: {', '.join(PROFILES)}")
    return profile


def spec_path(profile: str) -> Path:
    """The profile's OpenAPI document, the source of truth for shapes."""
    return PACKAGE_DIR / "specs" / f"{check_profile(profile)}.yaml"


def default_dataset_path(profile: str) -> Path:
    return PACKAGE_DIR / "data" / _DATASET_FILES[check_profile(profile)]
