"""Make ``docs/report-example.png``: the example company's HTML check report
(``--as-of 2026-11-20``) in headless Chromium (Debian's ``chromium``, via Playwright).

    python scripts/report_screenshot.py [OUT.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def shoot(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        os.chdir(ROOT)  # the header names the facts file as given: examples/company.yaml
        main(["check", "--facts", "examples/company.yaml", "--as-of",
              "2026-11-20", "--format", "html", "-o", str(html)])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 1250})
            page.goto(html.as_uri())
            page.screenshot(path=str(out), full_page=False)
            browser.close()


if __name__ == "__main__":
    default = ROOT / "docs" / "report-example.png"
    shoot(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else default)
