"""Reading vCards from phones (2.1, 3.0, 4.0), and writing text that reads back the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY
from hypothesis import given
from hypothesis import strategies as st

from vault_tool.importers import read_file
from vault_tool.importrecords import ImportError_, Record
from vault_tool.vault import load_vault
from vault_tool.vcard import (
    customer_cards,
    customers_vcf,
    escape,
    fold,
    parse_property,
    read_vcards,
    split_value,
    text_value,
    unfold,
)

DATA = Path(__file__).parent / "data" / "import"


def source(name: str) -> list[Record]:
    return list(read_file(name, (DATA / name).read_bytes()).records)


# --- vCard ------------------------------------------------------------------------------------

def test_android_21_quoted_printable_with_soft_breaks() -> None:
    records = source("android-2.1.vcf")
    assert read_file("x.vcf", (DATA / "android-2.1.vcf").read_bytes()).layout == "vCard"
    assert records[0].organisation == "上海华联超市有限公司"
    zhang = dict(records[0].contacts[0])
    assert zhang["name"] == "张伟"
    assert zhang["note"] == "采购经理，负责茶叶和礼盒的采购，喜欢微信联系。周一到周五上午最好"
    assert zhang["phone"] == "+86 138 0013 8000" and zhang["phone_2"] == "021-5555 0188"
    assert "photo" not in zhang
    assert dict(records[1].contacts[0]) == {"name": "Kari Berg", "phone": "004722550124"}


def test_apple_grouped_properties() -> None:
    records = source("apple-3.0.vcf")
    bob = dict(records[0].contacts[0])
    assert records[0].organisation == "Acme Trading Ltd"
    assert records[0].tags == ("retail", "vip")
    assert bob == {"name": "Bob Li", "role": "Head of Buying", "department": "Buying",
                   "email": "bob.li@example.com", "phone": "+47 22 55 01 23",
                   "url": "https://acme.example", "address": "Storgata 1, Oslo, 0155, Norway",
                   "birthday": "1980-04-01",
                   "note": "Decides on range and price; pays within 30 days. Prefers e-mail, not calls.",
                   "uid": "4F1A0E5C-0D2B-4C59-9A57-1B2E3F4A5B6C"}


def test_vcard_40_folded_lines_and_tel_uri() -> None:
    records = source("v4.vcf")
    anna = dict(records[0].contacts[0])
    assert anna["phone"] == "+46-8-555-0100"
    assert anna["note"].endswith("much longer than seventy-five octets.")
    assert anna["uid"] == "urn:uuid:0b6c1a7e-8d3f-4c2a-9e5b-2f1d3c4b5a69"


def test_name_from_n_when_there_is_no_fn() -> None:
    card = b"BEGIN:VCARD\nVERSION:3.0\nN:Li;Bob;;Dr.;\nEND:VCARD\n"
    assert dict(read_vcards(card).records[0].contacts[0]) == {"name": "Dr. Bob Li"}


def test_unfold_keeps_qp_and_folding_apart() -> None:
    text = "A:x\r\n y\r\nB;ENCODING=QUOTED-PRINTABLE:a=\r\nb\r\nC:z"
    assert unfold(text) == ["A:xy", "B;ENCODING=QUOTED-PRINTABLE:ab", "C:z"]


def test_not_a_vcard() -> None:
    with pytest.raises(ImportError_, match="BEGIN:VCARD"):
        read_vcards(b"hello\n")


# --- vCard text survives our own writing ------------------------------------------------------

@given(st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), include_characters="\n"),
               min_size=1, max_size=200))
def test_vcard_escape_and_fold_round_trip(text: str) -> None:
    """What vcard.py writes (escaped, folded at 75 octets), the reader gives back unchanged."""
    folded = fold("NOTE:" + escape(text))
    assert all(len(line.encode("utf-8")) <= 75 for line in folded.split("\r\n"))
    (line,) = unfold(folded)
    prop = parse_property(line)
    assert prop is not None and text_value(prop.value) == text


@given(st.lists(st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=20),
                min_size=1, max_size=5))
def test_vcard_categories_round_trip(tags: list[str]) -> None:
    prop = parse_property("CATEGORIES:" + ",".join(escape(t) for t in tags))
    assert prop is not None and split_value(prop.value, ",") == tags


def fold_by_characters(line: str) -> str:
    """The fold as first written, character by character: the bytes fold() must keep giving."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=400))
def test_fold_on_bytes_equals_the_fold_by_characters(text: str) -> None:
    for line in ("NOTE:" + text, "X" * 74 + text, "ORG:" + "茶" * 30 + text):
        assert fold(line) == fold_by_characters(line)


def test_customers_vcf_is_the_join_of_customer_cards() -> None:
    vault = load_vault(Path(__file__).resolve().parent.parent / "example_vault", TODAY)
    cards = {c.id: customer_cards(c) for c in vault.customers}
    assert "".join(cards[i] for i in sorted(cards)).encode() == customers_vcf(vault)
    assert all(text.startswith("BEGIN:VCARD\r\n") for text in cards.values())
