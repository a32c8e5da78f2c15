"""A whole vault: every note on its own, so one bad file never stops the others."""

from __future__ import annotations

import os
import time
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, load, make_vault, where

from vault_tool.model import Duration, Interaction, Problem
from vault_tool.vault import build_vault, customer_id, find_notes, is_note_name, is_vault

ACME = "---\nname: Acme Ltd\nstatus: active\n---\n## Log\n- 2026-11-02 call: asked for a quote\n"


def note(name: str, extra: str = "") -> str:
    return f"---\nname: {name}\n{extra}---\n"


def test_a_small_vault_loads_with_its_settings(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {
        "vault.yml": "name: 港松贸易\nlog_heading: [Log, 沟通记录]\ndefault_cadence:\n  active: 1m\n",
        "customers/acme.md": ACME,
        "customers/china/上海华联.md": "---\nname: 上海华联\n---\n## 沟通记录\n- 2026-11-10 微信：问报价\n",
    })
    vault = load(root)
    assert vault.problems == ()
    assert vault.settings.name == "港松贸易"
    assert vault.settings.default_cadence == (("active", Duration(1, "m")),)
    assert [(c.id, c.path) for c in vault.customers] == [
        ("acme", "customers/acme.md"), ("上海华联", "customers/china/上海华联.md")]
    chinese = vault.customer("上海华联")
    assert chinese is not None
    assert chinese.log == (Interaction(date(2026, 11, 10), "wechat", "问报价", 5),)


def test_broken_vault_yml_means_defaults_and_the_customers_still_load(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"vault.yml": "name: X\nstatuses: [lead, active\n",
                                 "customers/acme.md": ACME})
    vault = load(root)
    assert where(vault.problems) == [("vault.yml", 2, 11, "error", "yaml-syntax")]
    assert vault.settings.statuses == ("lead", "prospect", "active", "dormant", "lost")
    assert [(c.id, c.status) for c in vault.customers] == [("acme", "active")]


def test_no_vault_yml_and_no_customers(tmp_path: Path) -> None:
    assert not is_vault(tmp_path)
    make_vault(tmp_path, {"customers/.keep": ""})
    assert is_vault(tmp_path)
    vault = load(tmp_path)
    assert (vault.customers, vault.problems) == ((), ())


def test_vault_yml_alone_is_a_vault(tmp_path: Path) -> None:
    make_vault(tmp_path, {"vault.yml": "name: X\n"})
    assert is_vault(tmp_path)
    assert load(tmp_path).customers == ()


@pytest.mark.parametrize("name", [".#acme.md", "#acme.md#", "acme.md~", ".acme.md.swp", "~$acme.md",
                                  ".acme.md", "acme.md.orig", "acme.txt", "acme.MD.bak", ".md"])
def test_editor_leftovers_are_not_notes(name: str) -> None:
    assert not is_note_name(name)


@pytest.mark.parametrize("name", ["acme.md", "上海华联.md", "a.md", "acme.notes.md"])
def test_markdown_files_are_notes(name: str) -> None:
    assert is_note_name(name)


def test_editor_temp_files_and_hidden_folders_are_ignored(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {
        "customers/acme.md": ACME,
        "customers/.#acme.md": "garbage",
        "customers/#acme.md#": "garbage",
        "customers/acme.md~": "garbage",
        "customers/.acme.md.swp": b"\x00\x01binary",
        "customers/.git/x.md": "garbage",
        "customers/.obsidian/acme.md": "garbage",
        "customers/sub/.trash/old.md": "garbage",
        "notes/elsewhere.md": "garbage",
        "README.md": "garbage",
    })
    assert find_notes(root) == ["customers/acme.md"]
    vault = load(root)
    assert vault.problems == ()
    assert [c.id for c in vault.customers] == ["acme"]


def test_chinese_file_names_become_nfc_ids(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "café上海")
    assert decomposed != "café上海"
    root = make_vault(tmp_path, {f"customers/{decomposed}.md": note("Café")})
    vault = load(root)
    assert vault.problems == ()
    assert [c.id for c in vault.customers] == ["café上海"]
    assert vault.customer("café上海") is not None
    assert customer_id(f"customers/sub/{decomposed}.md") == "café上海"


def test_duplicate_ids_across_subfolders_name_both_files(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {
        "customers/acme.md": note("First"),
        "customers/export/acme.md": note("Second"),
        "customers/old/2025/acme.md": note("Third"),
    })
    vault = load(root)
    assert [(c.id, c.name) for c in vault.customers] == [("acme", "First")]
    assert where(vault.problems) == [
        ("customers/export/acme.md", 1, 1, "error", "duplicate-id"),
        ("customers/old/2025/acme.md", 1, 1, "error", "duplicate-id"),
    ]
    assert [p.args for p in vault.problems] == [{"id": "acme", "other": "customers/acme.md"}] * 2


def test_ids_that_differ_only_in_case_collide(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"customers/a/Acme.md": note("A"), "customers/b/acme.md": note("B")})
    vault = load(root)
    assert [c.path for c in vault.customers] == ["customers/a/Acme.md"]
    assert where(vault.problems) == [("customers/b/acme.md", 1, 1, "error", "duplicate-id")]
    assert vault.problems[0].args == {"id": "acme", "other": "customers/a/Acme.md"}


def test_nfc_and_nfd_spellings_of_one_id_collide(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {
        "customers/a/café.md": note("A"),
        f"customers/b/{unicodedata.normalize('NFD', 'café')}.md": note("B"),
    })
    vault = load(root)
    assert [c.name for c in vault.customers] == ["A"]
    assert [p.code for p in vault.problems] == ["duplicate-id"]


def test_merge_conflict_skips_that_file_and_the_rest_loads(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {
        "customers/acme.md": ACME,
        "customers/beta.md": ("---\nname: Beta\n<<<<<<< HEAD\nstatus: active\n=======\nstatus: lead\n"
                              ">>>>>>> origin/main\n---\n"),
        "customers/gamma.md": note("Gamma"),
    })
    vault = load(root)
    assert [c.id for c in vault.customers] == ["acme", "gamma"]
    assert where(vault.problems) == [("customers/beta.md", 3, 1, "error", "merge-conflict")]


def test_bom_and_crlf_cause_no_problem_and_keep_line_numbers(tmp_path: Path) -> None:
    text = ("\ufeff---\r\nname: Acme\r\nregion: NO\r\nstatus: activ\r\n---\r\n\r\n"
            "## Log\r\n- 2026-11-02 call: a\r\n")
    root = make_vault(tmp_path, {"customers/acme.md": text.encode("utf-8")})
    vault = load(root)
    assert where(vault.problems) == [("customers/acme.md", 4, 9, "error", "unknown-status")]
    customer = vault.customer("acme")
    assert customer is not None and (customer.name, customer.region) == ("Acme", "NO")
    assert customer.log == (Interaction(date(2026, 11, 2), "call", "a", 8),)


def test_bom_and_crlf_in_vault_yml(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"vault.yml": b"\xef\xbb\xbfname: X\r\nlocale: zh\r\nowners: [al]\r\n",
                                 "customers/acme.md": "---\r\nname: A\r\nowner: bob\r\n---\r\n"})
    vault = load(root)
    assert (vault.settings.name, vault.settings.locale) == ("X", "zh")
    assert where(vault.problems) == [("customers/acme.md", 3, 8, "error", "unknown-owner")]


def test_pathological_files_end_in_errors_quickly(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {
        "vault.yml": "name: " + "[" * 100_000 + "\n",
        "customers/acme.md": ACME,
        "customers/deep.md": "---\nname: " + "[" * 100_000 + "\n---\n",
        "customers/deepmap.md": "---\n" + "".join(" " * i + f"k{i}:\n" for i in range(1000)) + "---\n",
        "customers/huge.md": "---\nname: Huge\n---\n" + "x" * 2_000_000,
    })
    start = time.perf_counter()
    vault = load(root)
    assert time.perf_counter() - start < 5
    assert [c.id for c in vault.customers] == ["acme"]
    assert where(vault.problems) == [
        ("customers/deep.md", 2, 38, "error", "yaml-too-deep"),
        ("customers/deepmap.md", 34, 33, "error", "yaml-too-deep"),
        ("customers/huge.md", 1, 1, "error", "file-too-large"),
        ("vault.yml", 1, 38, "error", "yaml-too-deep"),
    ]


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"customers/acme.md": ACME})
    with (root / "customers" / "video.md").open("wb") as handle:
        handle.truncate(3_000_000_000)  # sparse: no disk used, but reading it would take 3 GB
    start = time.perf_counter()
    vault = load(root)
    assert time.perf_counter() - start < 1
    assert [c.id for c in vault.customers] == ["acme"]
    assert where(vault.problems) == [("customers/video.md", 1, 1, "error", "file-too-large")]
    assert vault.problems[0].args == {"size": "3000000000", "limit": "1000000"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_not_read(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"customers/acme.md": ACME, "vault.yml": "name: X\n"})
    os.mkfifo(root / "customers" / "pipe.md")  # opening it to read would block forever
    vault = load(root)
    assert [c.id for c in vault.customers] == ["acme"]
    assert where(vault.problems) == [("customers/pipe.md", 1, 1, "error", "unreadable")]
    assert vault.problems[0].args == {"reason": "not a regular file"}


def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"customers/acme.md": ACME})
    (root / "customers" / "ghost.md").symlink_to(root / "nowhere.md")
    vault = load(root)
    assert [c.id for c in vault.customers] == ["acme"]
    assert where(vault.problems) == [("customers/ghost.md", 1, 1, "error", "unreadable")]
    assert vault.problems[0].args["reason"] == "No such file or directory"


def test_today_is_a_parameter(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"customers/acme.md": ACME})
    assert [p.code for p in load(root, today=date(2026, 11, 1)).problems] == ["future-log-date"]
    assert load(root, today=date(2026, 11, 2)).problems == ()


BROKEN = {
    "vault.yml": "name: Demo\nlog_heading: [Log, 沟通记录]\ncolour: blue\n",
    "customers/good/acme.md": ACME,
    "customers/good/上海华联.md": "---\nname: 上海华联\n---\n## 沟通记录\n- 2026-11-10 电话：问报价\n",
    "customers/broken/gbk.md": "---\nname: 北京\n---\n".encode("gbk"),
    "customers/broken/utf16.md": "---\nname: x\n---\n".encode("utf-16"),
    "customers/broken/binary.md": b"---\nname: x\n---\n\x00\x01",
    "customers/broken/no-front.md": "# Just notes\n",
    "customers/broken/not-first.md": "\n---\nname: x\n---\n",
    "customers/broken/unclosed.md": "---\nname: x\n",
    "customers/broken/empty.md": "---\n---\n",
    "customers/broken/list.md": "---\n- name: x\n---\n",
    "customers/broken/syntax.md": "---\nname: x\ntags: [a\n---\n",
    "customers/broken/dup-key.md": "---\nname: First\nname: Second\n---\n",
    "customers/broken/alias.md": "---\nname: &n x\nindustry: *n\n---\n",
    "customers/broken/tag.md": "---\nname: !!python/object:os.system x\n---\n",
    "customers/broken/documents.md": "---\nname: x\n...\nstatus: active\n---\n",
    "customers/broken/values.md": ("---\nname: Values\nstatus: actve\ncreated: 2026-02-30\n"
                                   "next_folow_up: 2026-12-01\n"
                                   "deals:\n  - title: x\n    stage: won\n    value: 12,000\n---\n"
                                   "## Log\n- 2026-13-01 call: x\n- 2026-11-02 fax: y\n"),
    "customers/broken/conflict.md": "---\nname: x\n<<<<<<< HEAD\n=======\n>>>>>>> b\n---\n",
    "customers/broken/deep.md": "---\nname: " + "[" * 100_000 + "\n---\n",
    "customers/broken/huge.md": "---\nname: x\n---\n" + "y" * 2_000_000,
    "customers/zz/acme.md": ACME,
    "customers/.#acme.md": "lock",
}


def test_every_kind_of_broken_file_at_once_still_loads_every_good_customer(tmp_path: Path) -> None:
    vault = load(make_vault(tmp_path, BROKEN))
    assert [c.id for c in vault.customers] == ["dup-key", "tag", "values", "acme", "上海华联"]
    assert [c.id for c in vault.customers if not c.has_errors] == ["acme", "上海华联"]
    chinese = vault.customer("上海华联")
    assert chinese is not None and chinese.log[0].channel == "call"
    assert where(vault.problems) == [
        ("customers/broken/alias.md", 2, 7, "error", "yaml-anchor"),
        ("customers/broken/alias.md", 3, 11, "error", "yaml-alias"),
        ("customers/broken/binary.md", 4, 1, "error", "binary-file"),
        ("customers/broken/conflict.md", 3, 1, "error", "merge-conflict"),
        ("customers/broken/deep.md", 2, 38, "error", "yaml-too-deep"),
        ("customers/broken/documents.md", 3, 1, "error", "yaml-documents"),
        ("customers/broken/dup-key.md", 3, 1, "error", "duplicate-key"),
        ("customers/broken/empty.md", 1, 1, "error", "frontmatter-empty"),
        ("customers/broken/gbk.md", 2, 7, "error", "not-utf8-gbk"),
        ("customers/broken/huge.md", 1, 1, "error", "file-too-large"),
        ("customers/broken/list.md", 2, 1, "error", "frontmatter-not-mapping"),
        ("customers/broken/no-front.md", 1, 1, "error", "frontmatter-missing"),
        ("customers/broken/not-first.md", 2, 1, "error", "frontmatter-not-first"),
        ("customers/broken/syntax.md", 3, 7, "error", "yaml-syntax"),
        ("customers/broken/tag.md", 2, 7, "error", "yaml-tag"),
        ("customers/broken/unclosed.md", 1, 1, "error", "frontmatter-unclosed"),
        ("customers/broken/utf16.md", 1, 1, "error", "not-utf8-utf16"),
        ("customers/broken/values.md", 3, 9, "error", "unknown-status"),
        ("customers/broken/values.md", 4, 10, "error", "impossible-date"),
        ("customers/broken/values.md", 5, 1, "warning", "unknown-key"),
        ("customers/broken/values.md", 9, 12, "error", "not-a-number"),
        ("customers/broken/values.md", 12, 3, "error", "impossible-date"),
        ("customers/broken/values.md", 13, 14, "error", "unknown-channel"),
        ("customers/zz/acme.md", 1, 1, "error", "duplicate-id"),
        ("vault.yml", 3, 1, "warning", "unknown-setting"),
    ]
    assert (vault.error_count, vault.warning_count) == (23, 2)


def test_build_vault_from_notes_that_are_not_files() -> None:
    """The pre-commit hook reads notes from git's index, and only the ones a commit changes."""
    notes = {"customers/a.md": b"---\nname: A\nstatus: activ\n---\n",
             "customers/b.md": b"---\nname: B\n---\n",
             "customers/eu/b.md": b"---\nname: B2\n---\n"}
    read_paths: list[str] = []

    def read(rel: str) -> tuple[bytes | None, list[Problem]]:
        read_paths.append(rel)
        return notes[rel], []

    vault = build_vault((b"locale: zh\n", []), sorted(notes), read, TODAY)
    assert vault.settings.locale == "zh" and [c.id for c in vault.customers] == ["a", "b"]
    assert [(p.path, p.code) for p in vault.problems] == [("customers/a.md", "unknown-status"),
                                                         ("customers/eu/b.md", "duplicate-id")]
    read_paths.clear()
    only = build_vault((None, []), sorted(notes), read, TODAY, only={"customers/eu/b.md"})
    assert read_paths == ["customers/eu/b.md"] and only.customers == ()
    assert [p.code for p in only.problems] == ["duplicate-id"]
