"""Atom feeds (RFC 4287), serialised by ElementTree so every piece of user text is escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Response

from shared.envelope import rfc3339

NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
# Characters XML 1.0 cannot carry at all, escaped or not: replaced so a feed always parses.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    author: str
    summary: str
    link: str


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _NOT_XML.sub("\ufffd", v) for k, v in attrs.items()})
    if text is not None:
        element.text = _NOT_XML.sub("\ufffd", text)
    return element


def feed(feed_id: str, title: str, self_link: str, entries: Iterable[Entry]) -> Response:
    """An Atom feed response of `entries`, newest first as given."""
    entries = list(entries)
    root = ET.Element("feed", xmlns=NS)
    _add(root, "id", feed_id)
    _add(root, "title", title)
    _add(root, "updated", rfc3339(entries[0].updated if entries else datetime.now(UTC)))
    _add(root, "link", rel="self", href=self_link, type=MEDIA_TYPE)
    _add(_add(root, "author"), "name", "Interactive Charter")
    for e in entries:
        entry = _add(root, "entry")
        _add(entry, "id", e.id)
        _add(entry, "title", e.title)
        _add(entry, "updated", rfc3339(e.updated))
        _add(_add(entry, "author"), "name", e.author)
        _add(entry, "summary", e.summary, type="text")
        _add(entry, "link", rel="alternate", href=e.link)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype=MEDIA_TYPE)
