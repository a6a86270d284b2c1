"""Talking to models: backends, the HTTP client and transport, the one model call,
prompts and prices. Knows nothing of briefs, digests or reviews."""
