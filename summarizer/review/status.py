"""A brief's review status and the decisions that set it (no heavy imports: the CLI
reads these at start-up)."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["DECISIONS", "STATUSES", "Status"]

# "failed": the model's brief failed; the item holds the article's headline and lead for
# an editor to complete.
Status = Literal["draft", "approved", "rejected", "needs_changes", "failed"]
STATUSES: tuple[Status, ...] = get_args(Status)
DECISIONS: dict[str, Status] = {
    "approve": "approved",
    "reject": "rejected",
    "request_changes": "needs_changes",
}
