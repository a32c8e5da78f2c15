"""Charts as inline SVG: plain data in, one escaped, deterministic `<svg>` string out.

Why SVG built in Python: the dashboard must show its charts without JavaScript, print
them legibly (every bar and slice carries its value as text, not only as a length or a
colour) and stay safe when labels are hostile, because customer names, tags and stage
names come from users. All text goes through `markupsafe.escape` (a `Markup` label is
treated as plain text too); the only attributes built from caller data are CSS classes
and ids, which are reduced to word characters and hyphens first.

Styling belongs to the page's stylesheet: every element has a class (`CSS_CLASSES`)
and also a `fill`/`stroke` attribute as a default, which any CSS rule overrides, so a
chart opened on its own still renders. There is no `<style>` element and no inline
`style`, so a strict Content-Security-Policy holds. The size comes from the viewBox;
the page sets `svg.chart { width: 100%; height: auto }`. Text sizes are proportional
to the chart's width so that text stays legible when the chart shrinks to a phone.

Each chart is labelled by its `<title>` and a `<desc>` that repeats the description
and lists every label with its value: that is the text alternative.

Values below zero are not expected (counts and amounts): the drawing clamps them to 0,
while the value labels and the text alternative show the value as given.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

Number = Decimal | int
Formatter = Callable[[Number], str]

INK = "#1d2330"
MUTED = "#5b6475"
GRID = "#dde1e8"
BAR = "#0072b2"
WHITE = "#ffffff"
# Okabe-Ito colours ordered so that neighbours differ in lightness (grey print), each
# with the text colour that contrasts best with it (at least 4:1).
PALETTE: tuple[tuple[str, str], ...] = (
    ("#0072b2", WHITE), ("#e69f00", INK), ("#d55e00", INK), ("#56b4e9", INK),
    ("#009e73", INK), ("#f0e442", INK), ("#6b7280", WHITE), ("#cc79a7", INK),
)
CSS_CLASSES = (
    "chart", "chart-bar", "chart-bar-horizontal", "chart-donut", "chart-empty",
    "grid", "axis", "tick", "bar", "bar-<css_class>", "value", "label",
    "slice", "slice-<css_class>", "slice-value", "swatch", "legend", "total", "empty",
)

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_NAME = re.compile(r"[^\w-]+")
_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
_ELLIPSIS = "…"
_NARROW = frozenset("fijlrtI.,:;'!|() ")
_WIDE = frozenset("mwMW@%")


@dataclasses.dataclass(frozen=True)
class Bar:
    """One bar or slice; `css_class` becomes the class `bar-<css_class>` (or `slice-…`)."""

    label: str
    value: Decimal | int
    css_class: str = ""


# -- numbers -------------------------------------------------------------------------------


def format_number(value: Number) -> str:
    """Thousands with commas; decimals only when the value has them (`1,234.5`)."""
    number = Decimal(value)
    if not number.is_finite():
        return str(number)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,}"


def compact_number(value: Number) -> str:
    """Axis ticks: `950`, `2.5k`, `180k`, `1.25M`, `3B`: short enough for a narrow axis."""
    number = Decimal(value)
    for size, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(1000), "k")):
        if abs(number) >= size:
            return _plain(number / size) + suffix
    return _plain(number)


def _plain(number: Decimal) -> str:
    rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}"


def _clamp(value: Number) -> Decimal:
    """The value the drawing uses: negative, infinite or NaN become 0."""
    number = Decimal(value)
    return number if number.is_finite() and number > 0 else Decimal(0)


def nice_ticks(maximum: Number, *, integer: bool = False) -> list[Decimal]:
    """Gridline values from 0 to at least `maximum`, in 2 to 5 steps of 1, 2, 2.5 or 5 × 10ⁿ.

    The smallest such step that needs at most 5 intervals wins, so the top gridline sits
    close above the largest bar. With `integer` (counts) a step is a whole number.
    A maximum of 0 gives `[0, 1]`, so that an all-zero chart still has a scale.
    """
    top = _clamp(maximum)
    if top == 0:
        return [Decimal(0), Decimal(1)]
    exponent = (top / 5).adjusted()
    for power in range(exponent, max(exponent + 2, 1)):
        for base in _STEPS:
            step = base.scaleb(power)
            if integer and (step < 1 or step != step.to_integral_value()):
                continue
            count = int((top / step).to_integral_value(rounding=ROUND_CEILING))
            if count <= 5:
                return [step * i for i in range(count + 1)]
    raise AssertionError(f"no nice step for {top}")  # unreachable: 10^(exponent+1) always fits


# -- text ----------------------------------------------------------------------------------


def text_width(text: str, font_size: float) -> float:
    """An estimate without a font, on the wide side: proportional Latin averages 0.56 em
    (0.3 for `i`, `l`…, 0.9 for `m`, `W`…), CJK and other wide characters 1.1 em, twice as wide.
    """
    ems = 0.0
    for char in text:
        if unicodedata.combining(char):
            continue
        if unicodedata.east_asian_width(char) in ("W", "F"):
            ems += 1.1
        elif char in _NARROW:
            ems += 0.3
        elif char in _WIDE:
            ems += 0.9
        else:
            ems += 0.68 if char.isupper() else 0.56
    return ems * font_size


def fit_text(text: str, max_width: float, font_size: float) -> str:
    """The text, or its longest prefix plus `…` that fits in `max_width`."""
    if text_width(text, font_size) <= max_width:
        return text
    budget = max_width - text_width(_ELLIPSIS, font_size)
    kept, used = [], 0.0
    for char in text:
        used += text_width(char, font_size)
        if used > budget:
            break
        kept.append(char)
    return "".join(kept).rstrip() + _ELLIPSIS


def _clean(text: str) -> str:
    """Plain `str` (a `Markup` loses its trust) without characters that XML forbids."""
    return _XML_INVALID.sub("\ufffd", str(text))


def _esc(text: str) -> str:
    return str(escape(_clean(text)))


def _name(text: str) -> str:
    """A CSS class or id fragment: word characters and hyphens only."""
    return _NOT_NAME.sub("-", _clean(text)).strip("-")


def _n(number: float) -> str:
    """A coordinate with at most 2 decimals, so output is short and byte-stable."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(x: float, y: float, text: str, css: str, *, font: float, fill: str = INK,
          anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="600"' if bold else ""
    return (f'<text class="{css}" x="{_n(x)}" y="{_n(y)}" font-size="{_n(font)}" fill="{fill}"'
            f' text-anchor="{anchor}"{weight}>{_esc(text)}</text>')


def _line(x1: float, y1: float, x2: float, y2: float, css: str, stroke: str) -> str:
    return (f'<line class="{css}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
            f' stroke="{stroke}" stroke-width="1" shape-rendering="crispEdges"/>')


# -- the frame every chart shares ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Frame:
    ident: str
    kind: str
    title: str
    alternative: str
    width: int
    font: float


@dataclasses.dataclass(frozen=True)
class _Series:
    labels: tuple[str, ...]
    values: tuple[Decimal, ...]  # clamped, for the drawing
    texts: tuple[str, ...]  # value_format of the value as given
    classes: tuple[str, ...]
    integer: bool


def _series(bars: Sequence[Bar], value_format: Formatter) -> _Series:
    return _Series(
        labels=tuple(_clean(bar.label) for bar in bars),
        values=tuple(_clamp(bar.value) for bar in bars),
        texts=tuple(_clean(value_format(bar.value)) for bar in bars),
        classes=tuple(_name(bar.css_class) for bar in bars),
        integer=all(isinstance(bar.value, int) for bar in bars),
    )


def chart_id(title: str) -> str:
    """A stable id for one chart's `<title>`/`<desc>`: several charts share a page."""
    return "chart-" + hashlib.sha256(_clean(title).encode("utf-8")).hexdigest()[:10]


def _alternative(description: str, series: _Series, empty_text: str) -> str:
    """The description, then every label with its value: what a screen reader hears."""
    text = _clean(description).strip()
    if text and text[-1] not in ".!?。！？:：":
        text += "."
    items = "; ".join(f"{label}: {value}" for label, value in zip(series.labels, series.texts, strict=True))
    return f"{text} {items + '.' if items else _clean(empty_text)}".strip()


def _frame(kind: str, title: str, description: str, series: _Series, width: int,
           empty_text: str, ident: str | None) -> _Frame:
    width = max(width, 120)
    return _Frame(
        ident=_name(ident) if ident and _name(ident) else chart_id(title),
        kind=kind, title=_clean(title), alternative=_alternative(description, series, empty_text),
        width=width, font=max(10.0, round(width * 0.03, 1)),
    )


def _svg(frame: _Frame, height: float, body: Sequence[str]) -> Markup:
    ident = frame.ident
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{frame.kind}"'
        f' viewBox="0 0 {frame.width} {_n(height)}" role="img"'
        f' aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{_esc(frame.title)}</title>',
        f'<desc id="{ident}-desc">{_esc(frame.alternative)}</desc>',
    )
    return Markup("\n".join((*head, *body, "</svg>")))


def _empty(frame: _Frame, empty_text: str) -> Markup:
    """A short chart that says there is nothing to show (never a division by zero)."""
    height = frame.font * 4
    empty = dataclasses.replace(frame, kind="empty")
    text = _text(frame.width / 2, height / 2 + frame.font * 0.35, empty_text, "empty",
                 font=frame.font, fill=MUTED, anchor="middle")
    return _svg(empty, height, [text])


def _bar_class(prefix: str, css: str) -> str:
    return f"{prefix} {prefix}-{css}" if css else prefix


def _length(value: Decimal, top: Decimal, span: float) -> float:
    """The bar's length: proportional, and at least 1 unit when the value is not 0."""
    if value == 0:
        return 0.0
    return max(1.0, float(value / top) * span)


# -- bar charts ----------------------------------------------------------------------------


def bar_chart(bars: Sequence[Bar], *, title: str, description: str,
              value_format: Formatter = format_number, tick_format: Formatter = compact_number,
              width: int = 640, height: int | None = None, horizontal: bool = False,
              label_every: int | None = None, empty_text: str = "No data",
              ident: str | None = None) -> Markup:
    """A bar chart with a value label on every bar (when there is room) and a nice axis.

    Vertical (columns, default height 240) suits time series such as weekly activity.
    Every `label_every`-th label is drawn, counted back from the last bar; by default
    every label for up to 12 bars, beyond that the smallest step at which labels do not
    overlap. Value labels shrink, or are left out, when one of them does not fit its column.
    Horizontal suits categories with long names: its height follows from the number
    of bars unless `height` is given. Labels that do not fit end in `…`; the full label
    is in the bar's tooltip and in the text alternative. `ident` overrides the id
    derived from the title, for two charts with one title on a page.
    """
    series = _series(bars, value_format)
    kind = "bar-horizontal" if horizontal else "bar"
    frame = _frame(kind, title, description, series, width, empty_text, ident)
    if not bars:
        return _empty(frame, empty_text)
    ticks = nice_ticks(max(series.values), integer=series.integer)
    tick_texts = [_clean(tick_format(tick)) for tick in ticks]
    if horizontal:
        return _rows(frame, series, ticks, tick_texts, height)
    return _columns(frame, series, ticks, tick_texts, height or 240, label_every)


def _columns(frame: _Frame, series: _Series, ticks: list[Decimal], tick_texts: list[str],
             height: int, label_every: int | None) -> Markup:
    font, count = frame.font, len(series.values)
    height = max(height, round(font * 6))
    top, baseline = font + 8, height - font - 14
    left = max(text_width(t, font) for t in tick_texts) + font * 0.75
    slot = (frame.width - 8 - left) / count
    body = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = baseline - float(tick / ticks[-1]) * (baseline - top)
        body.append(_line(left, y, frame.width - 8, y, "grid", GRID))
        body.append(_text(left - font * 0.4, y + font * 0.35, text, "tick", font=font, fill=MUTED,
                          anchor="end"))
    bar_width = min(slot * 0.7, font * 4.5)
    value_font = _value_font(series.texts, slot, font)
    every = label_every or _label_step(series.labels, slot, font)
    for i in range(count):
        length = _length(series.values[i], ticks[-1], baseline - top)
        centre = left + (i + 0.5) * slot
        body.append(_rect(series, i, centre - bar_width / 2, baseline - length, bar_width, length))
        if value_font:
            body.append(_text(centre, baseline - length - font * 0.3, series.texts[i], "value",
                              font=value_font, anchor="middle"))
        if (count - 1 - i) % max(every, 1) == 0:
            body.append(_column_label(frame, series.labels[i], centre, baseline + font + 6,
                                      slot * max(every, 1) - font * 0.3))
    body.append(_line(left, baseline, frame.width - 8, baseline, "axis", MUTED))
    return _svg(frame, height, body)


def _value_font(texts: Sequence[str], slot: float, font: float) -> float | None:
    """The font size at which every value fits its column, smaller if need be, or None."""
    for size in (font, round(font * 0.8, 1)):
        if all(text_width(text, size) <= slot - 2 for text in texts):
            return size
    return None


def _label_step(labels: Sequence[str], slot: float, font: float) -> int:
    """1 for up to 12 categories (they are truncated instead); else the step that avoids overlap."""
    if len(labels) <= 12:
        return 1
    widest = max(text_width(label, font) for label in labels)
    return max(1, math.ceil((widest + font) / slot))


def _column_label(frame: _Frame, label: str, centre: float, y: float, room: float) -> str:
    """A label under its column, kept inside the chart at both edges."""
    text = fit_text(label, max(room, frame.font), frame.font)
    half = text_width(text, frame.font) / 2
    x = min(max(centre, half + 2), frame.width - half - 2)
    return _text(x, y, text, "label", font=frame.font, anchor="middle")


def _rect(series: _Series, i: int, x: float, y: float, width: float, height: float) -> str:
    tooltip = f"{series.labels[i]}: {series.texts[i]}"
    return (f'<rect class="{_esc(_bar_class("bar", series.classes[i]))}" x="{_n(x)}" y="{_n(y)}"'
            f' width="{_n(width)}" height="{_n(height)}" fill="{BAR}"><title>{_esc(tooltip)}</title></rect>')


def _rows(frame: _Frame, series: _Series, ticks: list[Decimal], tick_texts: list[str],
          height: int | None) -> Markup:
    font, count = frame.font, len(series.values)
    top = font * 0.5
    row = max((height - top - font * 2.4) / count, font * 1.2) if height else font * 2
    bottom = top + row * count
    label_room = min(max(text_width(label, font) for label in series.labels), frame.width * 0.38)
    left = 8 + label_room + font * 0.6
    value_room = max(text_width(t, font) for t in (*series.texts, tick_texts[-1])) + font * 0.5
    span = max(frame.width - 8 - value_room - left, frame.width * 0.25)
    body = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        x = left + float(tick / ticks[-1]) * span
        body.append(_line(x, top, x, bottom, "grid", GRID))
        half = text_width(text, font) / 2
        body.append(_text(min(x, frame.width - half - 2), bottom + font * 1.3, text, "tick",
                          font=font, fill=MUTED, anchor="middle"))
    thickness = min(row * 0.65, font * 1.6)
    for i in range(count):
        middle = top + (i + 0.5) * row
        length = _length(series.values[i], ticks[-1], span)
        body.append(_rect(series, i, left, middle - thickness / 2, length, thickness))
        body.append(_text(left + length + font * 0.35, middle + font * 0.35, series.texts[i], "value",
                          font=font))
        label = fit_text(series.labels[i], label_room, font)
        body.append(_text(left - font * 0.6, middle + font * 0.35, label, "label", font=font, anchor="end"))
    body.append(_line(left, top, left, bottom, "axis", MUTED))
    return _svg(frame, height or bottom + font * 1.9, body)


# -- donut ---------------------------------------------------------------------------------


def donut_chart(slices: Sequence[Bar], *, title: str, description: str,
                value_format: Formatter = format_number, width: int = 640, height: int = 240,
                empty_text: str = "No data", ident: str | None = None) -> Markup:
    """Shares of a whole (customers by status): a ring with the total in its centre.

    Readable without colour: the legend gives each slice's label, value and percentage,
    and slices large enough carry their value as text. Slices run clockwise from 12
    o'clock in the order given; the legend grows the chart when it needs more height.
    """
    series = _series(slices, value_format)
    frame = _frame("donut", title, description, series, width, empty_text, ident)
    if not slices:
        return _empty(frame, empty_text)
    font = frame.font
    height = max(height, round(font * 1.8 * len(slices) + font))
    outer = min(height / 2 - 8, frame.width * 0.22)
    centre = (8 + outer, height / 2)
    total = sum(series.values, Decimal(0))
    body = _slices(frame, series, total, centre, outer)
    body.append(_text(centre[0], centre[1] + font * 0.45, value_format(total),
                      "total", font=font * 1.3, anchor="middle", bold=True))
    body.extend(_legend(frame, series, total, centre[0] + outer + font * 1.5, height))
    return _svg(frame, height, body)


def _slices(frame: _Frame, series: _Series, total: Decimal, centre: tuple[float, float],
            outer: float) -> list[str]:
    inner = outer * 0.58
    if total == 0:  # nothing to share: an empty grey ring
        return [f'<path class="slice" d="{_ring(centre, outer, inner)}" fill="{GRID}" fill-rule="evenodd"/>']
    body, start = [], 0.0
    for i, value in enumerate(series.values):
        share = float(value / total)
        if share == 0:
            continue
        fill, ink = PALETTE[i % len(PALETTE)]
        tooltip = f"{series.labels[i]}: {series.texts[i]}"
        shape = _ring(centre, outer, inner) if share > 0.9999 else _sector(centre, outer, inner, start, share)
        body.append(f'<path class="{_esc(_bar_class("slice", series.classes[i]))}" d="{shape}"'
                    f' fill="{fill}" fill-rule="evenodd" stroke="{WHITE}" stroke-width="2">'
                    f'<title>{_esc(tooltip)}</title></path>')
        x, y = _point(centre, (outer + inner) / 2, start + share / 2)
        if 0.06 <= share < 0.9999 and text_width(series.texts[i], frame.font) <= (outer - inner) * 1.4:
            body.append(_text(x, y + frame.font * 0.35, series.texts[i], "slice-value",
                              font=frame.font, fill=ink, anchor="middle", bold=True))
        start += share
    return body


def _point(centre: tuple[float, float], radius: float, turn: float) -> tuple[float, float]:
    """The point at `turn` (0..1) clockwise from 12 o'clock."""
    angle = 2 * math.pi * turn - math.pi / 2
    return centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)


def _sector(centre: tuple[float, float], outer: float, inner: float, start: float, share: float) -> str:
    large = 1 if share > 0.5 else 0
    (ax, ay), (bx, by) = _point(centre, outer, start), _point(centre, outer, start + share)
    (cx, cy), (dx, dy) = _point(centre, inner, start + share), _point(centre, inner, start)
    return (f"M{_n(ax)} {_n(ay)}A{_n(outer)} {_n(outer)} 0 {large} 1 {_n(bx)} {_n(by)}"
            f"L{_n(cx)} {_n(cy)}A{_n(inner)} {_n(inner)} 0 {large} 0 {_n(dx)} {_n(dy)}Z")


def _ring(centre: tuple[float, float], outer: float, inner: float) -> str:
    """A whole ring: two half circles outside, two inside (an arc cannot close on itself)."""
    x, y = centre
    parts = []
    for radius in (outer, inner):
        r = _n(radius)
        parts.append(f"M{_n(x)} {_n(y - radius)}A{r} {r} 0 1 1 {_n(x)} {_n(y + radius)}"
                     f"A{r} {r} 0 1 1 {_n(x)} {_n(y - radius)}Z")
    return "".join(parts)


def _legend(frame: _Frame, series: _Series, total: Decimal, left: float, height: float) -> list[str]:
    """One row per slice: swatch, label (truncated), value and share, right-aligned."""
    font, count = frame.font, len(series.values)
    row = font * 1.8
    first = (height - row * count) / 2 + row / 2
    widest = max(text_width(label, font) for label in series.labels)
    shares = [_percent(value, total) for value in series.values]
    figures = [f"{text} ({share})" for text, share in zip(series.texts, shares, strict=True)]
    figure_room = max(text_width(f, font) for f in figures)
    right = min(frame.width - 8.0, left + font * 3.5 + widest + figure_room)
    body = ['<g class="legend">']
    for i in range(count):
        y = first + i * row
        fill = PALETTE[i % len(PALETTE)][0]
        css = f"swatch slice-{series.classes[i]}" if series.classes[i] else "swatch"
        body.append(f'<rect class="{_esc(css)}"'
                    f' x="{_n(left)}" y="{_n(y - font * 0.5)}" width="{_n(font)}" height="{_n(font)}"'
                    f' fill="{fill}"/>')
        room = right - figure_room - font - (left + font * 1.5)
        body.append(_text(left + font * 1.5, y + font * 0.35, fit_text(series.labels[i], room, font),
                          "label", font=font))
        body.append(_text(right, y + font * 0.35, figures[i], "value", font=font, anchor="end"))
    body.append("</g>")
    return body


def _percent(value: Decimal, total: Decimal) -> str:
    if total == 0:
        return "0%"
    share = value * 100 / total
    if 0 < share < 1:
        return "<1%"
    return f"{share.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"
