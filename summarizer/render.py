"""Rendering briefs for people (Markdown). JSON for machines is ``model_dump_json``.

Rendering never changes a brief's content; it only lays it out.
"""

from __future__ import annotations

from jinja2 import Environment, StrictUndefined

from .briefs import BriefResult

__all__ = ["render_markdown"]

_ENV = Environment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)

_BRIEF_MD = _ENV.from_string(
    """\
# {{ b.headline }}

{{ b.summary }}

| | |
|---|---|
| Event | {{ b.event_type }} → {{ b.sub_event_type }} |
| Date | {{ b.date.value or "unknown" }} ({{ b.date.precision }}){% if b.date.time_of_day %}, {{ b.date.time_of_day }}{% endif %} |
| Where | {{ [b.location.place, b.location.region, b.location.country] | select | join(", ") or "unknown" }} ({{ b.location.precision }}) |
| Source | {{ p.outlet or "outlet unknown" }}, published {{ p.published or "date not given" }} — `{{ p.source_file }}` |
{% if b.actors %}

## Actors
{% for a in b.actors %}
- **{{ a.name }}** — {{ a.role }}, {{ a.kind }}{% if a.affiliation %} ({{ a.affiliation }}){% endif %}

{% endfor %}
{% endif %}
{% if b.casualties %}

## Casualties (as claimed)
{% for c in b.casualties %}
- {{ c.kind }}: {% if c.value is not none %}{{ c.value }}{% else %}{{ c.low if c.low is not none else "?" }}–{{ c.high if c.high is not none else "?" }}{% endif %}, according to {{ c.attributed_to }} — “{{ c.evidence }}”
{% endfor %}
{% endif %}
{% if b.claims %}

## Claims
{% for c in b.claims %}
- {{ c.statement }} *({{ c.status }}{% if c.attributed_to %}, {{ c.attributed_to }}{% endif %})* — “{{ c.evidence }}”
{% endfor %}
{% endif %}
{% if b.quotes %}

## Quotes
{% for q in b.quotes %}
> “{{ q.quote }}” — {{ q.speaker }}

{% endfor %}
{% endif %}
{% if b.earlier_events %}

## Earlier events
{% for e in b.earlier_events %}
- {% if e.when %}{{ e.when }}: {% endif %}{{ e.description }} — “{{ e.evidence }}”
{% endfor %}
{% endif %}
{% if b.open_questions %}

## Open questions
{% for q in b.open_questions %}
- {{ q.question }} — “{{ q.evidence }}”
{% endfor %}
{% endif %}

---
*{{ p.model }} via {{ p.backend }}, prompt {{ p.prompt_version }}, schema {{ p.schema_version }}; \
{{ p.tokens_in }} tokens in / {{ p.tokens_out }} out, {{ p.attempts }} attempt(s); {{ p.created_at }}.*
"""
)

_FAILED_MD = _ENV.from_string(
    """\
# Not briefed: `{{ r.source }}`

**{{ f.kind }}**: {{ f.message }}
{% for d in f.details %}
- `{{ d.loc }}`: {{ d.msg }}
{% endfor %}
"""
)


def render_markdown(result: BriefResult) -> str:
    if result.brief is not None:
        return _BRIEF_MD.render(b=result.brief, p=result.brief.provenance)
    return _FAILED_MD.render(r=result, f=result.failure)
