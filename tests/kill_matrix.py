"""The kill matrix: mutant × the requirements it violates × what the suite caught, printed after the self-test."""

from __future__ import annotations

from dataclasses import dataclass

ROW = "kill_row"


@dataclass(frozen=True)
class Row:
    mutant: str
    profile: str  # a defect both profiles have is a row in each
    expected: tuple[str, ...]
    caught: tuple[str, ...]

    @classmethod
    def parse(cls, value: str) -> Row:
        mutant, profile, expected, caught = value.split("|")
        return cls(mutant, profile, tuple(expected.split()), tuple(caught.split()))

    @property
    def killed(self) -> bool:
        return bool(self.expected) and set(self.expected) <= set(self.caught)


class KillMatrix:
    """Collects rows from test reports (on the xdist controller too) and prints them at the end."""

    def __init__(self) -> None:
        self.rows: list[Row] = []

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call":
            self.rows += [Row.parse(value) for name, value in report.user_properties if name == ROW]

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.rows:
            return
        terminalreporter.section("kill matrix")
        width = max(len(r.mutant) for r in self.rows)
        for row in sorted(self.rows, key=lambda r: (r.profile, r.mutant)):
            mark = "caught" if row.killed else "MISSED"
            missed = sorted(set(row.expected) - set(row.caught))
            terminalreporter.write_line(
                f"{row.profile:<10}  {row.mutant:<{width}}  {mark:<6}  {' '.join(row.expected)}"
                + (f"   (not reported: {' '.join(missed)})" if missed else ""))
        terminalreporter.write_line(summary(self.rows), bold=True)


def summary(rows: list[Row]) -> str:
    killed = sum(r.killed for r in rows)
    ids = {i for r in rows for i in r.expected}
    return f"{killed}/{len(rows)} mutants caught, each under the requirement ids it violates ({len(ids)} distinct ids)"
