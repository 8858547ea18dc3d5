"""The README stays true: every option documented, and its second command is what CI runs."""

from __future__ import annotations

import re
from collections import Counter

from conformance.options import OPTIONS
from harness import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_option_and_environment_variable_is_in_the_options_table():
    rows = [line for line in README.splitlines() if line.startswith("| `--")]
    for option in OPTIONS:
        assert any(f"`{option.flag}`" in row and f"`{option.env}`" in row for row in rows), option.flag


def test_ci_runs_the_readmes_second_command():
    commands = re.findall(r"^python3 -m venv \.venv && (.+)$", README, flags=re.M)
    assert len(commands) == 2, commands
    tests_command = commands[1].split("&& ")[-1].replace(".venv/bin/", "")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests_command in ci.replace(".venv-ci/bin/python -m ", ""), (tests_command, ci)


def test_the_kill_matrix_summary_counts_what_the_data_declares():
    from harness import load_switches

    block = README.split("<!-- kill-matrix -->")[1].split("<!-- /kill-matrix -->")[0]
    mutants, variations = load_switches("mutants"), load_switches("variations")
    for profile, column in (("tenant-key", 1), ("org-token", 2)):
        row = next(line for line in block.splitlines() if line.startswith("| mutants")).split("|")
        assert row[column + 1].strip() == str(sum(m["profile"] == profile for m in mutants))
        row = next(line for line in block.splitlines() if line.startswith("| legitimate")).split("|")
        assert row[column + 1].strip() == f"1 + {sum(v['profile'] == profile for v in variations)}"
    # load_switches gives one entry per (name, profile): a defect both profiles have counts in each column
    profiles_of = Counter(m["name"] for m in mutants)
    shared = sum(count > 1 for count in profiles_of.values())
    assert f"**{len(mutants)}, all caught** ({len(profiles_of)} defects, {shared} of them in both profiles)" in block
    assert f"**{len(variations) + 2}, all pass**" in block
