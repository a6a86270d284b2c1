"""Per-article event briefs: strategies, the brief cache, results, the batch pipeline."""
