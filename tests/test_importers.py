"""Reading other programs' contact files: every fixture is written from the vendor's documented layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from vault_tool.importers import (
    parse_contact_list,
    read_csv,
    read_file,
    read_mapping,
    sniff_delimiter,
)
from vault_tool.importrecords import ImportError_, Record, decode, to_iso_date

DATA = Path(__file__).parent / "data" / "import"


def source(name: str, mapping: str | None = None) -> tuple[str, list[Record]]:
    m = read_mapping((DATA / mapping).read_bytes()) if mapping else None
    result = read_file(name, (DATA / name).read_bytes(), m)
    return result.layout, list(result.records)


def people(records: list[Record]) -> list[dict[str, str]]:
    return [dict(c) for r in records for c in r.contacts]


# --- decoding and delimiters ------------------------------------------------------------------

@pytest.mark.parametrize(("data", "encoding"), [
    ("公司名称,联系人\n".encode("utf-8-sig"), "utf-8-sig"),
    ("公司名称,联系人\n".encode(), "utf-8"),
    ("公司名称,联系人\n".encode("gbk"), "gb18030"),
    ("名称,𠀀\n".encode("gb18030"), "gb18030"),
])
def test_decode_finds_the_encoding(data: bytes, encoding: str) -> None:
    text, found = decode(data)
    assert found == encoding
    assert text.startswith(("公司名称", "名称"))


@pytest.mark.parametrize(("header", "delimiter"), [
    ("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ('"x;y",b,c', ","), ("single", ","),
])
def test_sniff_delimiter(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header + "\n1,2,3\n") == delimiter


# --- known layouts ----------------------------------------------------------------------------

def test_google_current_layout_with_repeated_groups() -> None:
    layout, records = source("google.csv")
    assert layout == "Google Contacts"
    bob = records[0]
    assert bob.number == 2 and bob.organisation == "Acme Trading Ltd"
    assert bob.tags == ("Retail", "VIP")  # `* myContacts` is Google's own label
    assert dict(bob.contacts[0]) == {
        "name": "Bob Li", "role": "Head of Buying", "email": "bob.li@example.com",
        "email_2": "bob@home.example", "phone": "+47 22 55 01 23",
        "address": "Storgata 1, 0155 Oslo, Norway", "birthday": "1980-04-01",
        "note": "Decides on range, price",
    }
    assert records[1].number == 5  # the address of row 2 spans three lines
    assert dict(records[1].contacts[0])["phone_2"] == "+47 22 55 01 25"  # `a ::: b` in one cell
    assert records[2].organisation is None and records[2].tags == ()


def test_google_legacy_layout() -> None:
    layout, records = source("google-legacy.csv")
    assert layout == "Google Contacts (legacy)"
    assert [r.organisation for r in records] == ["Nordic Home AB", "Nordic Home AB"]
    assert people(records)[0] == {"name": "Anna Schmidt", "role": "CEO",
                                  "email": "anna@nordichome.example", "phone": "+46 8 555 0100",
                                  "url": "https://nordichome.example", "note": "CEO since 2019"}
    assert people(records)[1]["email_2"] == "lars.n@example.se"
    assert records[0].tags == ("Export",)


def test_hubspot_layout() -> None:
    layout, records = source("hubspot.csv")
    assert layout == "HubSpot"
    assert records[0].organisation == "Sol Distribuciones SL"
    assert dict(records[0].fields) == {"industry": "Food & Beverage", "region": "Spain"}
    assert people(records)[1] == {"name": "Jordi Puig", "role": "Logistics", "email": "jordi@sol.example",
                                  "mobile": "+34 600 555 010", "uid": "52"}
    assert records[2].organisation is None


def test_salesforce_layout() -> None:
    layout, records = source("salesforce.csv")
    assert layout == "Salesforce"
    assert dict(records[0].fields) == {"region": "USA", "source": "Trade Show"}
    assert people(records)[0]["name"] == "Mr. John Smith"
    assert people(records)[0]["uid"] == "0035g00000A1b2CAAR"
    assert people(records)[0]["birthday"] == "1975-06-30"


def test_zoho_layout() -> None:
    layout, records = source("zoho.csv")
    assert layout == "Zoho CRM"
    assert records[0].organisation == "Tata Spices Pvt Ltd"
    assert records[0].tags == ("spices", "export")
    assert people(records)[0]["email_2"] == "ravi@personal.example"
    assert people(records)[0]["mobile"] == "+91 98200 55501"


def test_unknown_layout_needs_a_mapping() -> None:
    with pytest.raises(ImportError_, match="--map"):
        read_csv(b"Firma,Kontakt\nX,Y\n")


# --- mapping files ----------------------------------------------------------------------------

def test_chinese_excel_gbk_with_mapping() -> None:
    layout, records = source("chinese-gbk.csv", "chinese.yml")
    assert layout == "mapping file"
    first = records[0]
    assert first.number == 4  # two title lines, then the header
    assert first.organisation == "上海华联超市有限公司"
    assert dict(first.fields) == {"industry": "连锁超市", "region": "华东", "created": "2025-03-14",
                                  "source": "展会"}
    assert first.tags == ("零售", "重点客户")
    assert dict(first.contacts[0]) == {"name": "张伟", "role": "采购经理", "email": "zhang.wei@example.cn",
                                       "phone": "13800138000", "wechat": "zhangwei_sh",
                                       "座机": "021-5555 0188"}
    assert [r.number for r in records] == [4, 5, 6, 8, 9]  # the empty line 7 is not a row


def test_semicolon_csv_with_mapping() -> None:
    _, records = source("semicolon.csv", "semicolon.yml")
    assert [r.organisation for r in records] == ["Müller Feinkost GmbH", "Müller Feinkost GmbH", "Café Olé"]
    assert dict(records[0].fields)["source"] == "Messe 2026"


@pytest.mark.parametrize(("text", "message"), [
    ("columns: {}", "columns"),
    ("columns: {a: phone}", "not a field"),
    ("columns: {a: contact.name}\nextra: 1", "unknown keys"),
    ("columns: {a: contact.name}\nskip_rows: -1", "skip_rows"),
    ("columns: [", "not valid YAML"),
])
def test_bad_mapping_files_say_why(text: str, message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        read_mapping(text.encode())


def test_mapping_naming_a_missing_column() -> None:
    mapping = read_mapping("columns: {公司: organisation}".encode())
    with pytest.raises(ImportError_, match="公司"):
        read_csv(b"Name\nX\n", mapping)


def test_mapping_date_format() -> None:
    mapping = read_mapping(b"columns: {Co: organisation, Since: created}\ndate_format: '%d.%m.%Y'\n")
    records = read_csv(b"Co,Since\nX,14.03.2025\nY,soon\n", mapping).records
    assert dict(records[0].fields)["created"] == "2025-03-14"
    assert dict(records[1].fields)["created"] == "soon"  # left for `check` to report
    assert to_iso_date("2025/3/4", None) == "2025-03-04"


def test_excel_formula_guard_is_removed() -> None:
    mapping = read_mapping(b"columns: {Co: organisation, Tel: contact.phone}")
    record = read_csv(b"Co,Tel\nX,'+86 138 0013 8000\n", mapping).records[0]
    assert dict(record.contacts[0])["phone"] == "+86 138 0013 8000"


def test_own_contact_list_text() -> None:
    assert parse_contact_list("Bob Li (Head of Buying) <bob@x.example> +47 22 55 01 23; 张伟 WeChat: zw") == (
        (("name", "Bob Li"), ("role", "Head of Buying"), ("email", "bob@x.example"),
         ("phone", "+47 22 55 01 23")),
        (("name", "张伟"), ("wechat", "zw")),
    )


@pytest.mark.parametrize(("name", "data"), [("list.xlsx", b"PK\x03\x04rest"), ("list.csv", b"PK\x03\x04"),
                                            ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1")])
def test_a_workbook_is_refused_with_what_to_do(name: str, data: bytes) -> None:
    with pytest.raises(ImportError_, match="save it as CSV"):
        read_file(name, data)
