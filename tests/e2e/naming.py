"""How the tests check that people are named by name: what a reader sees of a page, the id shapes a page must not
show, and the people a JSON reply names by account id without their name beside it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

ID_FRAGMENT = re.compile(r"participant [0-9a-f]{8}", re.IGNORECASE)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def text_of(html: str) -> str:
    """What a reader sees of a page: the text between tags, without scripts, styles or attributes, nor what a form's
    text areas hold (a field's value, like an input's `value`: what the person types, ids included)."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", html, flags=re.S))


def unnamed_people(value: Any, names: dict[str, str], where: str = "$") -> Iterator[str]:
    """Where a JSON value holds the account id of someone in `names` without naming them: a field holding the id
    needs a `<field>_person` sibling `{"id", "name"}` with their name (a list of ids, `<field>_people`), unless the
    object is that person (`id`/`account_id` beside their `name`/`display_name`)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from unnamed_people(item, names, f"{where}[{i}]")
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        path = f"{where}.{key}"
        if isinstance(item, str) and item in names:
            itself = key in ("id", "account_id") and names[item] in (value.get("name"), value.get("display_name"))
            if not itself and value.get(f"{key}_person") != {"id": item, "name": names[item]}:
                yield f"{path} = {item} without {key}_person naming {names[item]!r}: {value.get(f'{key}_person')}"
        elif isinstance(item, list) and any(isinstance(i, str) and i in names for i in item):
            people = value.get(f"{key}_people") or []
            for i in (i for i in item if isinstance(i, str) and i in names):
                if {"id": i, "name": names[i]} not in people:
                    yield f"{path} holds {i} without {key}_people naming {names[i]!r}: {people}"
        else:
            yield from unnamed_people(item, names, path)


def unnamed_organisations(value: Any, where: str = "$") -> Iterator[str]:
    """Where a JSON value holds an `organisation_id` with no name of the organisation beside it (`name`,
    `organisation_name`, or an `organisation` holding a name)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from unnamed_organisations(item, f"{where}[{i}]")
        return
    if not isinstance(value, dict):
        return
    beside = value.get("organisation")
    names = (value.get("name"), value.get("organisation_name"),
             beside.get("name") if isinstance(beside, dict) else beside)
    if isinstance(value.get("organisation_id"), str) and not any(isinstance(n, str) and n.strip() for n in names):
        yield f"{where}.organisation_id = {value['organisation_id']} without the organisation's name"
    for key, item in value.items():
        yield from unnamed_organisations(item, f"{where}.{key}")


def id_fragments(value: Any, where: str = "$") -> Iterator[str]:
    """Every string of a JSON value that names someone by an id fragment ("participant 1a2b3c4d")."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from id_fragments(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from id_fragments(item, f"{where}[{i}]")
    elif isinstance(value, str) and ID_FRAGMENT.search(value):
        yield f"{where} = {value!r}"
