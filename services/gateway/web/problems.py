"""What was wrong with a form, in plain English: an API refusal's field errors as GOV.UK-style messages.

The API keeps its own English messages and stable codes; only the pages reword them. Each message is
read for its kind of problem (blank, too long, too short, not an e-mail address, not a date, not a
number, not one of the choices) and said again naming the field by its label's words, as the GOV.UK
Design System's error messages do ("Enter your name", "Title must be 200 characters or fewer").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

FORM = "_form"  # problems with the form as a whole, not one field
GENERAL = "validation_failed"  # a refusal whose message only says "some fields are wrong": its fields say what
RAW_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a field's name as the API spells it, e.g. organisation_name
# A message saying only that nothing was given (not "line 3, title must not be blank", about a file's row).
BLANK = re.compile(r"^(?:\w+ )?(?:must not be (?:empty|blank)|missing data|field may not be null|required"
                   r"|shorter than minimum length 1\b|length must be between 1 and)", re.I)
LONGEST = re.compile(r"(?:at most|maximum length|between \d+ and|to) (\d+)", re.I)
SHORTEST = re.compile(r"(?:at least|minimum length|between|use) (\d+)", re.I)


def noun(name: str) -> str:
    """How a message names a field no form labelled: its API name in words (organisation_id -> organisation)."""
    return re.sub(r"_ids?$", "", name).replace("_", " ")


def sentence(text: str) -> str:
    """Text as a sentence: a capital first letter."""
    return text[:1].upper() + text[1:]


def plain(message: str, label: str, value: Any = None, name_of: Callable[[str], str] = noun,
          *, introduce: bool = True) -> str:
    """One API message about a field as a GOV.UK-style message naming the field by `label`.

    `name_of` puts an API field name the message mentions in words (by default its name, spaced out). A message
    of the API's own not naming the field starts with the label, unless `introduce` is false.
    """
    typed = value if isinstance(value, str) else ""
    lowered = message.lower()
    if not typed.strip() and (value is not None or BLANK.search(message)):
        return f"Enter {label}"
    if "not a valid email" in lowered or "not an e-mail address" in lowered:
        return "Enter an e-mail address in the correct format, like name@example.com"
    if "not a valid date" in lowered or "as a date" in lowered:
        return f"{sentence(label)} must be a real date"
    if "not a valid integer" in lowered or "not a valid number" in lowered:
        return f"{sentence(label)} must be a number, like 12 or 3.5"
    if "must be one of" in lowered or "not a valid uuid" in lowered:
        return f"Select {label} from the list"
    longest, shortest = LONGEST.search(message), SHORTEST.search(message)
    if longest and len(typed.strip()) > int(longest.group(1)):
        return f"{sentence(label)} must be {longest.group(1)} characters or fewer"
    if shortest and len(typed.strip()) < int(shortest.group(1)):
        return f"{sentence(label)} must be {shortest.group(1)} characters or more"
    return in_words(message, name_of, label if introduce else "")


def in_words(message: str, name_of: Callable[[str], str], label: str = "") -> str:
    """A message of the API's own, its raw field names put in words, as a sentence naming `label` if it does not."""
    text = RAW_NAME.sub(lambda m: name_of(m.group(0)), message.strip().rstrip("."))
    if label and label.lower() not in text.lower():
        text = f"{sentence(label)}: {text}"
    return sentence(text)


def leaves(problems: Any) -> list[str]:
    """The messages of one field's problems, nested fields (metrics.0.value) included."""
    if isinstance(problems, list):
        return [m for p in problems for m in leaves(p)]
    if isinstance(problems, dict):
        return [m for v in problems.values() for m in leaves(v)]
    return [str(problems)]


def per_field(errors: dict[str, Any], values: dict[str, Any], labels: dict[str, str],
              rename: dict[str, str] | None = None) -> dict[str, list[str]]:
    """A refusal's `errors` as plain messages by the form's field; a field the form does not show goes to `_form`.

    `labels` name the form's fields as its messages say them ("your name"); a form without labels is taken to
    show every field, named by its API name in words.
    """
    out: dict[str, list[str]] = {}

    def name_of(raw: str) -> str:
        return labels.get((rename or {}).get(raw, raw)) or noun(raw)

    for raw, problems in errors.items():
        name = (rename or {}).get(raw, raw)
        shown = name in labels or not labels
        label = labels.get(name) or noun(name)
        key = name if shown and name != "_schema" else FORM
        for message in leaves(problems):
            text = (plain(message, label, values.get(name), name_of, introduce=name in labels) if key != FORM
                    else in_words(message, name_of))
            if text not in out.get(key, []):
                out.setdefault(key, []).append(text)
    return out


def general(body: dict[str, Any], status: int, field_messages: list[str]) -> str | None:
    """The refusal's message for the form as a whole, unless its field errors already say it better."""
    message = body.get("message") or ""
    if field_messages and (body.get("code") == GENERAL or message in field_messages):
        return None
    return in_words(message or f"The change was refused ({status})", noun) + "."
