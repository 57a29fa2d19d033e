"""The milestones and progress-metrics CSV formats: parsed row by row, all or nothing, and exported."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from .errors import CsvError, CsvRejected
from .state import Milestone, ProgressReport, outside_dates

MILESTONE_COLUMNS = ("milestone_id", "title", "due_date", "done_date")
METRIC_COLUMNS = ("reported_on", "metric", "value", "unit")

_FORMULA_STARTS = frozenset("=+-@\t\r")

Problems = list[CsvError]
Row = TypeVar("Row")


@dataclass(frozen=True)
class MilestoneRow:
    line: int
    milestone_id: str
    title: str
    due_date: date
    done_date: date | None


@dataclass(frozen=True)
class MetricRow:
    line: int
    reported_on: date
    metric: str
    value: int | float
    unit: str


def parse_milestones(text: str, starts_on: date, today: date, done_allowed: bool) -> tuple[MilestoneRow, ...]:
    """Milestone rows from CSV text, or CsvRejected listing every problem with its line number."""
    seen: set[str] = set()

    def parse(line: int, cells: dict[str, str], problems: Problems) -> MilestoneRow:
        milestone_id, title = cells["milestone_id"], cells["title"]
        if milestone_id and milestone_id in seen:
            problems.append(CsvError(line, "milestone_id", f"milestone {milestone_id} appears twice"))
        seen.add(milestone_id)
        if not title:
            problems.append(CsvError(line, "title", "a milestone needs a title"))
        due = _date(line, "due_date", cells["due_date"], problems)
        if due is not None and due < starts_on:
            problems.append(CsvError(line, "due_date", f"due {due}, before the pilot starts on {starts_on}"))
        done = _date(line, "done_date", cells["done_date"], problems, required=False)
        _check_done(line, done, today, done_allowed, problems)
        return MilestoneRow(line, milestone_id, title, due or starts_on, done)

    return _parse(text, MILESTONE_COLUMNS, parse)


def parse_metrics(
    text: str,
    today: date,
    starts_on: date = date.min,
    ended_on: date | None = None,
    units: Mapping[str, str] | None = None,
) -> tuple[MetricRow, ...]:
    """Progress-metric rows from CSV text, or CsvRejected listing every problem with its line number.

    Each reading falls within the pilot's dates (`starts_on` to `ended_on` or today), and each metric keeps
    the unit of its first reading: the one in `units` (those held already), or its first row in the file.
    """
    seen: set[tuple[date, str]] = set()
    fixed = dict(units or {})

    def parse(line: int, cells: dict[str, str], problems: Problems) -> MetricRow:
        reported_on = _date(line, "reported_on", cells["reported_on"], problems)
        outside = reported_on and outside_dates(reported_on, today, starts_on, ended_on)
        if outside:
            problems.append(CsvError(line, "reported_on", outside))
        metric, unit = cells["metric"], cells["unit"]
        for column, text in (("metric", metric), ("unit", unit)):
            if not text:
                problems.append(CsvError(line, column, f"the {column} is missing"))
        if metric and unit and fixed.setdefault(metric, unit) != unit:
            problems.append(CsvError(line, "unit", f"{metric} is measured in {fixed[metric]}, not {unit}"))
        if reported_on is not None:
            if (reported_on, metric) in seen:
                problems.append(CsvError(line, "metric", f"{metric} is reported twice on {reported_on}"))
            seen.add((reported_on, metric))
        value = _number(line, cells["value"], problems)
        return MetricRow(line, reported_on or today, metric, value, unit)

    return _parse(text, METRIC_COLUMNS, parse)


def export_milestones(milestones: Iterable[Milestone]) -> str:
    """Milestones in the format `parse_milestones` reads."""
    rows = ((_safe(m.milestone_id), _safe(m.title), m.due_date.isoformat(), _iso(m.done_date)) for m in milestones)
    return _write(MILESTONE_COLUMNS, rows)


def export_metrics(reports: Iterable[ProgressReport]) -> str:
    """Every metric of every report, in the format `parse_metrics` reads."""
    rows = (
        (r.reported_on.isoformat(), _safe(m.name), repr(m.value), _safe(m.unit)) for r in reports for m in r.metrics
    )
    return _write(METRIC_COLUMNS, rows)


def _parse(
    text: str, columns: tuple[str, ...], parse: Callable[[int, dict[str, str], Problems], Row]
) -> tuple[Row, ...]:
    """Validate every row before returning any, so a file is taken whole or not at all."""
    problems: Problems = []
    header, rows = _rows(text.removeprefix("\ufeff"))
    if header is None or sorted(header) != sorted(columns):
        raise CsvRejected((CsvError(1, None, f"the first line must name the columns {', '.join(columns)}"),))
    parsed = []
    for line, cells in rows:
        if len(cells) != len(columns):
            problems.append(CsvError(line, None, f"expected {len(columns)} cells, found {len(cells)}"))
            continue
        parsed.append(parse(line, dict(zip(header, (_unsafe(c.strip()) for c in cells), strict=True)), problems))
    if not parsed and not problems:
        problems.append(CsvError(1, None, "the file has no rows"))
    if problems:
        raise CsvRejected(tuple(problems))
    return tuple(parsed)


def _rows(text: str) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """The header and the non-blank rows, each with the line it starts on (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, last_line = [], 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if any(c.strip() for c in cells):
                rows.append((start, cells))
    except csv.Error as error:
        raise CsvRejected((CsvError(last_line + 1, None, f"unreadable CSV: {error}"),)) from error
    if not rows:
        return None, []
    return [c.strip().lower() for c in rows[0][1]], rows[1:]


def _date(line: int, column: str, text: str, problems: Problems, required: bool = True) -> date | None:
    if not text:
        if required:
            problems.append(CsvError(line, column, "a date is required"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(CsvError(line, column, f"{text!r} is not a date like 2024-03-31"))
        return None


def _check_done(line: int, done: date | None, today: date, allowed: bool, problems: Problems) -> None:
    if done is not None and done > today:
        problems.append(CsvError(line, "done_date", f"{done} is in the future"))
    if done is not None and not allowed:
        problems.append(CsvError(line, "done_date", "only an active pilot's milestones can be done"))


def _number(line: int, text: str, problems: Problems) -> int | float:
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(CsvError(line, "value", f"{text!r} is not a number like 140 or 2.5"))
        return 0
    return value


def _safe(text: str) -> str:
    # A cell opening with = + - @ runs as a formula in spreadsheet programs (CSV injection), so the
    # export quotes it with a leading apostrophe, and the import takes that apostrophe off again.
    return "'" + text if text[:1] in _FORMULA_STARTS or text[:1] == "'" else text


def _unsafe(text: str) -> str:
    return text[1:] if text[:1] == "'" and (text[1:2] in _FORMULA_STARTS or text[1:2] == "'") else text


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _write(columns: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()
