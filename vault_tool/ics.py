"""iCalendar (RFC 5545) text written by hand: escaping, folding, CRLF.

The icalendar library builds an object per property and parameter and folds
character by character; for a 10,000-customer feed that was most of the
build. The feed uses a handful of property kinds, so they are written here;
icalendar stays for reading, and the tests parse every feed back with it.

Folding follows icalendar's writer, so the feed's bytes did not change when
we stopped using it: at most 74 octets of content per physical line (a
continuation line starts with a space, 75 in all), never inside a UTF-8
character, and never right after a backslash or caret, because some clients
unfold an escape split over two lines wrongly (icalendar issue #1501).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CRLF = "\r\n"
FOLD_AT = 74  # octets of content per physical line
_CONTINUATION = range(0x80, 0xC0)  # UTF-8 bytes that never start a character
_NO_FOLD_AFTER = (ord("\\"), ord("^"))  # the starts of TEXT and RFC 6868 escapes


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11). Backslash first, or the escapes added after it would double."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def date_value(day: date) -> str:
    """A DATE value; by hand, because strftime drops the leading zeros of years before 1000."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def utc_value(moment: datetime) -> str:
    """A DATE-TIME value in UTC form (`...Z`): the only form that needs no VTIMEZONE."""
    m = moment.astimezone(timezone.utc)
    return f"{date_value(m)}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"


def duration_value(delta: timedelta) -> str:
    """A positive DURATION such as `PT12H` or `P1DT30M`; a zero part is left out."""
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    day = f"{delta.days}D" if delta.days else ""
    parts = [f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n]
    clock = "T" + "".join(parts) if parts else ""
    return "P" + (day + clock or "T0S")


def line(name: str, value: str) -> str:
    """One content line with its CRLF, folded.

    `name` carries any parameters (`DTSTART;VALUE=DATE`); `value` is already
    in its wire form (escaped with `text` for TEXT properties).
    """
    return fold(f"{name}:{value}") + CRLF


def fold(content: str) -> str:
    """The content line split into physical lines of at most FOLD_AT octets, joined by CRLF + space."""
    data = content.encode("utf-8")
    if len(data) <= FOLD_AT:
        return content
    pieces = []
    start = 0
    while len(data) - start > FOLD_AT:
        end = start + FOLD_AT
        while data[end] in _CONTINUATION:  # the character at `end` would be cut: it goes on the next line
            end -= 1
        if data[end - 1] in _NO_FOLD_AFTER and end - start > 1:
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")
