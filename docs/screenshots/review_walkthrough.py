"""The review workflow as a new user runs it, driven in headless Chromium; takes the
screenshots in this folder.

    python docs/screenshots/review_walkthrough.py [PATH ...]   (default: seeds/)

1. ``summarizer brief PATH --review-db DB`` (real model, through the cache);
2. ``summarizer review serve`` on a free loopback port;
3. sign in, screenshot the queue, open the first brief, fix its headline, save,
   screenshot the brief page, approve every brief with the ``a`` key;
4. ``summarizer digest PATH --review-db DB`` and count the sources marked approved.
Everything runs through the installed ``summarizer`` command, as a user would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent


def main() -> None:
    paths = sys.argv[1:] or [str(ROOT / "seeds")]
    work = Path(tempfile.mkdtemp(prefix="review-walkthrough-"))
    env = {
        **os.environ,
        "SUMMARIZER_REVIEW_DB": str(work / "review.db"),
        "SUMMARIZER_REVIEW_EDITORS": json.dumps({"alice": "alice-walkthrough-token"}),
    }
    started = time.perf_counter()
    subprocess.run(["summarizer", "brief", *paths, "--out", str(work / "briefs")], env=env,
                   check=False)  # fmt: skip
    print(f"brief: {time.perf_counter() - started:.1f}s")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["summarizer", "review", "serve", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(url + "/")
            page.fill("input[name=editor]", "alice")
            page.fill("input[name=token]", "alice-walkthrough-token")
            page.click("button[type=submit]")
            page.wait_for_selector("table.queue")
            queued = page.locator("table.queue tbody tr").count()
            page.screenshot(path=str(OUT / "review-queue.png"), full_page=True)
            page.locator("a.open").first.click()
            page.wait_for_selector("form#edit")
            before = page.input_value("#in-headline")
            page.fill("#in-headline", "Editor's fix: " + before[:80])
            page.click("#save")
            page.wait_for_selector("#message.notice")
            page.screenshot(path=str(OUT / "review-brief.png"), full_page=False)
            approved = 0
            while "/briefs/" in page.url:
                current = page.url
                page.keyboard.press("a")
                page.wait_for_url(lambda u, c=current: u != c)  # type: ignore[misc]
                approved += 1
            browser.close()
        print(f"queue showed {queued} drafts; fixed one headline; approved {approved}")
    finally:
        server.terminate()
        server.wait()

    digest = subprocess.run(["summarizer", "digest", *paths, "--format", "json"], env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    sources = [s for story in json.loads(digest.stdout)["stories"] for s in story["sources"]]
    marks = [s["review"] for s in sources]
    print(f"digest: {len(sources)} sources, {marks.count('approved')} approved versions, "
          f"{marks.count('unreviewed')} unreviewed")  # fmt: skip
    headlines = [story["headline"] for story in json.loads(digest.stdout)["stories"]]
    print("digest headlines:", headlines)


if __name__ == "__main__":
    main()
