"""A screenshot of report.html, taken by the headless Chromium the tests use (docs/report.png).

    python scripts/report_screenshot.py REPORT_DIR/report.html docs/report.png [--hide pass]

Needs Playwright (the dev extra) and Debian's chromium at /usr/bin/chromium (CHROMIUM overrides the path); it
never downloads a browser.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless and quiet: no sandbox (containers, root), no GPU, nothing that reaches the network on its own.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--hide", nargs="*", default=[], metavar="STATUS",
                        help="untick these statuses in the page's filters (e.g. pass)")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(args.html.resolve().as_uri())
        for status in args.hide:
            page.locator(f'#filters input[name="status"][value="{status}"]').uncheck()
        page.screenshot(path=str(args.png), full_page=False)
        browser.close()


if __name__ == "__main__":
    main()
