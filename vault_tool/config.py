"""vault.yml: optional settings, each checked and reported with its line.

A bad setting never stops the vault from loading: it is reported, and its
default is used instead.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from .convert import (
    Reporter,
    as_duration,
    as_mapping,
    as_number,
    as_probability,
    as_text,
    as_text_list,
    check_choice,
    is_null,
    nearest,
)
from .model import DEFAULT_CHANNELS, CustomField, Problem, Settings
from .parse import decode
from .yamltree import Mapping, Node, Scalar, Sequence, parse_yaml

CONFIG_FILE = "vault.yml"
LOCALES = ("en", "zh")
FIELD_TYPES = ("text", "integer", "number", "date", "enum", "list")

# Chinese words accepted for the built-in channels, so a log written in
# Chinese (`- 2026-11-02 电话：…`) needs no configuration.
CHANNEL_ALIASES = (
    ("电话", "call"),
    ("邮件", "email"),
    ("会议", "meeting"),
    ("拜访", "visit"),
    ("微信", "wechat"),
    ("消息", "message"),
    ("短信", "message"),
    ("备注", "note"),
)


def load_settings(data: bytes | None) -> tuple[Settings, list[Problem]]:
    """Settings from the bytes of vault.yml (None when there is no such file)."""
    defaults = Settings(channel_aliases=CHANNEL_ALIASES)
    if data is None:
        return defaults, []
    text, problems = decode(data, CONFIG_FILE)
    if text is None:
        return defaults, problems
    root, yaml_problems = parse_yaml(text, CONFIG_FILE)
    problems += yaml_problems
    if root is None or is_null(root):
        return defaults, problems
    rep = Reporter(CONFIG_FILE, problems)
    mapping = as_mapping(root, CONFIG_FILE, rep)
    if mapping is None:
        return defaults, rep.problems
    return _read(mapping, rep), rep.problems


def _read(root: Mapping, rep: Reporter) -> Settings:
    values: dict[str, object] = {}
    for key, node in root.items:
        reader = READERS.get(key.value)
        if reader is None:
            rep.warning(
                key, "unknown-setting", key=key.value,
                suggestion=nearest(key.value, READERS) or "",
            )
            continue
        value = reader(node, rep)
        if value is not None:
            values[_attribute(key.value)] = value
    settings = Settings(channel_aliases=CHANNEL_ALIASES, **values)  # type: ignore[arg-type]
    return _cross_check(settings, root, rep)


def _attribute(key: str) -> str:
    return "log_headings" if key == "log_heading" else key


def _cross_check(settings: Settings, root: Mapping, rep: Reporter) -> Settings:
    """Settings that depend on each other: closed statuses must be statuses, etc."""
    node = root.get("closed_statuses")
    closed = tuple(s for s in settings.closed_statuses if s in settings.statuses)
    if node is not None and closed != settings.closed_statuses:
        for status in settings.closed_statuses:
            if status not in settings.statuses:
                check_choice(_word_node(node, status), status, settings.statuses, "unknown-status",
                             "closed_statuses", rep)
    cadence_node = root.get("default_cadence")
    cadence = tuple((s, d) for s, d in settings.default_cadence if s in settings.statuses)
    if cadence_node is not None and cadence != settings.default_cadence:
        for status, _ in settings.default_cadence:
            if status not in settings.statuses:
                check_choice(_word_node(cadence_node, status), status, settings.statuses,
                             "unknown-status", "default_cadence", rep)
    aliases = tuple((a, c) for a, c in settings.channel_aliases if c in settings.channels)
    required = _known_required(settings, root.get("required"), rep)
    return _replace(settings, closed_statuses=closed, default_cadence=cadence, channel_aliases=aliases,
                    required=required)


def _known_required(settings: Settings, node: Node | None, rep: Reporter) -> tuple[str, ...]:
    """A required key no note can have (a typo: `industy`) would fail every customer."""
    known = STANDARD_KEYS + tuple(f.name for f in settings.fields)
    for key in settings.required:
        if key not in known and node is not None:
            check_choice(_word_node(node, key), key, known, "invalid-setting", "required", rep)
    return tuple(k for k in settings.required if k in known)


def _word_node(node: Node, word: str) -> Node:
    """Where `word` is written inside a list or as a key of a mapping, to report it there."""
    if isinstance(node, Sequence):
        candidates: tuple[Node, ...] = node.items
    elif isinstance(node, Mapping):
        candidates = tuple(key for key, _ in node.items)
    else:
        candidates = ()
    return next((c for c in candidates if isinstance(c, Scalar) and c.value == word), node)


def _replace(settings: Settings, **changes: object) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)  # type: ignore[arg-type]


def _name(node: Node, rep: Reporter) -> str | None:
    return as_text(node, "name", rep)


def _locale(node: Node, rep: Reporter) -> str | None:
    value = as_text(node, "locale", rep)
    if value is None:
        return None
    if not check_choice(node, value, LOCALES, "invalid-setting", "locale", rep):
        return None
    return value


def _word_list(key: str) -> Callable[[Node, Reporter], tuple[str, ...] | None]:
    def read(node: Node, rep: Reporter) -> tuple[str, ...] | None:
        words = as_text_list(node, key, rep)
        if words is None:
            return None
        if key != "closed_statuses" and key != "required" and not words:
            rep.error(node, "empty-setting", key=key)
            return None
        return tuple(dict.fromkeys(words))

    return read


def _stages(node: Node, rep: Reporter) -> tuple[tuple[str, Decimal | None], ...] | None:
    """`stages` as a mapping stage -> default probability, or a plain list of names.

    A stage of our own without a probability has none (None): it is an open stage,
    never "lost" by accident, and its deals count with their own probability only.
    """
    defaults = dict(Settings().stages)
    if not isinstance(node, Mapping):
        names = as_text_list(node, "stages", rep)
        if not names:
            return None
        return tuple((n, defaults.get(n)) for n in names)
    stages: list[tuple[str, Decimal | None]] = []
    for key, value in node.items:
        probability = as_probability(value, f"stages.{key.value}", rep)
        if probability is None and not is_null(value):
            continue
        if probability is None:  # `proposal:` alone keeps the stage's usual probability
            probability = defaults.get(key.value)
        stages.append((key.value, probability))
    return tuple(stages) or None


def _default_cadence(node: Node, rep: Reporter) -> tuple[tuple[str, object], ...] | None:
    mapping = as_mapping(node, "default_cadence", rep)
    if mapping is None:
        return None
    result = []
    for key, value in mapping.items:
        duration = as_duration(value, f"default_cadence.{key.value}", rep)
        if duration is not None:
            result.append((key.value, duration))
    return tuple(result)


def _dormant_after(node: Node, rep: Reporter) -> object:
    return as_duration(node, "dormant_after", rep)


def _currency(node: Node, rep: Reporter) -> str | None:
    return as_text(node, "currency", rep)


def _rates(node: Node, rep: Reporter) -> tuple[tuple[str, Decimal], ...] | None:
    """`rates: {USD: 7.1, EUR: 7.8}`: what one unit of each currency is worth in `currency`."""
    mapping = as_mapping(node, "rates", rep)
    if mapping is None:
        return None
    rates = []
    for key, value in mapping.items:
        rate = as_number(value, f"rates.{key.value}", rep, amount=False)
        if rate is not None and rate > 0:
            rates.append((key.value, rate))
        elif rate is not None:
            rep.error(value, "invalid-rate", key=f"rates.{key.value}", value=str(rate))
    return tuple(rates)


def _log_heading(node: Node, rep: Reporter) -> tuple[str, ...] | None:
    """One heading, or several for a vault written in two languages."""
    if isinstance(node, Scalar):
        text = as_text(node, "log_heading", rep)
        return (text.strip(),) if text and text.strip() else None
    headings = as_text_list(node, "log_heading", rep)
    return tuple(h.strip() for h in headings if h.strip()) or None if headings else None


def _fields(node: Node, rep: Reporter) -> tuple[CustomField, ...] | None:
    mapping = as_mapping(node, "fields", rep)
    if mapping is None:
        return None
    result = []
    for key, spec in mapping.items:
        custom = _custom_field(key, spec, rep)
        if custom is not None:
            result.append(custom)
    return tuple(result)


def _custom_field(key: Scalar, spec: Node, rep: Reporter) -> CustomField | None:
    """`level: enum`-style shorthand, or `{type, values, required}`."""
    where = f"fields.{key.value}"
    if key.value in STANDARD_KEYS:
        rep.error(key, "field-shadows-standard", key=key.value)
        return None
    if isinstance(spec, Scalar):
        type_node: Node | None = spec
        spec_map = None
    else:
        spec_map = as_mapping(spec, where, rep)
        if spec_map is None:
            return None
        for sub, _ in spec_map.items:
            if sub.value not in ("type", "values", "required"):
                rep.warning(sub, "unknown-setting", key=f"{where}.{sub.value}",
                            suggestion=nearest(sub.value, ("type", "values", "required")) or "")
        type_node = spec_map.get("type")
    type_name = as_text(type_node, f"{where}.type", rep) or "text"
    if type_name not in FIELD_TYPES:
        check_choice(type_node or key, type_name, FIELD_TYPES, "invalid-setting", f"{where}.type", rep)
        return None
    values: tuple[str, ...] = ()
    required = False
    if spec_map is not None:
        values = as_text_list(spec_map.get("values"), f"{where}.values", rep) or ()
        required = _flag(spec_map.get("required"), f"{where}.required", rep)
    if type_name == "enum" and not values:
        rep.error(spec, "enum-without-values", key=key.value)
        return None
    return CustomField(key.value, type_name, values, required)  # type: ignore[arg-type]


def _flag(node: Node | None, key: str, rep: Reporter) -> bool:
    text = as_text(node, key, rep)
    if text is None:
        return False
    if text.lower() in ("true", "yes", "on"):
        return True
    if text.lower() in ("false", "no", "off"):
        return False
    assert node is not None
    rep.error(node, "wrong-type", key=key, expected="boolean", got="value")
    return False


def _keep_chinese_ids(node: Node, rep: Reporter) -> bool | None:
    return _flag(node, "keep_chinese_ids", rep) if not is_null(node) else None


def _channels(node: Node, rep: Reporter) -> tuple[str, ...] | None:
    words = _word_list("channels")(node, rep)
    return words


def _private(node: Node, rep: Reporter) -> tuple[str, ...] | None:
    """Fields `build --redact` leaves out. Any key may be private except `name`, which every
    page shows; `contacts.KEY` is one key of every contact."""
    keys = as_text_list(node, "private", rep)
    if keys is None:
        return None
    kept = []
    for key in dict.fromkeys(k.strip() for k in keys):
        if key in ("name", "") or key.startswith(".") or key.endswith(".") or key.count(".") > 1 \
                or ("." in key and not key.startswith("contacts.")):
            rep.error(_word_node(node, key), "invalid-setting", key="private", value=key,
                      choices="contacts.KEY, body, log, or a field other than name")
            continue
        kept.append(key)
    return tuple(kept)


READERS: dict[str, Callable[[Node, Reporter], object]] = {
    "name": _name,
    "locale": _locale,
    "statuses": _word_list("statuses"),
    "closed_statuses": _word_list("closed_statuses"),
    "stages": _stages,
    "default_cadence": _default_cadence,
    "dormant_after": _dormant_after,
    "owners": _word_list("owners"),
    "currency": _currency,
    "rates": _rates,
    "fields": _fields,
    "required": _word_list("required"),
    "log_heading": _log_heading,
    "channels": _channels,
    "keep_chinese_ids": _keep_chinese_ids,
    "private": _private,
}

# The front matter keys every customer may use (see validate.py).
STANDARD_KEYS = (
    "name", "status", "owner", "tags", "industry", "region", "source", "created",
    "contacts", "next_follow_up", "follow_up", "cadence", "deals", "purchases",
)

__all__ = ["CHANNEL_ALIASES", "CONFIG_FILE", "DEFAULT_CHANNELS", "STANDARD_KEYS", "load_settings"]
