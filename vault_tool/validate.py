"""A parsed note -> a typed Customer, with a problem for every value that is wrong.

A field that is wrong is reported and left out; the customer is still built,
so one typo never hides a customer (and its follow-up) from the dashboard.
Only a note whose front matter cannot be read at all yields no customer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import cast

from .config import STANDARD_KEYS
from .convert import (
    Reporter,
    as_date,
    as_duration,
    as_integer,
    as_mapping,
    as_number,
    as_probability,
    as_sequence,
    as_text,
    as_text_list,
    check_choice,
    is_null,
    nearest,
)
from .logbook import read_log
from .model import Contact, Customer, CustomField, Deal, FieldValue, Problem, Purchase, Settings
from .parse import ParsedNote
from .yamltree import Mapping, Node

CONTACT_KEYS = ("name", "role", "email", "phone", "wechat")
DEAL_KEYS = ("title", "stage", "value", "currency", "probability", "expected_close", "closed")
PURCHASE_KEYS = ("date", "amount", "product")


def build_customer(
    customer_id: str, path: str, note: ParsedNote, settings: Settings, today: date
) -> tuple[Customer | None, list[Problem]]:
    """Validate one note. Returns None only when its front matter is unreadable."""
    rep = Reporter(path, list(note.problems))
    if is_null(note.front):  # nothing, or only `~` / `null`, between the `---` lines
        if not note.problems:
            rep.problems.append(Problem.error(path, note.front_line, 1, "frontmatter-empty"))
        return None, rep.problems
    front = as_mapping(note.front, "front matter", rep)
    if front is None:
        return None, _retag(rep.problems, "frontmatter-not-mapping")
    fields = _read_fields(front, settings, rep)
    _check_required(front, fields, settings, rep, note.front_line)
    log, log_problems = read_log(note.body, note.body_line, settings, path, today)
    rep.problems.extend(log_problems)
    customer = Customer(
        id=customer_id,
        path=path,
        name=str(fields.pop("name", None) or customer_id),
        log=log,
        body=note.body,
        body_line=note.body_line,
        custom=tuple(sorted(
            (k, cast(FieldValue, v)) for k, v in fields.items() if k not in STANDARD_KEYS
        )),
        has_errors=rep.has_errors,
        **{k: v for k, v in fields.items() if k in STANDARD_KEYS},  # type: ignore[arg-type]
    )
    return customer, rep.problems


def _retag(problems: list[Problem], code: str) -> list[Problem]:
    """Front matter of the wrong shape gets its own code, not a generic type error."""
    last = problems[-1]
    problems[-1] = Problem(last.path, last.line, last.column, "error", code, ())
    return problems


def _read_fields(front: Mapping, settings: Settings, rep: Reporter) -> dict[str, object]:
    known = STANDARD_KEYS + tuple(f.name for f in settings.fields)
    values: dict[str, object] = {}
    for key, node in front.items:
        reader = FIELD_READERS.get(key.value)
        custom = settings.custom_field(key.value)
        if custom is not None:
            value: object = _read_custom(custom, node, rep)
        elif reader is not None:
            value = reader(node, settings, rep)
        else:
            rep.warning(key, "unknown-key", key=key.value, suggestion=nearest(key.value, known) or "")
            continue
        if value is not None:
            values[key.value] = value
    return values


def _check_required(
    front: Mapping, fields: dict[str, object], settings: Settings, rep: Reporter, line: int
) -> None:
    required = ("name", *settings.required, *(f.name for f in settings.fields if f.required))
    for key in dict.fromkeys(required):
        # A value that is there but wrong was already reported where it stands.
        rejected = fields.get(key) is None and not is_null(front.get(key))
        if fields.get(key) in (None, "", ()) and not rejected:
            rep.problems.append(Problem.error(rep.path, line, 1, "missing-required", key=key))


def _read_custom(field: CustomField, node: Node, rep: Reporter) -> FieldValue | None:
    if field.type == "integer":
        return as_integer(node, field.name, rep)
    if field.type == "number":
        return as_number(node, field.name, rep, amount=False)
    if field.type == "date":
        return as_date(node, field.name, rep)
    if field.type == "list":
        return as_text_list(node, field.name, rep)
    text = as_text(node, field.name, rep)
    if (text is not None and field.type == "enum"
            and not check_choice(node, text, field.values, "unknown-enum-value", field.name, rep)):
        return None
    return text


def _text(key: str) -> Callable[[Node, Settings, Reporter], object]:
    return lambda node, settings, rep: as_text(node, key, rep)


def _date(key: str) -> Callable[[Node, Settings, Reporter], object]:
    return lambda node, settings, rep: as_date(node, key, rep)


def _status(node: Node, settings: Settings, rep: Reporter) -> str | None:
    value = as_text(node, "status", rep)
    if value is None or not check_choice(node, value, settings.statuses, "unknown-status",
                                         "status", rep):
        return None
    return value


def _owner(node: Node, settings: Settings, rep: Reporter) -> str | None:
    value = as_text(node, "owner", rep)
    if value is None or not settings.owners:
        return value
    if not check_choice(node, value, settings.owners, "unknown-owner", "owner", rep):
        return None
    return value


def _tags(node: Node, settings: Settings, rep: Reporter) -> tuple[str, ...] | None:
    tags = as_text_list(node, "tags", rep)
    return tuple(dict.fromkeys(t.strip() for t in tags if t.strip())) if tags else tags


def _cadence(node: Node, settings: Settings, rep: Reporter) -> object:
    return as_duration(node, "cadence", rep)


def _items(
    node: Node, key: str, rep: Reporter, known: tuple[str, ...]
) -> list[Mapping]:
    """The mappings of a list such as `deals`, warning about unknown keys in each."""
    seq = as_sequence(node, key, rep)
    result = []
    for index, item in enumerate(seq.items if seq else (), 1):
        mapping = as_mapping(item, f"{key}[{index}]", rep)
        if mapping is None:
            continue
        for sub, _ in mapping.items:
            if sub.value not in known and key != "contacts":
                rep.warning(sub, "unknown-key", key=f"{key}.{sub.value}",
                            suggestion=nearest(sub.value, known) or "")
        result.append(mapping)
    return result


def _contacts(node: Node, settings: Settings, rep: Reporter) -> tuple[Contact, ...]:
    contacts = []
    for mapping in _items(node, "contacts", rep, CONTACT_KEYS):
        values = {k.value: as_text(v, f"contacts.{k.value}", rep) for k, v in mapping.items}
        extra = tuple((k, v) for k, v in values.items() if k not in CONTACT_KEYS and v is not None)
        contacts.append(Contact(
            **{k: values.get(k) for k in CONTACT_KEYS},
            extra=extra,
        ))
    return tuple(contacts)


def _deals(node: Node, settings: Settings, rep: Reporter) -> tuple[Deal, ...]:
    deals = []
    stages = tuple(name for name, _ in settings.stages)
    for mapping in _items(node, "deals", rep, DEAL_KEYS):
        title = as_text(mapping.get("title"), "deals.title", rep)
        if title is None:
            rep.error(mapping, "missing-required", key="deals.title")
            title = "?"
        stage_node = mapping.get("stage")
        stage = as_text(stage_node, "deals.stage", rep)
        if stage is None:
            rep.error(mapping, "missing-required", key="deals.stage")
        elif stage_node is not None and not check_choice(
            stage_node, stage, stages, "unknown-stage", "deals.stage", rep
        ):
            stage = None
        deals.append(Deal(
            title=title,
            stage=stage,
            value=as_number(mapping.get("value"), "deals.value", rep),
            currency=as_text(mapping.get("currency"), "deals.currency", rep),
            probability=as_probability(mapping.get("probability"), "deals.probability", rep),
            expected_close=as_date(mapping.get("expected_close"), "deals.expected_close", rep),
            closed=as_date(mapping.get("closed"), "deals.closed", rep),
            line=mapping.line,
        ))
    return tuple(deals)


def _purchases(node: Node, settings: Settings, rep: Reporter) -> tuple[Purchase, ...]:
    purchases = []
    for mapping in _items(node, "purchases", rep, PURCHASE_KEYS):
        when = as_date(mapping.get("date"), "purchases.date", rep)
        amount_node = mapping.get("amount")
        amount: Decimal | None = as_number(amount_node, "purchases.amount", rep)
        if is_null(mapping.get("date")):
            rep.error(mapping, "missing-required", key="purchases.date")
        if is_null(amount_node):
            rep.error(mapping, "missing-required", key="purchases.amount")
        if when is not None:
            product = as_text(mapping.get("product"), "purchases.product", rep)
            purchases.append(Purchase(when, amount, product, mapping.line))
    return tuple(purchases)


FIELD_READERS: dict[str, Callable[[Node, Settings, Reporter], object]] = {
    "name": _text("name"),
    "status": _status,
    "owner": _owner,
    "tags": _tags,
    "industry": _text("industry"),
    "region": _text("region"),
    "source": _text("source"),
    "created": _date("created"),
    "contacts": _contacts,
    "next_follow_up": _date("next_follow_up"),
    "follow_up": _text("follow_up"),
    "cadence": _cadence,
    "deals": _deals,
    "purchases": _purchases,
}

assert tuple(FIELD_READERS) == STANDARD_KEYS
