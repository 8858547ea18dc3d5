"""Installable without a checkout: the wheel carries spec, catalogue and datasets, and --pyargs runs the suite."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from harness import ROOT, env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # Build from a copy, so the checkout gets no build/ or egg-info directories.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "openapi.yaml", "conformance", "reference"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name, **({"symlinks": True} if copy is shutil.copytree else {}))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(source)], check=True, env=env())
    (built,) = out.glob("*.whl")
    return built


def test_wheel_carries_the_spec_the_catalogue_and_the_datasets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("conformance/specs/tenant-key.yaml", "conformance/specs/org-token.yaml",
                   "conformance/requirements.yaml", "conformance/data/dataset.json",
                   "conformance/data/org-dataset.json", "conformance/data/dataset.schema.json",
                   "reference/mutants.yaml", "conformance/tenant_key/test_properties.py"):
        assert needed in names
    spec = zipfile.ZipFile(wheel).read("conformance/specs/tenant-key.yaml")
    assert spec == (ROOT / "openapi.yaml").read_bytes(), "the packaged spec must be openapi.yaml itself"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "conformance.plugin = conformance.plugin" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_pyargs_runs_the_installed_suite_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                    str(wheel)], check=True, env=env())
    run_env = env(PYTHONPATH=str(site))
    where = subprocess.run([sys.executable, "-c", "import conformance; print(conformance.__file__)"],
                           cwd=tmp_path, env=run_env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(site))
    run = subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "conformance", "-p", "no:cacheprovider", "-q",
                          "--profile", "org-token"], cwd=tmp_path, env=run_env, capture_output=True, text=True,
                         timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "embedded reference server" in run.stdout
    assert re.search(r"MUST (\d+)/\1 ", run.stdout), run.stdout[-500:]
