"""The documentation site builds strict (every page in the nav, every link and anchor found), its generated parts
count what the data declares, and pages under docs/guide/ join the nav by themselves."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from harness import ROOT, load_switches

HOOKS_PATH = ROOT / "scripts" / "docs_hooks.py"


def load_hooks():
    """scripts/ is not a package; load the hooks from their file, as mkdocs does."""
    spec = importlib.util.spec_from_file_location("docs_hooks", HOOKS_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mkdocs() -> str:
    found = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or shutil.which("mkdocs")
    if found is None:
        pytest.skip("mkdocs is not installed: pip install -e '.[docs]' (the dev extra has it)")
    return found


def test_the_site_builds_strict_with_the_kill_matrix_counted(tmp_path):
    built = subprocess.run([mkdocs(), "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
                            "--site-dir", str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True,
                           timeout=120, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stderr[-4000:]
    page = (tmp_path / "site" / "contributing" / "self-test" / "index.html").read_text(encoding="utf-8")
    assert load_hooks().KILL_MATRIX not in page and "all caught" in page
    assert (tmp_path / "site" / "requirements" / "index.html").is_file()


def test_the_kill_matrix_summary_counts_what_the_data_declares():
    from conformance.catalogue import requirements

    block = load_hooks().kill_matrix_summary()
    mutants, variations = load_switches("mutants"), load_switches("variations")
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
            for line in block.splitlines()[2:]}
    for column, profile in enumerate(("tenant-key", "org-token")):
        assert rows["mutants (one realistic defect each)"][column] == str(sum(m["profile"] == profile for m in mutants))
        assert rows["legitimate servers that must pass (the reference and its variations)"][column] == (
            f"1 + {sum(v['profile'] == profile for v in variations)}")
        gated = {r.id for r in requirements().values() if r.profile == profile and r.level != "MAY"}
        broken = {i for m in mutants if m["profile"] == profile for i in m["violates"]} & gated
        assert rows["requirements with a mutant that breaks them"][column] == f"{len(broken)} of {len(gated)}"
    # load_switches gives one entry per (name, profile): a defect both profiles have counts in each column
    profiles_of = Counter(m["name"] for m in mutants)
    shared = sum(count > 1 for count in profiles_of.values())
    assert f"**{len(mutants)}, all caught** ({len(profiles_of)} defects, {shared} of them in both profiles)" in block
    assert f"**{len(variations) + 2}, all pass**" in block


def test_pages_under_guide_join_the_nav_where_the_nav_does_not_name_them(tmp_path):
    (tmp_path / "guide").mkdir()
    for name in ("named.md", "new.md", "another.md"):
        (tmp_path / "guide" / name).write_text("# page\n", encoding="utf-8")
    config = {"docs_dir": str(tmp_path), "nav": [{"Home": "index.md"}, {"Topics": ["guide/named.md"]}]}
    nav = load_hooks().on_config(config)["nav"]
    assert nav == [{"Home": "index.md"}, {"Topics": ["guide/named.md"]},
                   {"Guide": ["guide/another.md", "guide/new.md"]}]
    assert load_hooks().on_config({"docs_dir": str(tmp_path / "guide"), "nav": []})["nav"] == []  # no guide/ there
