"""The iCalendar writer: what it escapes and folds, icalendar reads back unchanged."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tool import ics

NASTY = [
    "Acme, Inc; \\ backslash \\n not a newline, \\N neither",
    "line one\nline two\r\nline three\rline four",
    "上海静安咖啡学院，带样品去演示；确认培训安排",
    "emoji 🍵🫖☕ and 👩🏽‍💼 in a summary",
    "x" * 73 + "杭州西溪湿地" * 20,  # a three-octet character right at the fold
    "é" * 200,
    "🍵" * 80,
    "\\" * 150,
    ";,;," * 40,
    "^^^^" * 40 + "\\^" * 30,
    "\ttab\tseparated\t",
    "",
]


def event_with(summary: str, description: str) -> bytes:
    body = (ics.line("SUMMARY", ics.text(summary)) + ics.line("DESCRIPTION", ics.text(description))
            + ics.line("UID", "x@vault-tool") + ics.line("DTSTAMP", "20261123T000000Z"))
    return f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n".encode()


def read_back(data: bytes) -> tuple[str, str]:
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    return str(event["summary"]), str(event["description"])


def physical_lines_ok(data: bytes) -> None:
    """CRLF only, at most 75 octets a line, and no character cut in two."""
    assert data.endswith(b"\r\n")
    for raw in data.split(b"\r\n")[:-1]:
        assert b"\r" not in raw and b"\n" not in raw
        assert len(raw) <= 75, raw
        raw.decode("utf-8")


def expected(text: str) -> str:
    """A newline in any spelling comes back as \\n: TEXT has one escape for all three."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_nasty_text_round_trips_through_icalendar() -> None:
    for text in NASTY:
        data = event_with(text, text + "\n" + text)
        physical_lines_ok(data)
        assert read_back(data) == (expected(text), expected(text + "\n" + text))


def test_text_escapes() -> None:
    assert ics.text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert ics.text("\\N") == "\\\\N"  # icalendar's writer turned this into a newline
    assert ics.text("冒号: stays") == "冒号: stays"


def test_short_lines_are_not_folded() -> None:
    assert ics.fold("x" * 74) == "x" * 74
    assert ics.line("SUMMARY", "hi") == "SUMMARY:hi\r\n"


def test_fold_splits_at_74_octets_and_never_inside_a_character() -> None:
    assert ics.fold("x" * 75) == "x" * 74 + "\r\n x"
    folded = ics.fold("x" * 73 + "茶" + "y")  # 茶 is three octets: it does not fit on the first line
    assert folded == "x" * 73 + "\r\n 茶y"
    assert ics.fold("🍵" * 19) == "🍵" * 18 + "\r\n 🍵"


def test_fold_keeps_an_escape_on_one_line() -> None:
    assert ics.fold("x" * 73 + "\\n") == "x" * 73 + "\r\n \\n"
    assert ics.fold("x" * 73 + "^'") == "x" * 73 + "\r\n ^'"


def test_folded_lines_unfold_to_the_content_line() -> None:
    for text in NASTY:
        content = "DESCRIPTION:" + ics.text(text)
        folded = ics.fold(content)
        assert folded.replace("\r\n ", "") == content
        physical_lines_ok((folded + "\r\n").encode())


def test_values() -> None:
    assert ics.date_value(date(2026, 7, 2)) == "20260702"
    assert ics.date_value(date(33, 1, 5)) == "00330105"
    assert ics.utc_value(datetime(2026, 11, 23, tzinfo=timezone.utc)) == "20261123T000000Z"
    east = timezone(timedelta(hours=8))
    assert ics.utc_value(datetime(2026, 11, 23, 8, 30, 5, tzinfo=east)) == "20261123T003005Z"
    assert ics.duration_value(timedelta(hours=12)) == "PT12H"
    assert ics.duration_value(timedelta(days=1, minutes=30)) == "P1DT30M"
    assert ics.duration_value(timedelta(days=2)) == "P2D"
    assert ics.duration_value(timedelta(0)) == "PT0S"


def test_values_read_back_as_icalendar_reads_them() -> None:
    for delta in (timedelta(hours=12), timedelta(days=1, minutes=30), timedelta(seconds=59)):
        assert icalendar.vDuration.from_ical(ics.duration_value(delta)) == delta
    assert icalendar.vDate.from_ical(ics.date_value(date(2026, 2, 28))) == date(2026, 2, 28)


# Every character TEXT can hold: no control characters but tab and the line breaks (RFC 5545 3.3.11).
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters=[
    chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]), max_size=300)


@settings(max_examples=300, deadline=None)
@given(summary=TEXT, description=TEXT)
def test_icalendar_reads_back_what_we_write(summary: str, description: str) -> None:
    data = event_with(summary, description)
    physical_lines_ok(data)
    assert read_back(data) == (expected(summary), expected(description))
