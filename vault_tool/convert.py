"""Typed values from YAML nodes, each failure a problem at the value's position.

Shared by the settings (vault.yml) and the customer notes, so a date or an
amount means the same thing, and is refused the same way, everywhere.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from .model import Duration, Problem
from .yamltree import Mapping, Node, Scalar, Sequence

DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Plain digits with an optional decimal point, at most 18 digits on either side: no
# `1e999999`, whose printing takes minutes, and no integer too long for int().
NUMBER_RE = re.compile(r"^[+-]?(\d{1,18}(\.\d{0,18})?|\.\d{1,18})$")
INTEGER_RE = re.compile(r"^[+-]?\d{1,18}$")
DURATION_RE = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")
# Bounds that keep `date + cadence` a valid date, so no later stage can overflow:
# durations up to about 100 years, and dates up to a century before the calendar ends.
UNIT_DAYS = {"d": 1, "w": 7, "m": 31, "y": 366}
MAX_DURATION_DAYS = 36_600
LATEST_DATE = date(9800, 12, 31)


@dataclass
class Reporter:
    """Collects the problems of one file."""

    path: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, node: Node, code: str, **params: object) -> None:
        self.problems.append(Problem.error(self.path, node.line, node.column, code, **params))

    def warning(self, node: Node, code: str, **params: object) -> None:
        self.problems.append(Problem.warning(self.path, node.line, node.column, code, **params))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The closest known word, to turn a typo into a "did you mean" hint."""
    options = list(choices)
    folded = {c.casefold(): c for c in options}
    if word.casefold() in folded:
        return folded[word.casefold()]
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return match[0] if match else None


def hint(choices: Iterable[str]) -> str:
    """`choices` as a readable list, for messages."""
    return ", ".join(choices) or "-"


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, Scalar) and node.is_null)


KIND_NAMES = {Scalar: "value", Mapping: "mapping", Sequence: "list"}


def _wrong(rep: Reporter, node: Node, key: str, expected: str) -> None:
    rep.error(node, "wrong-type", key=key, expected=expected, got=KIND_NAMES[type(node)])


def _scalar(node: Node | None, key: str, expected: str, rep: Reporter) -> Scalar | None:
    """The node if it is a single value; None for nothing, or (reported) for a list or mapping."""
    if is_null(node):
        return None
    assert node is not None
    if not isinstance(node, Scalar):
        _wrong(rep, node, key, expected)
        return None
    return node


def as_text(node: Node | None, key: str, rep: Reporter) -> str | None:
    """Text exactly as written: `01380013800` and `NO` stay text."""
    node = _scalar(node, key, "text", rep)
    if node is None:
        return None
    return node.value


def as_date(node: Node | None, key: str, rep: Reporter) -> date | None:
    node = _scalar(node, key, "date", rep)
    if node is None:
        return None
    return parse_date(node, key, rep)


def parse_date(node: Scalar, key: str, rep: Reporter) -> date | None:
    match = DATE_RE.match(node.value.strip())
    if not match:
        rep.error(node, "invalid-date-format", key=key, value=node.value)
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        result = date(year, month, day)
    except ValueError:
        rep.error(node, "impossible-date", key=key, value=node.value)
        return None
    if result > LATEST_DATE:
        rep.error(node, "date-out-of-range", key=key, value=node.value, limit=LATEST_DATE.isoformat())
        return None
    return result


def as_number(node: Node | None, key: str, rep: Reporter, *, amount: bool = True) -> Decimal | None:
    """A number; amounts must also be zero or more."""
    node = _scalar(node, key, "number", rep)
    if node is None:
        return None
    text = node.value.strip()
    if not NUMBER_RE.match(text):
        rep.error(node, "not-a-number", key=key, value=node.value)
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already refused it
        rep.error(node, "not-a-number", key=key, value=node.value)
        return None
    if not value.is_finite():  # pragma: no cover - the pattern refuses nan/inf
        rep.error(node, "not-a-number", key=key, value=node.value)
        return None
    if amount and value < 0:
        rep.error(node, "negative-amount", key=key, value=node.value)
        return None
    return value


def as_integer(node: Node | None, key: str, rep: Reporter) -> int | None:
    node = _scalar(node, key, "integer", rep)
    if node is None:
        return None
    if not INTEGER_RE.match(node.value.strip()):
        rep.error(node, "not-an-integer", key=key, value=node.value)
        return None
    return int(node.value.strip())


def as_probability(node: Node | None, key: str, rep: Reporter) -> Decimal | None:
    value = as_number(node, key, rep, amount=False)
    if value is None or node is None:
        return None
    if not Decimal(0) <= value <= Decimal(1):
        rep.error(node, "invalid-probability", key=key, value=str(value))
        return None
    return value


def as_duration(node: Node | None, key: str, rep: Reporter) -> Duration | None:
    node = _scalar(node, key, "duration", rep)
    if node is None:
        return None
    match = DURATION_RE.match(node.value)
    if not match or int(match.group(1)) == 0:
        rep.error(node, "invalid-duration", key=key, value=node.value)
        return None
    if int(match.group(1)) * UNIT_DAYS[match.group(2)] > MAX_DURATION_DAYS:
        rep.error(node, "duration-too-long", key=key, value=node.value)
        return None
    return Duration(int(match.group(1)), match.group(2))  # type: ignore[arg-type]


def as_text_list(node: Node | None, key: str, rep: Reporter) -> tuple[str, ...] | None:
    """A list of texts; nulls inside are skipped, nested lists refused."""
    if is_null(node):
        return None
    assert node is not None
    if not isinstance(node, Sequence):
        _wrong(rep, node, key, "list")
        return None
    items: list[str] = []
    for item in node.items:
        text = as_text(item, key, rep)
        if text is not None:
            items.append(text)
    return tuple(items)


def as_mapping(node: Node | None, key: str, rep: Reporter) -> Mapping | None:
    if is_null(node):
        return None
    assert node is not None
    if not isinstance(node, Mapping):
        _wrong(rep, node, key, "mapping")
        return None
    return node


def as_sequence(node: Node | None, key: str, rep: Reporter) -> Sequence | None:
    if is_null(node):
        return None
    assert node is not None
    if not isinstance(node, Sequence):
        _wrong(rep, node, key, "list")
        return None
    return node


def check_choice(
    node: Node, value: str, choices: tuple[str, ...], code: str, key: str, rep: Reporter
) -> bool:
    """Is `value` one of `choices`? If not, say so and suggest the nearest."""
    if value in choices:
        return True
    suggestion = nearest(value, choices)
    rep.error(
        node, code, key=key, value=value, choices=hint(choices),
        suggestion=suggestion or "",
    )
    return False
