"""`vault-tool import` and `export` through the real command line, on real files (and real git)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import git
import pytest
from click.testing import CliRunner, Result
from conftest import load, make_vault

from vault_tool.cli import cli
from vault_tool.exports import defuse
from vault_tool.model import Vault

TODAY = "2026-11-23"
DATA = Path(__file__).parent / "data"
IMPORT = DATA / "import"

ACME = """---
# Acme: key account
name: Acme Trading Ltd
status: active
owner: alice
industry: Tea   # by hand
contacts:
  - name: Bob Li
    role: Head of Buying
    email: bob.li@example.com
---
Notes by hand.

## Log
- 2026-11-12 call: asked for a quote
"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-C", str(root), *args, "--today", TODAY], catch_exceptions=False)


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def customers(vault: Vault) -> dict[str, dict[str, Any]]:
    """What a customer is, for comparing vaults: fields, tags and contacts (keys in any order)."""
    return {c.id: {"name": c.name, "status": c.status, "owner": c.owner, "tags": c.tags,
                   "industry": c.industry, "region": c.region, "source": c.source,
                   "created": c.created,
                   "contacts": [{"name": x.name, "role": x.role, "email": x.email, "phone": x.phone,
                                 "wechat": x.wechat, **dict(x.extra)} for x in c.contacts]}
            for c in vault.customers}


def empty_vault(root: Path) -> Path:
    (root / "customers").mkdir(parents=True)
    return root


# --- the plan and --apply ---------------------------------------------------------------------

def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path: Path) -> None:
    root = empty_vault(tmp_path / "v")
    result = run(root, "import", str(IMPORT / "google.csv"))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "google.csv: Google Contacts, 4 row(s)",
        "  row 2     new        acme-trading             new customer 'Acme Trading Ltd', 1 contact(s)",
        "  row 5     new        acme-trading             joins a new customer 'Acme Trading Ltd', "
        "1 contact(s)",
        "  row 6     new        solo-trader              new customer 'Solo Trader', 1 contact(s)",
        "  row 7     skipped    -                        duplicate of row 2",
        "3 new, 0 update, 0 unchanged, 1 skipped",
        "Dry run: nothing written. Add --apply to write these notes.",
    ]
    assert files(root) == {}


@pytest.mark.parametrize(("name", "mapping"), [
    ("google.csv", None), ("google-legacy.csv", None), ("hubspot.csv", None), ("salesforce.csv", None),
    ("zoho.csv", None), ("android-2.1.vcf", None), ("apple-3.0.vcf", None), ("v4.vcf", None),
    ("semicolon.csv", "semicolon.yml"), ("chinese-gbk.csv", "chinese.yml"),
])
def test_every_fixture_imports_cleanly_and_twice_changes_nothing(tmp_path: Path, name: str,
                                                                  mapping: str | None) -> None:
    root = empty_vault(tmp_path / "v")
    args = ["import", str(IMPORT / name), *(["--map", str(IMPORT / mapping)] if mapping else [])]
    first = run(root, *args, "--apply", "--owner", "alice", "--tag", "imported")
    assert first.exit_code == 0, first.output
    assert "Wrote" in first.output
    vault = load(root)
    assert vault.problems == ()
    assert all(c.owner == "alice" and "imported" in c.tags for c in vault.customers)
    before = files(root)
    again = run(root, *args, "--apply", "--format", "json")
    plan = json.loads(again.output)
    assert plan["summary"]["new"] == plan["summary"]["update"] == 0
    assert {r["action"] for r in plan["rows"]} <= {"unchanged", "skipped"}
    assert files(root) == before


def test_chinese_excel_note(tmp_path: Path) -> None:
    root = empty_vault(tmp_path / "v")
    run(root, "import", str(IMPORT / "chinese-gbk.csv"), "--map", str(IMPORT / "chinese.yml"), "--apply")
    text = (root / "customers" / "shanghai-hualian-chaoshi.md").read_text(encoding="utf-8")
    assert text == """---
name: 上海华联超市有限公司
tags: [零售, 重点客户]
created: 2025-03-14
industry: 连锁超市
region: 华东
source: 展会
contacts:
  - name: 张伟
    role: 采购经理
    email: zhang.wei@example.cn
    phone: 13800138000
    wechat: zhangwei_sh
    座机: 021-5555 0188
  - name: 刘敏
    role: 品类主管
    phone: +86 139 0013 9000
---

## Log
"""


def test_matching_fills_only_empty_fields_and_keeps_the_rest_byte_for_byte(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"customers/acme.md": ACME})
    result = run(root, "import", str(IMPORT / "google.csv"), "--apply")
    # Bob is recognised by his e-mail: he keeps what he has and gets only what he lacks
    assert ("  row 2     update     acme                     tags, Bob Li: email_2, phone, birthday, "
            "note, address\n") in result.output
    assert "  row 5     update     acme                     +1 contact(s)\n" in result.output
    text = (root / "customers" / "acme.md").read_text(encoding="utf-8")
    assert text == ACME.replace("    email: bob.li@example.com\n", """    email: bob.li@example.com
    email_2: bob@home.example
    phone: +47 22 55 01 23
    birthday: 1980-04-01
    note: Decides on range, price
    address: Storgata 1, 0155 Oslo, Norway
  - name: Kari Berg
    role: Accounts
    email: kari.berg@example.com
    phone: 004722550124
    phone_2: +47 22 55 01 25
""").replace("---\nNotes", "tags: [Retail, VIP]\n---\nNotes")
    assert "industry: Tea   # by hand" in text  # not empty: never touched
    again = run(root, "import", str(IMPORT / "google.csv"), "--apply")
    assert "Nothing to write." in again.output
    assert (root / "customers" / "acme.md").read_text(encoding="utf-8") == text


def test_a_different_value_is_never_overwritten(tmp_path: Path) -> None:
    note = ACME.replace("    role: Head of Buying\n", "    role: Boss   # he insists\n")
    root = make_vault(tmp_path, {"customers/acme.md": note.replace("status: active\n", "")})
    (tmp_path / "x.csv").write_text("Co,Who,Mail,Job,State\nAcme Trading Ltd,Robert Li,BOB.LI@example.com,"
                                    "Buyer,lead\n", encoding="utf-8")
    (tmp_path / "m.yml").write_text("columns: {Co: organisation, Who: contact.name, Mail: contact.email, "
                                    "Job: contact.role, State: status}\n", encoding="utf-8")
    result = run(root, "import", str(tmp_path / "x.csv"), "--map", str(tmp_path / "m.yml"), "--apply")
    assert "  row 2     update     acme                     status\n" in result.output
    text = (root / "customers" / "acme.md").read_text(encoding="utf-8")
    assert text == note.replace("status: active\n", "").replace("---\nNotes", "status: lead\n---\nNotes")


def test_a_note_with_errors_is_skipped_with_the_reason(tmp_path: Path) -> None:
    broken = ACME.replace("status: active", "status: [oops]")
    root = make_vault(tmp_path, {"customers/acme.md": broken})
    result = run(root, "import", str(IMPORT / "google.csv"), "--apply")
    assert "  row 5     skipped    acme" in result.output and "has errors" in result.output
    assert (root / "customers" / "acme.md").read_text(encoding="utf-8") == broken
    assert (root / "customers" / "solo-trader.md").exists()  # the other customers are written


def test_commit_records_all_notes_in_one_commit(tmp_path: Path) -> None:
    root = empty_vault(tmp_path)
    repo = git.Repo.init(root)
    repo.git.config("user.name", "T")
    repo.git.config("user.email", "t@example.com")
    result = run(root, "import", str(IMPORT / "hubspot.csv"), "--apply", "--commit")
    assert "committed" in result.output
    assert repo.head.commit.message.startswith("import hubspot.csv: 2 customer(s)")
    assert sorted(repo.head.commit.stats.files) == ["customers/pat-lee.md",
                                                    "customers/sol-distribuciones-sl.md"]
    assert not repo.is_dirty(untracked_files=True)


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    root = empty_vault(tmp_path / "v")
    (tmp_path / "x.csv").write_text("Firma,Kontakt\nA,B\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["-C", str(root), "import", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "does not recognise these columns" in result.output


# --- export and round trips -------------------------------------------------------------------

def full_vault(root: Path) -> Path:
    """Every fixture imported: many kinds of contacts, Chinese, extra keys."""
    empty_vault(root)
    for name in ("google.csv", "google-legacy.csv", "hubspot.csv", "salesforce.csv", "zoho.csv",
                 "android-2.1.vcf", "apple-3.0.vcf", "v4.vcf"):
        run(root, "import", str(IMPORT / name), "--apply", "--owner", "alice")
    run(root, "import", str(IMPORT / "chinese-gbk.csv"), "--map", str(IMPORT / "chinese.yml"), "--apply",
        "--status", "active")
    return root


@pytest.mark.parametrize("fmt", ["vcf", "json"])
def test_export_then_import_into_an_empty_vault_gives_the_same_customers(tmp_path: Path, fmt: str) -> None:
    source = full_vault(tmp_path / "a")
    out = tmp_path / f"out.{fmt}"
    result = run(source, "export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0
    target = empty_vault(tmp_path / "b")
    assert run(target, "import", str(out), "--apply").exit_code == 0
    assert customers(load(target)) == customers(load(source))
    assert load(target).problems == ()


def test_export_csv_then_import_keeps_fields_and_simple_contacts(tmp_path: Path) -> None:
    source = full_vault(tmp_path / "a")
    out = tmp_path / "out.csv"
    run(source, "export", "--format", "csv", "-o", str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,name,")
    target = empty_vault(tmp_path / "b")
    run(target, "import", str(out), "--apply")
    simple = ("name", "role", "email", "phone", "wechat")

    def essentials(vault: Vault) -> dict[str, Any]:
        return {i: {**{k: v for k, v in c.items() if k != "contacts"},
                    "contacts": [{k: x[k] for k in simple if x.get(k)} for x in c["contacts"]]}
                for i, c in customers(vault).items()}
    assert essentials(load(target)) == essentials(load(source))


def test_export_to_standard_output(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"customers/acme.md": ACME})
    vcf = run(root, "export", "--format", "vcf").stdout_bytes.decode("utf-8")
    assert vcf.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Li\r\n")
    assert "ORG:Acme Trading Ltd\r\n" in vcf and "NOTE:vault-tool id: acme\r\n" in vcf
    data = json.loads(run(root, "export", "--format", "json").output)
    assert data["customers"][0]["id"] == "acme"


def test_vcard_escaping_and_folding(tmp_path: Path) -> None:
    long_name = "Ünïcødé, Tea; Coffee\\Cocoa " + "长" * 40
    root = make_vault(tmp_path, {"customers/x.md": f"---\nname: '{long_name}'\ntags: [a, 'b,c']\n---\n"})
    vcf = run(root, "export", "--format", "vcf").stdout_bytes
    lines = vcf.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"CATEGORIES:a,b\\,c" in vcf
    assert b"ORG:\xc3\x9cn\xc3\xafc\xc3\xb8d\xc3\xa9\\, Tea\\; Coffee\\\\Cocoa " in vcf
    back = empty_vault(tmp_path / "b")
    (tmp_path / "x.vcf").write_bytes(vcf)
    run(back, "import", str(tmp_path / "x.vcf"), "--apply")
    assert [(c.name, c.tags) for c in load(back).customers] == [(long_name, ("a", "b,c"))]


# --- the Big List of Naughty Strings ----------------------------------------------------------

def naughty() -> list[str]:
    lines = (DATA / "blns.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_naughty_names_round_trip_or_are_skipped_with_a_reason(tmp_path: Path) -> None:
    strings = naughty()
    assert len(strings) > 150
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Company", "Person", "Mail"])
    for index, text in enumerate(strings):
        writer.writerow([text, text, f"p{index}@example.com"])
    (tmp_path / "naughty.csv").write_text(out.getvalue(), encoding="utf-8")
    (tmp_path / "map.yml").write_text("columns: {Company: organisation, Person: contact.name, "
                                      "Mail: contact.email}\n", encoding="utf-8")
    root = empty_vault(tmp_path / "a")
    result = run(root, "import", str(tmp_path / "naughty.csv"), "--map", str(tmp_path / "map.yml"),
                 "--apply", "--format", "json")
    rows = json.loads(result.output)["rows"]
    assert len(rows) == len(strings)
    vault = load(root)
    assert [p for p in vault.problems if p.severity == "error"] == []
    names = {c.id: c.name for c in vault.customers}
    contact_names = {x.name for c in vault.customers for x in c.contacts}
    for row, text in zip(rows, strings, strict=True):
        wanted = " ".join(text.split())
        if row["action"] == "skipped":
            assert row["detail"], text
            continue
        assert names[row["customer"]].casefold() == wanted.casefold() or row["detail"].startswith("joins")
        assert wanted in contact_names or wanted == names[row["customer"]], text
    for fmt in ("vcf", "json"):
        run(root, "export", "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"))
        back = empty_vault(tmp_path / f"back-{fmt}")
        run(back, "import", str(tmp_path / f"out.{fmt}"), "--apply")
        assert customers(load(back)) == customers(vault), fmt
    exported = list(csv.DictReader(io.StringIO(run(root, "export").stdout_bytes.decode("utf-8-sig"))))
    assert {r["id"]: r["name"] for r in exported} == {i: defuse(n) for i, n in names.items()}


def test_fixtures_are_left_alone(tmp_path: Path) -> None:
    """The import never writes next to the file it reads (no temporary files, no conversions)."""
    copy = tmp_path / "in"
    shutil.copytree(IMPORT, copy)
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    run(empty_vault(tmp_path / "v"), "import", str(copy / "google.csv"), "--apply")
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


def test_a_value_the_vault_refuses_skips_the_customer_with_the_problem(tmp_path: Path) -> None:
    root = empty_vault(tmp_path / "v")
    result = run(root, "import", str(IMPORT / "hubspot.csv"), "--status", "bogus", "--apply")
    assert "  row 4     skipped    pat-lee" in result.output
    assert "status 'bogus' is not declared" in result.output
    assert "Nothing to write." in result.output
    assert files(root) == {}


def test_new_ids_avoid_notes_that_cannot_be_read(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"customers/old/sol-distribuciones-sl.md": "---\nname: [unclosed\n"})
    result = run(root, "import", str(IMPORT / "hubspot.csv"), "--apply")
    assert "  row 2     new        sol-distribuciones-sl-2" in result.output
    assert (root / "customers" / "old" / "sol-distribuciones-sl.md").read_text() == "---\nname: [unclosed\n"


def test_the_vaults_template_is_used(tmp_path: Path) -> None:
    template = "---\nname: {name}\nstatus: lead\ncontacts: []   # people\n---\n# {name}\n\n## Log\n"
    root = make_vault(tmp_path, {"templates/customer.md": template, "customers/.keep": ""})
    run(root, "import", str(IMPORT / "zoho.csv"), "--apply")
    text = (root / "customers" / "tata-spices.md").read_text(encoding="utf-8")
    assert text.startswith("---\nname: Tata Spices Pvt Ltd\nstatus: lead\ncontacts:   # people\n"
                           "  - name: Ravi Kumar\n    role: Director\n")
    assert "tags: [spices, export]\n" in text and text.endswith("---\n# Tata Spices Pvt Ltd\n\n## Log\n")
