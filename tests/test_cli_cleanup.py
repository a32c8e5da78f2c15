"""dupes and merge through the real command line, on real files (and a real git repository)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import git
import pytest
from click.testing import CliRunner
from conftest import load, make_vault

from vault_tool import writer
from vault_tool.cli import cli

TODAY = "2026-11-23"
BOM = "\ufeff"
VAULT_YML = ("owners: [alice, bob]\nlog_heading: [Log, 沟通记录]\n"
             "fields:\n  level: {type: enum, values: [A, B]}\n")

ACME = """---
# Acme: key account
name: 'Acme Trading Ltd'  # as on the invoice
status: active
owner: alice
tags: [retail, vip]
contacts:
  - name: Bob Li
    email: bob@acme.com   # main buyer
deals:
  - title: 2027 tea supply
    stage: proposal
purchases:
  - date: 2026-09-02
    amount: 42000
---
Acme runs 23 shops.

## Log

- 2026-11-12 call: Bob asked for a quote
- 2026-10-20 visit: saw the shop
"""

ACME_2 = """---
name: ACME Trading
status: lead
owner: bob
industry: Food retail
level: B
tags:
  - vip
  - tea
contacts:
  - name: Bob
    email: BOB@acme.com
    phone: "+47 22 55 01 23"
  - name: Kari Berg
    role: Accounts
deals:
  - title: 2027 tea supply
    stage: negotiation
    value: 180000
  - title: Gift boxes
    stage: won
purchases:
  - date: 2026-09-02
    amount: 42000
  - date: 2026-11-05
    amount: 1250.50
---
Met at the trade fair.

## Log

- 2026-11-01 email: sent the catalogue
- 2026-10-20 visit: saw the shop
- 2026-09-15 call: first call
  - Kari picked up
"""

ACME_MERGED = """---
# Acme: key account
name: 'Acme Trading Ltd'  # as on the invoice
status: active
owner: alice
tags: [retail, vip, tea]
contacts:
  - name: Bob Li
    email: bob@acme.com   # main buyer
    phone: "+47 22 55 01 23"
  - name: Kari Berg
    role: Accounts
deals:
  - title: 2027 tea supply
    stage: proposal
  - title: 2027 tea supply
    stage: negotiation
    value: 180000
  - title: Gift boxes
    stage: won
purchases:
  - date: 2026-09-02
    amount: 42000
  - date: 2026-11-05
    amount: 1250.50
industry: Food retail
level: B
---
Acme runs 23 shops.

## Log

- 2026-11-23 note: merged from acme-2 (ACME Trading)
- 2026-11-23 note: merged from acme-2: name was ACME Trading
- 2026-11-23 note: merged from acme-2: status was lead
- 2026-11-23 note: merged from acme-2: owner was bob
- 2026-11-23 note: merged from acme-2: contacts (Bob Li).name was Bob
- 2026-11-12 call: Bob asked for a quote
- 2026-11-01 email: sent the catalogue
- 2026-10-20 visit: saw the shop

## Merged from ACME Trading

Met at the trade fair.

## Log

- 2026-09-15 call: first call
  - Kari picked up
"""

HUALIAN = (BOM + "---\r\nname: 上海华联超市有限公司\r\nstatus: active\r\ntags:\r\n  - 零售\r\ncontacts:\r\n"
           "- name: 张伟   # 采购经理\r\n  phone: 13800138000\r\n---\r\n上海约 60 家门店。\r\n\r\n"
           "## 沟通记录\r\n\r\n- 2026-10-22 电话: 讨论春节礼盒\r\n- 2026-11-18 微信：只剩账期问题\r\n")

HUALIAN_2 = ("---\nname: 上海华联超市\nstatus: lead\ntags: [重点客户, 零售]\ncontacts:\n"
             "  - name: 张经理\n    phone: +86 138 0013 8000\n    wechat: zhangwei_sh\n"
             "  - name: 刘敏\n    role: 品类主管\n---\n## 沟通记录\n\n- 2026-11-05 拜访: 送陈列样品\n")

HUALIAN_MERGED = (BOM + "---\r\nname: 上海华联超市有限公司\r\nstatus: active\r\ntags:\r\n  - 零售\r\n"
                  "  - 重点客户\r\ncontacts:\r\n- name: 张伟   # 采购经理\r\n  phone: 13800138000\r\n"
                  "  wechat: zhangwei_sh\r\n- name: 刘敏\r\n  role: 品类主管\r\n---\r\n"
                  "上海约 60 家门店。\r\n\r\n"
                  "## 沟通记录\r\n\r\n- 2026-10-22 电话: 讨论春节礼盒\r\n- 2026-11-05 拜访: 送陈列样品\r\n"
                  "- 2026-11-18 微信：只剩账期问题\r\n"
                  "- 2026-11-23 note: merged from 上海华联-2 (上海华联超市)\r\n"
                  "- 2026-11-23 note: merged from 上海华联-2: name was 上海华联超市\r\n"
                  "- 2026-11-23 note: merged from 上海华联-2: status was lead\r\n"
                  "- 2026-11-23 note: merged from 上海华联-2: contacts (张伟).name was 张经理\r\n")


def vault(tmp_path: Path, **notes: str) -> Path:
    files: dict[str, str | bytes] = {"vault.yml": VAULT_YML}
    files.update({f"customers/{k}.md": v for k, v in notes.items()})
    return make_vault(tmp_path / "v", files)


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args, "--today", TODAY])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def read(root: Path, rel: str) -> str:
    return (root / rel).read_bytes().decode("utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
            and ".git" not in p.parts}


# --- dupes ---------------------------------------------------------------------------------------

def test_dupes_text_and_json(tmp_path: Path) -> None:
    root = vault(tmp_path, acme=ACME, **{"export/acme-2": ACME_2, "上海华联": HUALIAN,
                                         "上海华联-2": HUALIAN_2, "other": "---\nname: Nordic Home\n---\n"})
    code, out, err = run(root, "dupes")
    assert code == 0
    assert out == (" 99  acme  ~  acme-2\n"
                   "     Acme Trading Ltd (customers/acme.md)\n"
                   "     ACME Trading (customers/export/acme-2.md)\n"
                   "     same e-mail bob@acme.com; similar names (100)\n"
                   " 98  上海华联  ~  上海华联-2\n"
                   "     上海华联超市有限公司 (customers/上海华联.md)\n"
                   "     上海华联超市 (customers/上海华联-2.md)\n"
                   "     same phone 13800138000; similar names (100)\n")
    assert err.startswith("2 likely duplicate pair(s) among 5 customers")
    code, out, _ = run(root, "dupes", "--format", "json", "--min-score", "99")
    assert code == 0 and json.loads(out) == [{
        "a": "acme", "b": "acme-2", "score": 99,
        "reasons": ["same e-mail bob@acme.com", "similar names (100)"],
        "names": ["Acme Trading Ltd", "ACME Trading"],
        "paths": ["customers/acme.md", "customers/export/acme-2.md"]}]


def test_dupes_without_pairs(tmp_path: Path) -> None:
    code, out, _ = run(vault(tmp_path, acme=ACME), "dupes", "--format", "json")
    assert (code, out) == (0, "[]\n")


# --- merge ---------------------------------------------------------------------------------------

def test_merge_writes_exactly_this_and_removes_other(tmp_path: Path) -> None:
    root = vault(tmp_path, acme=ACME, **{"export/acme-2": ACME_2})
    code, out, err = run(root, "merge", "acme", "acme-2")
    assert (code, err) == (0, "")
    assert out == (
        "customers/acme.md: merged acme-2 into acme (industry +1, level +1, tags +1, contact details +1, "
        "contacts +1, deals +2, purchases +1, log +1, notes +1); customers/export/acme-2.md removed\n"
        "Kept as acme has them; acme-2's values are in the log as notes. Decide, and edit by hand where "
        "acme-2 was right:\n"
        "  name: Acme Trading Ltd  (acme-2: ACME Trading)\n"
        "  status: active  (acme-2: lead)\n"
        "  owner: alice  (acme-2: bob)\n"
        "  contacts (Bob Li).name: Bob Li  (acme-2: Bob)\n")
    assert read(root, "customers/acme.md") == ACME_MERGED
    assert not (root / "customers/export/acme-2.md").exists()
    assert not [p for p in root.rglob(".*") if p.is_file()]


def test_merge_keeps_bom_crlf_chinese_and_oldest_first(tmp_path: Path) -> None:
    root = vault(tmp_path, **{"上海华联": HUALIAN, "上海华联-2": HUALIAN_2})
    code, _, err = run(root, "merge", "上海华联", "上海华联-2")
    assert (code, err) == (0, "")
    assert read(root, "customers/上海华联.md") == HUALIAN_MERGED


@pytest.mark.parametrize(("keep", "other"), [("acme", "acme-2"), ("acme-2", "acme"),
                                             ("上海华联", "上海华联-2"), ("上海华联-2", "上海华联"),
                                             ("bare", "acme-2"), ("acme", "bare")])
def test_merge_loses_nothing(tmp_path: Path, keep: str, other: str) -> None:
    bare = "---\nname: Bare\ntags: []\ncontacts:\n---\nNo log here, no newline at the end"
    root = vault(tmp_path, acme=ACME, bare=bare, **{"acme-2": ACME_2, "上海华联": HUALIAN,
                                                    "上海华联-2": HUALIAN_2})
    before = {c.id: c for c in load(root).customers}
    code, _, err = run(root, "merge", keep, other)
    assert code == 0, err
    after = load(root)
    assert after.error_count == 0 and after.customer(other) is None
    merged, a, b = after.customer(keep), before[keep], before[other]
    assert merged is not None
    for source in (a, b):
        for contact in source.contacts:
            assert any(all(getattr(m, f) is not None for f in ("name", "role", "email", "phone", "wechat")
                           if getattr(contact, f) is not None) for m in merged.contacts), contact
        assert {d.title for d in source.deals} <= {d.title for d in merged.deals}
        bought = {(p.date, p.amount) for p in merged.purchases}
        assert {(p.date, p.amount) for p in source.purchases} <= bought
        assert {(e.date, e.channel, e.text) for e in source.log} <= {(e.date, e.channel, e.text)
                                                                     for e in merged.log}
        assert set(source.tags) <= set(merged.tags)
    assert len(merged.deals) == len(a.deals) + len([d for d in b.deals if d not in a.deals])
    for field in ("name", "status", "owner"):
        assert getattr(merged, field) == (getattr(a, field) or getattr(b, field))
    for line in (a.body + "\n" + b.body).splitlines():  # the notes, word for word
        assert re.match(r"- \d{4}-", line) or line.strip() in merged.body


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = vault(tmp_path, acme=ACME, **{"acme-2": ACME_2})
    files = snapshot(root)
    code, out, err = run(root, "merge", "acme", "acme-2", "--dry-run")
    assert code == 0 and err == "(dry run: nothing written)\n"
    assert out.startswith("--- a/customers/acme.md\n+++ b/customers/acme.md\n")
    assert "+tags: [retail, vip, tea]\n" in out and "--- a/customers/acme-2.md\n+++ /dev/null\n" in out
    assert "-name: ACME Trading\n" in out
    assert snapshot(root) == files


@pytest.mark.parametrize(("notes", "args", "message"), [
    ({"acme-2": ACME_2.replace("status: lead", "status: leed")}, ["acme", "acme-2"],
     "customers/acme-2.md has errors"),
    ({"acme": ACME.replace("owner: alice\n", "<<<<<<< HEAD\nowner: alice\n=======\nowner: bob\n>>>>>>> x\n"),
      "acme-2": ACME_2}, ["acme", "acme-2"], "customers/acme.md has unresolved merge-conflict markers"),
    ({"acme-2": ACME_2}, ["acme", "acme"], "KEEP and OTHER are the same customer (customers/acme.md)"),
    ({"acme-2": ACME_2}, ["acme", "acme-3"], "no customer with id 'acme-3'"),
    ({"acme-2": ACME_2.replace("tags:\n  - vip\n  - tea\n", "tags: [vip, tea]\n"),
      "acme": ACME.replace("tags: [retail, vip]\n", "tags: {a: b}\n")}, ["acme", "acme-2"],
     "customers/acme.md has errors"),
])
def test_refusals_change_nothing(tmp_path: Path, notes: dict[str, str], args: list[str],
                                 message: str) -> None:
    root = vault(tmp_path, **{"acme": ACME, **notes})
    files = snapshot(root)
    code, out, err = run(root, "merge", *args)
    assert code == 1 and message in err and out == ""
    assert snapshot(root) == files


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, git.Repo]:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    root = vault(tmp_path, acme=ACME, **{"export/acme-2": ACME_2, "上海华联": HUALIAN})
    repository = git.Repo.init(root)
    with repository.config_writer() as config:
        config.set_value("user", "name", "王芳")
        config.set_value("user", "email", "wang.fang@example.cn")
        config.set_value("core", "quotepath", "false")
    repository.git.add("--", ".")
    repository.git.commit("-m", "start")
    return root, repository


def test_commit_records_both_files_in_one_commit(repo: tuple[Path, git.Repo]) -> None:
    root, repository = repo
    (root / "customers/上海华联.md").write_bytes(b"---\nname: x\n---\n")  # not ours to commit
    repository.git.add("--", "customers/上海华联.md")
    start = repository.head.commit
    code, out, err = run(root, "merge", "acme", "acme-2", "--commit")
    head = repository.head.commit
    assert code == 0, err
    assert out.splitlines()[0].endswith(f"customers/export/acme-2.md removed (committed {head.hexsha[:7]})")
    assert head.message.strip() == "merge acme-2 into acme" and head.parents == (start,)
    assert sorted(head.stats.files) == ["customers/acme.md", "customers/export/acme-2.md"]
    assert "customers/export/acme-2.md" not in [b.path for b in head.tree.traverse()]  # type: ignore[union-attr]
    assert repository.git.status("--porcelain") == "M  customers/上海华联.md"


def test_commit_refuses_before_writing_when_other_has_uncommitted_changes(repo: tuple[Path, git.Repo]
                                                                          ) -> None:
    root, _ = repo
    (root / "customers/export/acme-2.md").write_text(ACME_2 + "more\n", encoding="utf-8")
    files = snapshot(root)
    code, _, err = run(root, "merge", "acme", "acme-2", "--commit")
    assert code == 1 and "customers/export/acme-2.md has changes that are not committed" in err
    assert snapshot(root) == files


def test_keep_with_a_misspelt_log_heading_is_refused(tmp_path: Path) -> None:
    root = vault(tmp_path, acme=ACME.replace("## Log", "## Logs"), **{"acme-2": ACME_2})
    files = snapshot(root)
    code, _, err = run(root, "merge", "acme", "acme-2")
    assert code == 1 and "cannot merge customers/acme-2.md into customers/acme.md" in err
    assert "its heading 'Logs' looks like the log heading 'Log'" in err
    assert snapshot(root) == files


def test_other_changed_on_disk_is_not_removed(tmp_path: Path) -> None:
    root = vault(tmp_path, **{"acme-2": ACME_2})
    before = writer.Snapshot(root / "customers/acme-2.md", "customers/acme-2.md", ACME_2.encode())
    (root / "customers/acme-2.md").write_text(ACME_2 + "typed meanwhile\n", encoding="utf-8")
    with pytest.raises(writer.WriteRefused, match="changed on disk"):
        writer.check_unchanged(before)
    with pytest.raises(writer.WriteRefused, match="was not removed"):
        writer.remove(before)
    assert (root / "customers/acme-2.md").exists()
