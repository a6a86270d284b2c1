"""Estimated cost of a run: a price table per model, overridable by a JSON file.

Prices are US dollars per one million tokens (input, output), as published by the
provider when this table was written; they change, so ``--prices FILE`` or
``SUMMARIZER_PRICES_FILE`` (JSON ``{"model": [in, out]}``) overrides them. Local models
cost nothing per token. An unknown model's cost is reported as unknown, never as zero.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import UsageError

__all__ = ["DEFAULT_PRICES", "estimate_cost", "load_prices"]

DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "qwen2.5-coder-0.5b-instruct-q4": (0.0, 0.0),
    "qwen2.5-coder-1.5b-instruct-q4": (0.0, 0.0),
}


def load_prices(path: Path | None) -> dict[str, tuple[float, float]]:
    prices = dict(DEFAULT_PRICES)
    if path is None:
        return prices
    try:
        data = json.loads(Path(path).read_text())
        prices.update({str(k): (float(v[0]), float(v[1])) for k, v in data.items()})
    except (OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise UsageError(
            f"{path}: not a price table ({{model: [usd_in, usd_out]}}): {exc}"
        ) from exc
    return prices


def estimate_cost(
    prices: dict[str, tuple[float, float]],
    model: str,
    priced: bool,
    tokens_in: int,
    tokens_out: int,
) -> float | None:
    """US dollars, or None when the model's price is unknown. ``priced`` is the
    backend's capability: a backend whose tokens cost nothing is $0 for any model."""
    if model in prices:
        p_in, p_out = prices[model]
    elif not priced:
        return 0.0
    else:
        return None
    return (tokens_in * p_in + tokens_out * p_out) / 1_000_000
