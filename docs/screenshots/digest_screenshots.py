"""Screenshots of an HTML digest in headless Chromium at phone and desktop widths.

    summarizer digest seeds/ --format html --out /tmp/digest.html
    python docs/screenshots/digest_screenshots.py /tmp/digest.html
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent


def main(html: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(html.resolve().as_uri())
            out = HERE / f"digest-seeds-{name}.png"
            page.screenshot(path=str(out), full_page=name == "desktop")
            print(out)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
