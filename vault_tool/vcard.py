"""vCards both ways: the vault as vCard 3.0 (RFC 2426), and cards from phones read into records.

One card per contact, ORG the customer's name, CATEGORIES its tags, and a NOTE
naming the customer id, which `vault-tool import` reads back so that an export
imported into an empty vault gives the same ids. A customer without contacts
is one card named after the customer. Pure: the vault in, bytes out.

Cards are read (2.1 as Android writes it, 3.0, 4.0) by a small parser of our
own rather than vobject (not a dependency, and not checked against Android's
2.1 exports): what we need of RFC 2426, RFC 6350 and the 2.1 spec is short,
and 2.1's quoted-printable soft line breaks (a value going on after `=` on an
unindented line) must be joined before ordinary unfolding.
"""

from __future__ import annotations

import quopri
import re
from dataclasses import dataclass, field
from datetime import date

from .importrecords import (
    CUSTOMER_FIELDS,
    ImportError_,
    Record,
    Source,
    clean,
    clean_text,
    decode,
    ordered,
    to_iso_date,
)
from .model import Contact, Customer, Vault

ID_NOTE = "vault-tool id: "
FIELD_PREFIX = "X-VAULT-TOOL-"  # X-VAULT-TOOL-STATUS:active; phones keep and ignore X- properties
OTHER_KEY = "X-VAULT-TOOL-CONTACT"  # X-VAULT-TOOL-CONTACT:wechat=zhangwei_sh
CARD_KEYS = ("name", "role", "department", "email", "phone", "url", "address", "birthday", "note", "uid")
FOLD_AT = 75  # octets per line, CRLF not counted (RFC 2425 5.8.1)


def customers_vcf(vault: Vault) -> bytes:
    return "".join(customer_cards(c) for c in sorted(vault.customers, key=lambda c: c.id)).encode("utf-8")


def customer_cards(customer: Customer) -> str:
    """The customer's cards: one per contact, or one named after the customer when it has none."""
    contacts = customer.contacts or (Contact(name=customer.name),)
    return "".join(card(customer, contact) for contact in contacts)


def card(customer: Customer, contact: Contact) -> str:
    extra = dict(contact.extra)
    name = contact.name or customer.name
    org = escape(customer.name) + (f";{escape(extra['department'])}" if extra.get("department") else "")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{escape(name)}", f"N:;{escape(name)};;;", f"ORG:{org}"]
    if contact.role:
        lines.append(f"TITLE:{escape(contact.role)}")
    for key, prop in (("email", "EMAIL;TYPE=INTERNET"), ("phone", "TEL"), ("url", "URL"),
                      ("address", "ADR")):
        values = [v for k, v in (("", getattr(contact, key, None) or extra.get(key)),
                                 *sorted(extra.items(), key=lambda p: _number(p[0])))
                  if v and (k == "" or _numbered(k, key))]
        lines += [f"{prop}:;;{escape(v)};;;;" if prop == "ADR" else f"{prop}:{escape(v)}" for v in values]
    if extra.get("birthday"):
        lines.append(f"BDAY:{escape(extra['birthday'])}")
    if contact.wechat:
        lines.append(f"{OTHER_KEY}:wechat={escape(contact.wechat)}")
    lines += [f"{OTHER_KEY}:{escape(k)}={escape(v)}" for k, v in contact.extra if not _on_card(k)]
    lines += [f"{FIELD_PREFIX}{f.upper().replace('_', '-')}:{escape(_text(getattr(customer, f)))}"
              for f in CUSTOMER_FIELDS if getattr(customer, f) is not None]
    if customer.tags:
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in customer.tags))
    note = ID_NOTE + customer.id + (f"\n{extra['note']}" if extra.get("note") else "")
    lines.append(f"NOTE:{escape(note)}")
    if extra.get("uid"):
        lines.append(f"UID:{escape(extra['uid'])}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def _on_card(key: str) -> bool:
    """Keys with a vCard property of their own; the others travel as X-VAULT-TOOL-CONTACT."""
    base = key.split("_")[0]
    return key in CARD_KEYS or (base in ("email", "phone", "url", "address") and _numbered(key, base))


def _numbered(key: str, base: str) -> bool:
    """`email_2` is the second e-mail; `email_work` is a key of its own."""
    return key.startswith(base + "_") and key[len(base) + 1:].isdigit()


def _number(key: str) -> int:
    tail = key.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def escape(text: str) -> str:
    """RFC 2426 TEXT: backslash, comma, semicolon and newline escaped."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space; never inside a character.

    Cut on the UTF-8 bytes, stepping back off continuation bytes, rather
    than adding up characters one by one: that made a 10,000-customer export
    take seconds, for lines that mostly need no folding at all.
    """
    data = line.encode("utf-8")
    if len(data) <= FOLD_AT:
        return line
    pieces = []
    start, limit = 0, FOLD_AT
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # inside a character: it goes on the next line
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, FOLD_AT - 1  # the continuation's leading space is one of its 75
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


# --- vCard ------------------------------------------------------------------------------------

@dataclass
class _Property:
    group: str
    name: str
    params: dict[str, list[str]] = field(default_factory=dict)
    value: str = ""


PROPERTY = re.compile(r"^(?:(?P<group>[A-Za-z0-9-]+)\.)?(?P<name>[A-Za-z0-9-]+)(?P<params>(?:;[^:]*)?):"
                      r"(?P<value>.*)$", re.S)
PHOTO_LIKE = ("PHOTO", "LOGO", "SOUND", "KEY")


def read_vcards(data: bytes) -> Source:
    """Every card in the file, 2.1 (Android), 3.0 (Apple, Google) and 4.0 alike."""
    text, _ = decode(data)
    cards: list[list[_Property]] = []
    current: list[_Property] | None = None
    for line in unfold(text):
        prop = parse_property(line)
        if prop is None:
            continue
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            current = []
        elif prop.name == "END" and prop.value.strip().upper() == "VCARD" and current is not None:
            cards.append(current)
            current = None
        elif current is not None:
            current.append(prop)
    if not cards:
        raise ImportError_("the file has no vCard (no BEGIN:VCARD … END:VCARD)")
    return Source("vCard", tuple(card_record(i + 1, card) for i, card in enumerate(cards)))


def unfold(text: str) -> list[str]:
    """Logical lines: folded lines (CRLF + space or tab) joined, and quoted-printable soft breaks.

    A 2.1 quoted-printable value continues on the next line when its line ends
    with `=`; that line is not indented, so it must be joined before anything else.
    """
    physical = re.split(r"\r\n|\r|\n", text)
    lines: list[str] = []
    for raw in physical:
        if lines and raw[:1] in (" ", "\t"):
            lines[-1] += raw[1:]
        elif lines and _qp_continues(lines[-1]):
            lines[-1] = lines[-1][:-1] + raw if lines[-1].endswith("=") else lines[-1] + raw
        elif raw.strip():
            lines.append(raw)
    return lines


def _qp_continues(line: str) -> bool:
    head = line.split(":", 1)[0].upper()
    return "QUOTED-PRINTABLE" in head and line.endswith("=")


def parse_property(line: str) -> _Property | None:
    match = PROPERTY.match(line)
    if match is None:
        return None
    params: dict[str, list[str]] = {}
    for param in _split_unquoted(match.group("params")[1:], ";") if match.group("params") else []:
        key, sep, value = param.partition("=")
        if not sep:  # 2.1: `TEL;CELL;PREF:` and `;QUOTED-PRINTABLE`
            key, value = ("ENCODING", key) if key.upper() in ("QUOTED-PRINTABLE", "BASE64", "B") \
                else ("TYPE", key)
        values = [v.strip('"') for v in _split_unquoted(value, ",")]
        params.setdefault(key.upper(), []).extend(values)
    prop = _Property((match.group("group") or "").lower(), match.group("name").upper(), params,
                     match.group("value"))
    encoding = [e.upper() for e in params.get("ENCODING", [])]
    if "QUOTED-PRINTABLE" in encoding:
        charset = (params.get("CHARSET") or ["utf-8"])[0]
        raw = quopri.decodestring(prop.value.encode("ascii", "replace"))
        try:
            prop.value = raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            prop.value = raw.decode("utf-8", "replace")
    return prop


def _split_unquoted(text: str, sep: str) -> list[str]:
    parts, current, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def split_value(value: str, sep: str) -> list[str]:
    """Split on `sep` not escaped with a backslash, and unescape each part (RFC 6350 3.4)."""
    parts, current, index = [], [], 0
    while index < len(value):
        ch = value[index]
        if ch == "\\" and index + 1 < len(value):
            nxt = value[index + 1]
            current.append("\n" if nxt in "nN" else nxt)
            index += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        index += 1
    parts.append("".join(current))
    return parts


def text_value(value: str) -> str:
    return split_value(value, "\x00")[0]


def card_record(number: int, card: list[_Property]) -> Record:
    """One card as a record: FN (or N), ORG, TITLE, EMAIL, TEL, ADR, NOTE, CATEGORIES, BDAY, URL, UID."""
    first: dict[str, str] = {}
    many: dict[str, list[str]] = {}
    tags: list[str] = []
    for prop in card:
        if prop.name in PHOTO_LIKE:
            continue
        if prop.name == "CATEGORIES":
            tags += [t.strip() for t in split_value(prop.value, ",") if t.strip()]
        elif prop.name in ("EMAIL", "TEL", "URL", "ADR"):
            value = _adr(prop.value) if prop.name == "ADR" else text_value(prop.value).strip()
            if prop.name == "TEL":
                value = value.removeprefix("tel:")
            if value:
                many.setdefault(prop.name, []).append(value)
        elif prop.name == OTHER_KEY:
            key, _, value = text_value(prop.value).partition("=")
            many.setdefault(OTHER_KEY, []).append(f"{key.strip()}={value}")
        elif prop.name not in first:
            first[prop.name] = prop.value
    name = clean(text_value(first.get("FN", ""))) or _n_name(first.get("N", ""))
    org_parts = [*split_value(first.get("ORG", ""), ";"), ""]  # the name, then departments
    org = clean(org_parts[0])
    contact: list[tuple[str, str]] = []
    _add(contact, "name", name)
    _add(contact, "role", clean(text_value(first.get("TITLE", ""))))
    _add(contact, "department", clean(" ".join(p.strip() for p in org_parts[1:] if p.strip())))
    for key, prop_name in (("email", "EMAIL"), ("phone", "TEL"), ("address", "ADR"), ("url", "URL")):
        for index, value in enumerate(dict.fromkeys(many.get(prop_name, []))):
            _add(contact, key if index == 0 else f"{key}_{index + 1}", clean(value))
    _add(contact, "birthday", to_iso_date(clean(first.get("BDAY", "")).split("T")[0], None))
    for pair in many.get(OTHER_KEY, []):
        key, _, value = pair.partition("=")
        if key:
            _add(contact, key, clean(value))
    note = text_value(first.get("NOTE", ""))
    own_id = None
    if note.startswith(ID_NOTE):  # our own export: the customer id, then the contact's note
        own_id, _, note = note[len(ID_NOTE):].partition("\n")
    _add(contact, "note", clean_text(note))
    _add(contact, "uid", clean(text_value(first.get("UID", ""))))
    fields = tuple((f, clean(text_value(first[FIELD_PREFIX + f.upper().replace("_", "-")])))
                   for f in CUSTOMER_FIELDS if FIELD_PREFIX + f.upper().replace("_", "-") in first)
    return Record(number, org or None, fields, (ordered(contact),) if contact else (),
                  tuple(dict.fromkeys(tags)), own_id.strip() or None if own_id else None)


def _add(pairs: list[tuple[str, str]], key: str, value: str) -> None:
    if value:
        pairs.append((key, value))


def _n_name(value: str) -> str:
    """N is family;given;additional;prefix;suffix: written as `prefix given additional family`."""
    parts = [*split_value(value, ";"), "", "", "", "", ""][:5]
    family, given, additional, prefix, suffix = (clean(p) for p in parts)
    return " ".join(p for p in (prefix, given, additional, family, suffix) if p)


def _adr(value: str) -> str:
    """ADR's seven parts (box;extended;street;city;region;code;country) as one line."""
    return ", ".join(clean(p) for p in split_value(value, ";") if clean(p))
