"""python -m conformance COMMAND: the suite's commands outside pytest (the suite itself runs as `pytest conformance`).

    diff OLD.json NEW.json   what changed between two runs, in Markdown; exit 1 when something regressed
    addon-path               the path of the mitmproxy add-on that judges live traffic: mitmdump -s PATH
                             --mode reverse:URL (docs/captured-traffic.md)
"""

from __future__ import annotations

import sys
from pathlib import Path

from conformance import diff

ADDON = Path(__file__).resolve().parent / "evidence" / "proxy.py"


def addon_path(args: list[str]) -> int:
    print(ADDON)
    return 0


COMMANDS = {"diff": diff.main, "addon-path": addon_path}


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
