"""The browsable API docs: one self-contained HTML page (no script, no CDN) rendered from the document."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from jinja2 import Environment, Template
from markupsafe import Markup

from .merge import REF

# Rendered with autoescaping on: text from the document (summaries, names, patterns) is never markup.
TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ info.title }}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1a1a1a;background:#fff}
h1{font-size:1.6rem}h2{border-bottom:2px solid #1d4f91;margin-top:2rem}h3{font-size:1rem;margin:0}
section.op{border:1px solid #bbb;border-radius:4px;margin:1rem 0;padding:.75rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700;color:#fff;background:#1d4f91;padding:0 .4rem;
border-radius:3px}
.m.get{background:#1e6b34}.m.delete{background:#a1261b}code,pre{font:14px/1.4 ui-monospace,monospace}
pre{background:#f3f3f3;padding:.5rem;overflow:auto}table{border-collapse:collapse}td,th{padding:.15rem .5rem;
text-align:left;border-bottom:1px solid #ddd;vertical-align:top}a{color:#1d4f91}
</style></head>
<body><header><h1>{{ info.title }}</h1><p>{{ info.description }}</p>
<p><a href="openapi.json">OpenAPI 3 document (JSON)</a></p></header>
<nav aria-label="Sections"><ul>{% for tag, _ in groups %}<li><a href="#tag-{{ tag|slug }}">{{ tag }}</a></li>
{% endfor %}
<li><a href="#schemas">Schemas</a></li></ul></nav>
<main>
{% for tag, ops in groups %}<h2 id="tag-{{ tag|slug }}">{{ tag }}</h2>{% if tag in areas %}<p>{{ areas[tag] }}</p>
{% endif %}
{% for op in ops %}<section class="op" aria-labelledby="{{ op.id }}">
<h3 id="{{ op.id }}"><span class="m {{ op.method }}">{{ op.method|upper }}</span> <code>{{ op.path }}</code></h3>
<p><strong>{{ op.summary }}</strong> {{ op.role }}</p>{% if op.description %}<p>{{ op.description }}</p>{% endif %}
{% if op.params %}<table><caption>Parameters</caption><tr><th>name</th><th>in</th><th>schema</th></tr>
{% for p in op.params %}<tr><td><code>{{ p.name }}</code></td><td>{{ p['in'] }}</td>
<td><code>{{ p.schema }}</code></td></tr>
{% endfor %}</table>{% endif %}
{% if op.body %}<p>Body: {{ op.body|schema_link }}</p>{% endif %}
<p>Replies: {% for status, schema, codes in op.responses %}<code>{{ status }}</code>
{%- if schema %} {{ schema|schema_link }}{% endif %}{% if codes %} ({% for code in codes %}<code>{{ code }}</code>
{{- ", " if not loop.last }}{% endfor %}){% endif %}{{ "; " if not loop.last }}{% endfor %}</p>
</section>{% endfor %}{% endfor %}
<h2 id="schemas">Schemas</h2>
{% for name, schema in schemas %}<section class="op" aria-labelledby="schema-{{ name }}">
<h3 id="schema-{{ name }}">{{ name }}</h3><pre>{{ schema }}</pre></section>{% endfor %}
</main></body></html>"""


def render(document: dict[str, Any]) -> str:
    """The docs page for an OpenAPI document."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method, op in item.items():
            if method == "parameters":
                continue
            groups.setdefault((op.get("tags") or ["other"])[0], []).append(_operation(path, method, op, item))
    schemas = [(name, json.dumps(s, indent=2)) for name, s in document.get("components", {}).get("schemas", {}).items()]
    areas = {tag["name"]: tag.get("description", "") for tag in document.get("tags", [])}
    order = list(areas)
    ordered = sorted(groups.items(), key=lambda group: (order.index(group[0]) if group[0] in order else len(order),
                                                         group[0]))
    return _template().render(info=document.get("info", {}), groups=ordered, schemas=schemas, areas=areas)


def _operation(path: str, method: str, op: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    params = [p | {"schema": json.dumps(p.get("schema", {}))}
              for p in item.get("parameters", []) + op.get("parameters", [])]
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    responses = [(status, _json_schema(reply), reply.get("x-error-codes", []))
                 for status, reply in sorted(op.get("responses", {}).items())]
    return {"id": op.get("operationId") or f"{method}-{path}", "method": method, "path": path, "params": params,
            "summary": op.get("summary", ""), "description": op.get("description", ""),
            "role": ROLE_WORDS.get(op.get("x-required-role", ""), f"(needs the {op.get('x-required-role')} role)"),
            "body": body, "responses": responses}


ROLE_WORDS = {"anyone": "(open to everyone)", "account": "(needs an account)", "": ""}


def _json_schema(reply: dict[str, Any]) -> dict[str, Any] | None:
    return reply.get("content", {}).get("application/json", {}).get("schema")


def schema_link(schema: dict[str, Any] | None) -> Markup:
    """A named schema as a link to its section, any other schema as escaped JSON."""
    ref = (schema or {}).get("$ref", "")
    if ref.startswith(REF):
        return Markup('<a href="#schema-{0}">{0}</a>').format(ref.removeprefix(REF))
    return Markup("<code>{}</code>").format(json.dumps(schema or {}))


@functools.cache
def _template() -> Template:
    env = Environment(autoescape=True)
    env.filters["schema_link"] = schema_link
    env.filters["slug"] = lambda text: re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return env.from_string(TEMPLATE)
