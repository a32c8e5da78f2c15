"""What every importer returns: plain records, and the small cleaning every source needs.

Pure: no files, no vault. importers.py (CSV, JSON) and vcard.py (vCards) build
these records; importplan.py decides what to do with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

Pairs = tuple[tuple[str, str], ...]

CUSTOMER_FIELDS = ("industry", "region", "source", "status", "owner", "follow_up", "created")


class ImportError_(ValueError):
    """The file cannot be read as contacts at all (not one row of it); the message says why."""


@dataclass(frozen=True)
class Record:
    """One row or card. `number` is the line of the row in the file, or the card's number."""

    number: int
    organisation: str | None
    fields: Pairs = ()  # customer fields, keys from CUSTOMER_FIELDS
    contacts: tuple[Pairs, ...] = ()  # each person as contact keys: name, role, email, phone, …
    tags: tuple[str, ...] = ()
    id: str | None = None  # the customer id, when the file is our own export


@dataclass(frozen=True)
class Source:
    """What was read: which layout it was recognised as, the records, and rows left out."""

    layout: str
    records: tuple[Record, ...]
    notes: tuple[str, ...] = ()  # e.g. "line 7: skipped (as the mapping says)"


# --- decoding ---------------------------------------------------------------------------------

def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read in: a BOM wins, then UTF-8, then GB18030."""
    if encoding:
        return data.decode(encoding), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # GB18030 is a superset of GBK and GB2312: what Chinese Excel saves as "CSV"
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ImportError_("the file is neither UTF-8 nor GBK/GB18030 text; save it as "
                           "\"CSV UTF-8\" in Excel, or name the encoding in a mapping file") from None


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str) -> str:
    """A cell without surrounding spaces, control characters, or Excel's leading apostrophe."""
    value = CONTROL.sub("", value).strip()
    return value[1:] if value.startswith("'") and value[1:2] in "=+-@＝＋－＠" and value[1:] else value


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def to_iso_date(text: str, date_format: str | None) -> str:
    """YYYY-MM-DD when the text is a date in `date_format` (or an unambiguous one); else as it was."""
    for fmt in (date_format, *DATE_FORMATS) if date_format else DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return text


KEY_ORDER = ("name", "role", "department", "email", "phone", "mobile", "wechat")


def ordered(contact: Iterable[tuple[str, str]]) -> Pairs:
    """Contact keys in the order people write them: name, role, e-mail, phones, then the rest."""
    def rank(pair: tuple[str, str]) -> int:
        base = pair[0].split("_")[0]
        return KEY_ORDER.index(base) if base in KEY_ORDER else len(KEY_ORDER)
    return tuple(sorted(contact, key=rank))


def one_line(value: str, key: str = "") -> str:
    """A contact value on one line: an address's lines joined with commas, others with spaces."""
    joiner = ", " if "address" in key else " "
    return joiner.join(p.strip() for p in value.splitlines() if p.strip())


def clean_text(value: str) -> str:
    """A multi-line NOTE on one line, so it stays one contact value."""
    return " ".join(clean(line) for line in value.splitlines() if clean(line))
