"""Line charts of progress over time, laid out here as numbers; the templates draw them as inline SVG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 12, 10, 26
DAY = "%-d %b %Y"  # a day as the `when` macro (macros.html) shows it: "3 Mar 2025"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: str  # as people read it, "3 Mar 2025"
    value: float


@dataclass(frozen=True)
class Chart:
    """Coordinates in a `width` × `height` view box: the line, its dots and the axis labels."""

    width: int
    height: int
    line: str
    points: list[Point]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    left: int = PAD_LEFT
    bottom: float = 0


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _label(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.3g}"


def line_chart(readings: list[dict[str, Any]], width: int = 320, height: int = 160) -> Chart | None:
    """A chart of `{"reported_on", "value"}` readings in date order; None without a numeric reading."""
    found = [(r["reported_on"], n) for r in readings if (n := _number(r.get("value"))) is not None]
    if not found:
        return None
    days = [d if isinstance(d, date) else date.fromisoformat(str(d)) for d, _ in found]
    values = [v for _, v in found]
    low, high = min(0.0, *values), max(values)
    high = high if high > low else low + 1
    first, span = days[0].toordinal(), max(days[-1].toordinal() - days[0].toordinal(), 1)
    plot_w, plot_h = width - PAD_LEFT - PAD_RIGHT, height - PAD_TOP - PAD_BOTTOM

    def x(day: date) -> float:
        offset = (day.toordinal() - first) / span if len(days) > 1 else 0.5
        return round(PAD_LEFT + offset * plot_w, 1)

    def y(value: float) -> float:
        return round(PAD_TOP + (1 - (value - low) / (high - low)) * plot_h, 1)

    points = [Point(x(d), y(v), d.strftime(DAY), v) for d, v in zip(days, values, strict=True)]
    ticks = [(y(v), _label(v)) for v in (low, (low + high) / 2, high)]
    x_ticks = [(points[0].x, points[0].day)] + ([(points[-1].x, points[-1].day)] if len(points) > 1 else [])
    return Chart(width, height, " ".join(f"{p.x},{p.y}" for p in points), points, ticks, x_ticks,
                 bottom=PAD_TOP + plot_h)
