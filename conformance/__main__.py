"""python -m conformance COMMAND: the suite's commands outside pytest (the suite itself runs as `pytest conformance`).

    diff OLD.json NEW.json   what changed between two runs, in Markdown; exit 1 when something regressed
"""

from __future__ import annotations

import sys

from conformance import diff

COMMANDS = {"diff": diff.main}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        given = f"unknown command {args[0]!r}; " if args and not args[0].startswith("-") else ""
        print(f"usage: python -m conformance {{{','.join(COMMANDS)}}} ...\n{given}the suite itself runs as: "
              "pytest conformance", file=sys.stderr)
        return 0 if args[:1] in (["-h"], ["--help"]) else 2
    return COMMANDS[args[0]](args[1:])


if __name__ == "__main__":
    sys.exit(main())
