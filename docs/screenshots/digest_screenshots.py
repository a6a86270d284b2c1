"""Screenshots of an HTML digest in headless Chromium at phone and desktop widths.

    summarizer digest seeds/ --format html --out /tmp/digest.html
    python docs/screenshots/digest_screenshots.py /tmp/digest.html

    # a day of 50 stories: the development set of real multi-outlet news
    summarizer digest fixtures/devsets/digest-dev/articles.jsonl --format html \
        --out /tmp/devset.html
    python docs/screenshots/digest_screenshots.py /tmp/devset.html digest-devset --viewport

``--viewport``: the desktop screenshot shows the first screen, not the whole page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent


def main(html: Path, name_prefix: str = "digest-seeds", *, full_page: bool = True) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(html.resolve().as_uri())
            out = HERE / f"{name_prefix}-{name}.png"
            page.screenshot(path=str(out), full_page=full_page and name == "desktop")
            print(out)
            page.close()
        browser.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--viewport"]
    main(Path(args[0]), *args[1:2], full_page="--viewport" not in sys.argv)
