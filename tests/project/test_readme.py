"""The README stays true: its two commands (the second is what CI runs), its links into the documentation site,
and the options it sends readers to."""

from __future__ import annotations

import re

from conformance.options import OPTIONS
from harness import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
OPTIONS_PAGE = (ROOT / "docs" / "options.md").read_text(encoding="utf-8")


def test_every_option_and_environment_variable_is_in_the_options_table():
    rows = [line for line in OPTIONS_PAGE.splitlines() if line.startswith("| `--")]
    for option in OPTIONS:
        assert any(f"`{option.flag}`" in row and f"`{option.env}`" in row for row in rows), option.flag
    documented = {re.match(r"\| `(--[a-z-]+)`", row).group(1) for row in rows}
    # --base-url is pytest-base-url's, with the suite's meaning of its absence (the embedded reference server).
    assert documented <= {option.flag for option in OPTIONS} | {"--base-url"}, "the table names an unknown option"


def test_ci_runs_the_readmes_second_command():
    commands = re.findall(r"^python3 -m venv \.venv && (.+)$", README, flags=re.M)
    assert len(commands) == 2, commands
    tests_command = commands[1].split("&& ")[-1].replace(".venv/bin/", "")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests_command in ci.replace(".venv-ci/bin/python -m ", ""), (tests_command, ci)


def test_the_readme_is_one_screen_that_links_every_page_of_the_site():
    assert len(README.splitlines()) <= 70, "the README is the door: the manual belongs on the site (docs/)"
    linked = set(re.findall(r"\]\((docs/[^)#]+\.md)\)", README))
    assert all((ROOT / page).is_file() for page in linked), sorted(p for p in linked if not (ROOT / p).is_file())
    pages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")
             if "guide" not in p.relative_to(ROOT / "docs").parts}
    assert pages <= linked, f"pages of the site the README does not link: {sorted(pages - linked)}"


def test_the_readmes_failure_is_laid_out_as_the_suite_reports_one():
    from conformance.exchange import Exchange
    from conformance.profiles import TENANT_KEY
    from conformance.explanation import explain
    from conformance.violations import Violation

    example = README.split("## What a failure looks like")[1].split("```")[1].strip("\n").splitlines()[1:]
    url = example[2].split("'")[1]
    exchange = Exchange(url, (("X-API-Key", "***"),), 200, {"content-type": "application/json"}, b"{}")
    shown = explain(Violation("PAGE-HAS-MORE", example[1].split("what broke: ")[1], exchange), TENANT_KEY).text
    shown_lines = shown.splitlines()
    assert example[:3] == shown_lines[:3], "the README's failure: headline, what broke and request as reported"
    assert shown_lines[3].startswith("  response:   HTTP 200 (application/json)") and example[3] == shown_lines[3]
