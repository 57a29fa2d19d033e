"""The pilots' CSV files as the API document publishes them: each column, what goes in it, an example file.

The pilots service reads and writes them (services/pilots/domain/csv_import.py, which holds these columns
to its own), and the gateway takes and serves them at its edge: both document them from here.
"""

from __future__ import annotations

from typing import Any

FILE_RULES = (
    "A `text/csv` file in UTF-8 (a byte-order mark is allowed), within the body limit. Its first line names"
    " the columns, in any order; every later non-blank line is a row with one cell per column. A cell that"
    " starts with `=`, `+`, `-` or `@` may be quoted with a leading apostrophe (the download writes it so,"
    " against spreadsheet formulas), which the upload takes off. The file is taken whole or not at all."
)
MILESTONE_CELLS = {
    "milestone_id": "optional: blank for a new milestone, or the id of a milestone of the pilot to replace",
    "title": "required: the milestone's title",
    "due_date": "required: a date like 2025-03-31, no earlier than the pilot starts",
    "done_date": "optional: a date like 2025-03-28, not in the future; only for an active pilot",
}
METRIC_CELLS = {
    "reported_on": "required: a date like 2025-03-28, within the pilot's dates and not in the future",
    "metric": "required: the metric's name; one reading per metric and day in the file",
    "value": "required: a number like 140 or 2.5",
    "unit": "required: the metric's unit, the same as its earlier readings'",
}
MILESTONES_EXAMPLE = "milestone_id,title,due_date,done_date\r\n,First team publishes its code,2025-03-31,\r\n"
METRICS_EXAMPLE = "reported_on,metric,value,unit\r\n2025-03-28,teams publishing,4,teams\r\n"


def csv_request(cells: dict[str, str], example: str) -> dict[str, Any]:
    """The request body of a CSV upload whose columns are `cells` (name: what goes in it)."""
    columns = "".join(f"\n- `{name}`: {meaning}" for name, meaning in cells.items())
    return {"required": True, "description": f"{FILE_RULES} The columns:{columns}",
            "content": {"text/csv": {"schema": {"type": "string"}, "example": example}}}


def csv_reply(example: str, description: str) -> dict[str, Any]:
    """The reply of a CSV download."""
    return {"description": description, "content": {"text/csv": {"schema": {"type": "string"}, "example": example}},
            "headers": {"Content-Disposition": {"schema": {"type": "string"},
                                                "description": '`attachment; filename="pilot-<id>-<kind>.csv"`'}}}


MILESTONES_UPLOAD = csv_request(MILESTONE_CELLS, MILESTONES_EXAMPLE)
METRICS_UPLOAD = csv_request(METRIC_CELLS, METRICS_EXAMPLE)
MILESTONES_DOWNLOAD = csv_reply(MILESTONES_EXAMPLE, "The milestones, as the upload reads them.")
METRICS_DOWNLOAD = csv_reply(METRICS_EXAMPLE, "The readings, as the upload reads them.")
