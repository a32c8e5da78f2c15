"""Contacts from other programs, read into plain records: bytes in, records out, no vault.

CSV files come from Excel (any of UTF-8 with or without a BOM, GBK/GB18030 for
Chinese Excel; comma, semicolon or tab), Google Contacts, HubSpot, Salesforce,
Zoho, or our own customers.csv. Known layouts are recognised by their headers;
any other layout needs a mapping (see docs/import.md). vCards are read in
vcard.py; `read_file` picks the reader by the file's name or first line.

What comes out is a `Record` per row or card: the organisation, a few
customer fields, the people (each a list of `key: value` pairs as they will be
written under `contacts:`), and tags. Deciding what to do with them against a
vault is importplan's job (the records themselves are in importrecords.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from .importrecords import (
    CUSTOMER_FIELDS,
    ImportError_,
    Pairs,
    Record,
    Source,
    clean,
    decode,
    one_line,
    ordered,
    to_iso_date,
)
from .vcard import read_vcards

__all__ = ["ImportError_", "Mapping", "Pairs", "Record", "Source", "read_csv", "read_file", "read_json",
           "read_mapping", "read_vcards"]


# --- CSV --------------------------------------------------------------------------------------

def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the header line into the most columns."""
    header = next(iter(text.splitlines()), "")
    counts = {d: _count_outside_quotes(header, d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    quoted, count = False, 0
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


# --- known layouts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """A CRM's export: the headers that identify it and where each of our keys comes from.

    A target is `organisation`, a customer field, `tags`, or `contact.<key>`.
    Several columns for one target are joined with a space (first and last name).
    """

    name: str
    signature: frozenset[str]
    columns: tuple[tuple[str, str], ...]  # (header, target), matched ignoring case


GOOGLE = Layout("Google Contacts", frozenset({"First Name", "Last Name", "Organization Name",
                                              "E-mail 1 - Value"}), (
    ("First Name", "contact.name"), ("Middle Name", "contact.name"), ("Last Name", "contact.name"),
    ("Organization Name", "organisation"), ("Organization Title", "contact.role"),
    ("Birthday", "contact.birthday"), ("Notes", "contact.note"), ("Labels", "tags"),
))
GOOGLE_LEGACY = Layout("Google Contacts (legacy)", frozenset({"Given Name", "Family Name",
                                                               "E-mail 1 - Value"}), (
    ("Given Name", "contact.name"), ("Additional Name", "contact.name"),
    ("Family Name", "contact.name"), ("Organization 1 - Name", "organisation"),
    ("Organization 1 - Title", "contact.role"), ("Birthday", "contact.birthday"),
    ("Notes", "contact.note"), ("Group Membership", "tags"),
))
HUBSPOT = Layout("HubSpot", frozenset({"Record ID", "First Name", "Last Name", "Email"}), (
    ("First Name", "contact.name"), ("Last Name", "contact.name"), ("Email", "contact.email"),
    ("Phone Number", "contact.phone"), ("Mobile Phone Number", "contact.mobile"),
    ("Company Name", "organisation"), ("Associated Company", "organisation"),
    ("Job Title", "contact.role"), ("Industry", "industry"), ("Country/Region", "region"),
    ("Website URL", "contact.url"), ("Record ID", "contact.uid"),
))
SALESFORCE = Layout("Salesforce", frozenset({"Contact ID", "First Name", "Last Name", "Account Name"}), (
    ("Salutation", "contact.name"), ("First Name", "contact.name"), ("Last Name", "contact.name"),
    ("Title", "contact.role"), ("Email", "contact.email"), ("Phone", "contact.phone"),
    ("Mobile", "contact.mobile"), ("Account Name", "organisation"), ("Mailing Country", "region"),
    ("Lead Source", "source"), ("Description", "contact.note"), ("Birthdate", "contact.birthday"),
    ("Contact ID", "contact.uid"),
))
SALESFORCE_API = Layout("Salesforce (API names)", frozenset({"Id", "FirstName", "LastName", "AccountId"}), (
    ("Salutation", "contact.name"), ("FirstName", "contact.name"), ("LastName", "contact.name"),
    ("Title", "contact.role"), ("Email", "contact.email"), ("Phone", "contact.phone"),
    ("MobilePhone", "contact.mobile"), ("Account.Name", "organisation"),
    ("MailingCountry", "region"), ("LeadSource", "source"), ("Description", "contact.note"),
    ("Birthdate", "contact.birthday"), ("Id", "contact.uid"),
))
ZOHO = Layout("Zoho CRM", frozenset({"Record Id", "Contact Owner", "First Name", "Last Name"}), (
    ("First Name", "contact.name"), ("Last Name", "contact.name"), ("Account Name", "organisation"),
    ("Title", "contact.role"), ("Email", "contact.email"), ("Secondary Email", "contact.email_2"),
    ("Phone", "contact.phone"), ("Mobile", "contact.mobile"), ("Lead Source", "source"),
    ("Mailing Country", "region"), ("Description", "contact.note"),
    ("Date of Birth", "contact.birthday"), ("Tag", "tags"), ("Record Id", "contact.uid"),
))
OWN = Layout("vault-tool customers.csv", frozenset({"id", "name", "contacts", "path"}), (
    ("name", "organisation"), ("status", "status"), ("owner", "owner"), ("tags", "tags"),
    ("industry", "industry"), ("region", "region"), ("source", "source"),
    ("follow_up", "follow_up"), ("created", "created"),
))
LAYOUTS = (OWN, GOOGLE, GOOGLE_LEGACY, SALESFORCE, SALESFORCE_API, ZOHO, HUBSPOT)

# Google's repeated groups: `E-mail 2 - Value`, `Phone 3 - Value`, `Address 1 - Formatted`, …
GOOGLE_GROUPS = (
    (re.compile(r"^E-mail (\d+) - Value$"), "email"),
    (re.compile(r"^Phone (\d+) - Value$"), "phone"),
    (re.compile(r"^Address (\d+) - Formatted$"), "address"),
    (re.compile(r"^Website (\d+) - Value$"), "url"),
)
GOOGLE_SYSTEM_LABELS = ("* myContacts", "* starred", "* other", "* friends", "* family", "* coworkers")


def recognise(headers: list[str]) -> Layout | None:
    present = {h.strip() for h in headers}
    return next((layout for layout in LAYOUTS if layout.signature <= present), None)


# --- mapping files ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Mapping:
    """A mapping file (docs/import.md): for a layout vault-tool does not know."""

    columns: tuple[tuple[str, str], ...]
    constants: Pairs = ()
    date_format: str | None = None
    skip_rows: int = 0
    encoding: str | None = None
    delimiter: str | None = None


TARGET = re.compile(r"^(organisation|tags|contact\.[^\s.]+|" + "|".join(CUSTOMER_FIELDS) + ")$")


def read_mapping(data: bytes) -> Mapping:
    """The mapping file, or ImportError_ naming the first thing wrong with it."""
    try:
        doc = yaml.safe_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ImportError_(f"the mapping file is not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("columns"), dict) or not doc["columns"]:
        raise ImportError_("the mapping file needs a `columns:` section (column name: field)")
    unknown = set(doc) - {"columns", "constants", "date_format", "skip_rows", "encoding", "delimiter"}
    if unknown:
        raise ImportError_(f"the mapping file has unknown keys: {', '.join(sorted(map(str, unknown)))}")
    columns = tuple((str(k), _target(v)) for k, v in doc["columns"].items())
    constants = tuple((_target(k), str(v)) for k, v in (doc.get("constants") or {}).items())
    skip = doc.get("skip_rows", 0)
    if not isinstance(skip, int) or skip < 0:
        raise ImportError_("skip_rows must be a whole number of lines (0 or more)")
    delimiter = doc.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ImportError_("delimiter must be one character, such as ';' or \"\\t\"")
    return Mapping(columns, constants, _opt_str(doc.get("date_format")), skip,
                   _opt_str(doc.get("encoding")), delimiter)


def _target(value: object) -> str:
    text = str(value).strip()
    if text == "name":
        return "organisation"
    if not TARGET.match(text):
        raise ImportError_(f"'{text}' is not a field to import into; use organisation, tags, "
                           f"{', '.join(CUSTOMER_FIELDS)}, or contact.<key> (contact.name, "
                           "contact.phone, …)")
    return text


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


# --- CSV --------------------------------------------------------------------------------------

def read_csv(data: bytes, mapping: Mapping | None = None) -> Source:
    text, _ = decode(data, mapping.encoding if mapping else None)
    lines = text.splitlines(keepends=True)
    skip = mapping.skip_rows if mapping else 0
    body = "".join(lines[skip:])
    delimiter = (mapping.delimiter if mapping and mapping.delimiter else sniff_delimiter(body))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    headers = [h.strip() for h in next(reader, [])]
    if not any(headers):
        raise ImportError_("the file is empty: no header line")
    layout = None if mapping else recognise(headers)
    if mapping is None and layout is None:
        raise ImportError_("vault-tool does not recognise these columns "
                           f"({', '.join(h for h in headers[:6] if h)}…); write a mapping file "
                           "and pass it with --map (see docs/import.md)")
    columns = mapping.columns if mapping else layout.columns  # type: ignore[union-attr]
    missing = [c for c, _ in columns if mapping and c not in headers]
    if missing:
        raise ImportError_(f"the mapping names columns the file does not have: {', '.join(missing)}")
    records: list[Record] = []
    previous = reader.line_num
    for cells in reader:
        number, previous = previous + 1 + skip, reader.line_num  # where the row starts
        if not any(c.strip() for c in cells):
            continue
        row = dict(zip(headers, cells, strict=False))
        records.append(_record(number, row, columns, mapping, layout))
    return Source(layout.name if layout else "mapping file", tuple(records))


def _record(number: int, row: dict[str, str], columns: Iterable[tuple[str, str]],
            mapping: Mapping | None, layout: Layout | None) -> Record:
    folded = {k.casefold(): v for k, v in row.items()}
    gathered: dict[str, list[str]] = {}
    for column, target in columns:
        value = clean(folded.get(column.casefold(), ""))
        if value:
            gathered.setdefault(target, []).append(value)
    for target, value in (mapping.constants if mapping else ()):
        gathered.setdefault(target, [value])
    if layout in (GOOGLE, GOOGLE_LEGACY):
        _google_groups(row, gathered)
    values = {t: " ".join(v) for t, v in gathered.items()}
    date_format = mapping.date_format if mapping else None
    for key in ("created", "contact.birthday"):
        if key in values:
            values[key] = to_iso_date(values[key], date_format)
    tags = split_tags(values.pop("tags", ""), google=layout in (GOOGLE, GOOGLE_LEGACY))
    fields = tuple((k, v) for k, v in values.items() if k in CUSTOMER_FIELDS)
    contact = ordered((k[len("contact."):], one_line(v, k)) for k, v in values.items()
                      if k.startswith("contact."))
    contacts: tuple[Pairs, ...] = (contact,) if contact else ()
    if layout is OWN:
        contacts = parse_contact_list(row.get("contacts", ""))
    return Record(number, values.get("organisation"), fields, contacts, tags,
                  clean(row.get("id", "")) or None if layout is OWN else None)


def _google_groups(row: dict[str, str], gathered: dict[str, list[str]]) -> None:
    """E-mail 1 … n, Phone 1 … n: the first is `email`, the next `email_2`, …; ` ::: ` splits too."""
    found: dict[str, list[tuple[int, str]]] = {}
    for header, value in row.items():
        for pattern, key in GOOGLE_GROUPS:
            match = pattern.match(header.strip())
            if match and clean(value):
                for part in clean(value).split(" ::: "):
                    found.setdefault(key, []).append((int(match.group(1)), part.strip()))
    for key, numbered in found.items():
        for index, (_, value) in enumerate(sorted(numbered, key=lambda p: p[0])):
            target = f"contact.{key}" if index == 0 else f"contact.{key}_{index + 1}"
            gathered.setdefault(target, []).append(value)


def split_tags(text: str, google: bool = False) -> tuple[str, ...]:
    """`a; b`, `a, b`, Google's `* myContacts ::: Customers`; Google's own labels dropped."""
    parts = re.split(r" ::: |;|,|，|、", text)
    tags = [p.strip() for p in parts if p.strip()]
    if google:
        tags = [t for t in tags if t.casefold() not in {s.casefold() for s in GOOGLE_SYSTEM_LABELS}]
    return tuple(dict.fromkeys(tags))


CONTACT_TEXT = re.compile(r"^(?P<name>[^(<]*?)(?: ?\((?P<role>[^()]*)\))?(?: ?<(?P<email>[^<>\s]*)>)?"
                          r"(?: ?(?P<phone>[+0-9(][0-9 ()+\-./]*?))?(?: ?WeChat: (?P<wechat>\S+))?$")


def parse_contact_list(text: str) -> tuple[Pairs, ...]:
    """Our customers.csv `contacts` column back into contacts: `Name (role) <email> phone WeChat: id`."""
    contacts = []
    for part in clean(text).split("; "):
        match = CONTACT_TEXT.match(part.strip())
        if part.strip() and match:
            pairs = tuple((k, v.strip()) for k, v in match.groupdict().items() if v and v.strip())
            contacts.append(pairs)
    return tuple(c for c in contacts if c)


# --- our own customers.json -------------------------------------------------------------------

def read_json(data: bytes) -> Source:
    """`vault-tool export --format json` (or the site's customers.json): everything comes back."""
    try:
        doc = json.loads(decode(data)[0])
        customers = doc["customers"]
    except (ValueError, KeyError, TypeError):
        raise ImportError_("the file is not a customers.json written by vault-tool") from None
    records = []
    for number, item in enumerate(customers, start=1):
        f = item.get("fields", {}) if isinstance(item, dict) else {}
        contacts = tuple(ordered((str(k), str(v)) for k, v in c.items() if v not in (None, ""))
                         for c in f.get("contacts", []) if isinstance(c, dict))
        fields = tuple((k, str(f[k])) for k in CUSTOMER_FIELDS if f.get(k) not in (None, ""))
        tags = tuple(str(t) for t in f.get("tags", []))
        records.append(Record(number, _opt_str(f.get("name")), fields, contacts, tags,
                              _opt_str(item.get("id")) if isinstance(item, dict) else None))
    return Source("vault-tool customers.json", tuple(records))


def read_file(name: str, data: bytes, mapping: Mapping | None = None) -> Source:
    """By the file's name: .vcf/.vcard are vCards, .json our own export, everything else is CSV."""
    if name.lower().endswith((".xlsx", ".xls", ".ods", ".numbers")) or data.startswith(
            (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # zip (xlsx, ods) and old Office files
        raise ImportError_("this is a spreadsheet workbook, not CSV; open it and save it as CSV "
                           "(Excel: File > Save As > CSV UTF-8), then import that file")
    if name.lower().endswith(".json"):
        return read_json(data)
    if name.lower().endswith((".vcf", ".vcard")) or data.lstrip(b"\xef\xbb\xbf \r\n").upper() \
            .startswith(b"BEGIN:VCARD"):
        return read_vcards(data)
    return read_csv(data, mapping)
