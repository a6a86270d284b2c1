"""The review page (FastAPI, Jinja2, vendored htmx) over the review store."""
