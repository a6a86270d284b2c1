"""An article whose brief failed still reaches the review queue, marked failed with its
reason and holding the article's own headline and lead, so an editor can write it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from summarizer.review.store import ReviewStore
from summarizer.testing import FakeOpenAI, Faults

from .fakes import fake_env

# HAND-WRITTEN test article (fictional events).
ARTICLE = """ date 2025-05-02
Dam breach floods three villages in the valley
Floodwater from a breached dam swept through three villages in the Ruvu valley on Thursday, the district commissioner said.
Rescue teams reached the last of the villages by boat on Friday morning.
"""


def test_a_failed_brief_is_filed_for_an_editor(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "dam.txt").write_text(ARTICLE)
    db = tmp_path / "review.db"
    # every answer violates the schema: the model "keeps inventing" and the article fails
    with FakeOpenAI(faults=Faults(rate=1.0, kinds=["schema"])) as fake:
        env = fake_env(fake, tmp_path / "cache", SUMMARIZER_REVIEW_DB=str(db))
        run = subprocess.run(
            [sys.executable, "-m", "summarizer", "brief", str(tmp_path / "in"),
             "--out", str(tmp_path / "out")],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert "1 failed article(s) filed for an editor" in run.stderr
    (item,) = ReviewStore(db).items()
    assert item.status == "failed"
    assert item.review_comment and "validation" in item.review_comment
    assert item.headline == "Dam breach floods three villages in the valley"
    versions = ReviewStore(db).versions(item.id)
    assert "breached dam swept through three villages" in versions[0].content["summary"]
