"""Ids made from names, ids given by hand, and templates filled in."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault_tool.model import Settings
from vault_tool.newnote import BUILTIN_TEMPLATE, BadId, check_id, make_id, render_template, template_values
from vault_tool.parse import parse_note
from vault_tool.validate import build_customer
from vault_tool.vault import is_note_name

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(("name", "expected"), [
    ("Acme Trading Ltd", "acme-trading"),
    ("Sakura Dining Co., Ltd.", "sakura-dining"),
    ("De Theetuin B.V.", "de-theetuin"),
    ("Casa Verde Distribuzione S.r.l.", "casa-verde-distribuzione"),
    ("Gourmet Atelier Zürich AG", "gourmet-atelier-zurich"),
    ("Épicerie Fine Lumière SARL", "epicerie-fine-lumiere"),
    ("Søren Ærø", "soren-aero"),
    ("O'Brien's Pub", "obriens-pub"),
    ("Harbour & Pine / Trading", "harbour-pine-trading"),
    ("ＡＢＣ　Ｃｏｍｐａｎｙ", "abc-company"),
    ("上海华联", "shanghai-hualian"),
    ("杭州绿叶茶庄连锁有限公司", "hangzhou-lvye-chazhuang-liansuo"),
    ("合肥徽美超市有限公司", "hefei-huimei-chaoshi"),
    ("重庆山城火锅", "chongqing-shancheng-huoguo"),
    ("Acme 上海 Ltd.", "acme-shanghai"),
    ("Москва Trading", "москва-trading"),
    ("Ltd", "ltd"),
    ("con", "con-customer"),
])
def test_ids_are_short_readable_slugs(name: str, expected: str) -> None:
    assert make_id(name) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("上海华联超市有限公司", "上海华联超市"),
    ("上海华联 (Shanghai)", "上海华联-shanghai"),
    ("上海/华联:*?", "上海-华联"),
])
def test_chinese_ids_can_be_kept(name: str, expected: str) -> None:
    assert make_id(name, keep_chinese=True) == expected


def test_a_name_without_letters_gives_no_id() -> None:
    with pytest.raises(BadId, match="give one with --id"):
        make_id("???")


def test_long_names_are_cut_at_a_word() -> None:
    slug = make_id("word " * 40)
    assert len(slug) <= 60 and slug.endswith("word")


@given(st.text())
def test_every_id_made_names_a_note(name: str) -> None:
    for keep in (False, True):
        try:
            slug = make_id(name, keep_chinese=keep)
        except BadId:
            continue
        assert check_id(slug) == slug
        assert is_note_name(slug + ".md") and slug == slug.strip("-")


@pytest.mark.parametrize("wanted", ["", " ", ".hidden", "#x", "~x", "a/b", "a\\b", "a:b", 'a"b', "x.",
                                    "nul", "a\x00b", "x" * 101])
def test_ids_that_cannot_name_a_note_are_refused(wanted: str) -> None:
    with pytest.raises(BadId):
        check_id(wanted)


def test_a_given_id_is_kept_as_written_in_nfc() -> None:
    assert check_id("Acme Oslo") == "Acme Oslo"
    assert check_id("Zu\u0308rich") == "Z\u00fcrich"


def values(**changes: object) -> dict[str, str | tuple[str, ...]]:
    base = template_values("Acme: Tea & Co", "acme-tea", TODAY, "alice", None, ("vip", "a, b"), "Log")
    base.update(changes)  # type: ignore[arg-type]
    return base


def test_the_builtin_template_leaves_out_empty_lines() -> None:
    assert render_template(BUILTIN_TEMPLATE, values()) == (
        '---\nname: "Acme: Tea & Co"\nowner: alice\ntags: [vip, "a, b"]\ncreated: 2026-11-23\n---\n\n'
        "## Log\n")


def test_a_vault_template_gets_yaml_in_front_and_text_in_the_body() -> None:
    template = ("\ufeff---\r\n# new customers start here\r\nname: {name}\r\nslug: '{id}'\r\n"
                'status: "{status}"\r\nowner: {owner}   # who\r\nsince: {today}\r\n---\r\n'
                "# {name} ({id})\r\nTags: {tags}. {unknown} stays.\r\n")
    assert render_template(template, values()) == (
        "\ufeff---\r\n# new customers start here\r\nname: \"Acme: Tea & Co\"\r\nslug: 'acme-tea'\r\n"
        "owner: alice   # who\r\nsince: 2026-11-23\r\n---\r\n"
        "# Acme: Tea & Co (acme-tea)\r\nTags: vip, a, b. {unknown} stays.\r\n")


def test_a_quoted_placeholder_is_filled_in_within_its_quotes() -> None:
    assert render_template("---\nname: '{name}'\ntags: \"{tags}\"\n---\n", values(name="it's")) == (
        "---\nname: 'it''s'\ntags: \"vip, a, b\"\n---\n")


def test_the_rendered_builtin_note_is_valid() -> None:
    for name in ["Acme", "上海华联", "a: b # c", "- x", "null", "'q'", "[x]", "two\nlines"]:
        text = render_template(BUILTIN_TEMPLATE, values(name=name, status="lead", tags=("#1", "[x]")))
        customer, problems = build_customer("x", "x.md", parse_note(text.encode(), "x.md"), Settings(), TODAY)
        assert customer is not None and [p for p in problems if p.severity == "error"] == []
        assert (customer.name, customer.tags, customer.status) == (name, ("#1", "[x]"), "lead")
