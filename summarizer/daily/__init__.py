"""The daily run: the newsroom's feeds in, the day's digest out (HTML, Markdown, JSON,
Atom) with what changed since the previous run marked.

    changes   pure: the previous and the new digest in, each story's changes stamped
    run       the service: fetch, brief through the cache, file drafts, digest, write
"""

from .changes import mark_changes
from .run import DailyReport, run_daily

__all__ = ["DailyReport", "mark_changes", "run_daily"]
