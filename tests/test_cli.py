"""The commands through their real command line (click's runner, in-process),
plus the console script and `python -m vault_tool` as a new user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_vault as write

import vault_tool.cli as cli_module
from vault_tool.cli import cli

TODAY = "2026-11-23"

GOOD = """---
name: Acme Ltd
status: active
owner: alice
next_follow_up: 2026-11-20
follow_up: send the quote
contacts:
  - name: Bob
    phone: 01380013800
---
Notes.

## Log
- 2026-11-02 call: asked for a quote
"""

CHINESE = """---
name: 上海华联
status: prospect
owner: bob
created: 2026-11-01
---

## 沟通记录
- 2026-11-10 微信：问报价
"""

BROKEN = """---
name: Broken
status: activ
---
"""


def vault(tmp_path: Path, **extra: str) -> Path:
    files = {
        "vault.yml": "owners: [alice, bob]\nlog_heading: [Log, 沟通记录]\n"
                     "default_cadence: {prospect: 10d}\n",
        "customers/acme.md": GOOD,
        "customers/cn/上海华联.md": CHINESE,
    }
    files.update({f"customers/{k}.md": v for k, v in extra.items()})
    return write(tmp_path / "v", files)


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_check_clean_vault_exits_0(tmp_path: Path) -> None:
    code, out, err = run(vault(tmp_path), "check", "--today", TODAY)
    assert (code, out) == (0, "")
    assert "2 customers, 0 errors, 0 warnings" in err


def test_check_reports_errors_as_path_line_col_and_exits_1(tmp_path: Path) -> None:
    code, out, _ = run(vault(tmp_path, broken=BROKEN), "check", "--today", TODAY)
    assert code == 1
    assert out.splitlines() == [
        "customers/broken.md:3:9: error: 'status': status 'activ' is not declared (declared: "
        "lead, prospect, active, dormant, lost); did you mean 'active'? [unknown-status]"
    ]


def test_check_warnings_alone_exit_0(tmp_path: Path) -> None:
    note = GOOD.replace("follow_up: send", "next_folow_up: 2026-12-01\nfollow_up: send")
    code, out, _ = run(vault(tmp_path, typo=note), "check", "--today", TODAY)
    assert code == 0
    assert "customers/typo.md:6:1: warning: unknown key 'next_folow_up' is ignored; " \
           "did you mean 'next_follow_up'? [unknown-key]" in out


def test_check_json_shape(tmp_path: Path) -> None:
    code, out, _ = run(vault(tmp_path, broken=BROKEN), "check", "--format", "json", "--today", TODAY)
    assert code == 1
    assert json.loads(out) == [{
        "path": "customers/broken.md", "line": 3, "column": 9, "severity": "error",
        "code": "unknown-status",
        "message": "'status': status 'activ' is not declared (declared: lead, prospect, active, "
                   "dormant, lost); did you mean 'active'?",
    }]


def test_check_without_vault_exits_2(tmp_path: Path) -> None:
    code, _out, err = run(tmp_path, "check")
    assert code == 2
    assert "is not a vault" in err


def test_check_messages_follow_locale(tmp_path: Path) -> None:
    root = vault(tmp_path, broken=BROKEN)
    (root / "vault.yml").write_text("locale: zh\n", encoding="utf-8")
    code, out, _ = run(root, "check", "--today", TODAY)
    assert code == 1
    assert "状态 'activ' 未在 vault.yml 中声明" in out
    assert "您是不是想写 'active'" in out


def test_commands_find_the_vault_from_a_subfolder(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root / "customers" / "cn", "show", "acme", "--format", "json")
    assert code == 0
    assert json.loads(out)["id"] == "acme"


def test_due_json_shape_and_order(tmp_path: Path) -> None:
    code, out, _ = run(vault(tmp_path), "due", "--format", "json", "--today", TODAY)
    assert code == 0
    assert json.loads(out) == [
        {"id": "acme", "name": "Acme Ltd", "owner": "alice", "due": "2026-11-20",
         "reason": "scheduled", "days_overdue": 3, "follow_up": "send the quote",
         "path": "customers/acme.md"},
        {"id": "上海华联", "name": "上海华联", "owner": "bob", "due": "2026-11-20",
         "reason": "cadence", "days_overdue": 3, "follow_up": None,
         "path": "customers/cn/上海华联.md"},
    ]


def test_due_window_and_owner_filter(tmp_path: Path) -> None:
    root = vault(tmp_path)
    _, out, _ = run(root, "due", "--format", "json", "--today", "2026-11-10", "--within", "10d")
    assert [r["id"] for r in json.loads(out)] == ["acme", "上海华联"]
    _, out, _ = run(root, "due", "--format", "json", "--today", "2026-11-10", "--within", "9d")
    assert json.loads(out) == []
    _, out, _ = run(root, "due", "--format", "json", "--today", TODAY, "--owner", "bob")
    assert [r["id"] for r in json.loads(out)] == ["上海华联"]


def test_due_text_table(tmp_path: Path) -> None:
    code, out, _ = run(vault(tmp_path), "due", "--today", TODAY)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["Due", "Days", "overdue", "Customer", "Owner", "Next", "step"]
    assert lines[2].startswith("2026-11-20  3 ")
    assert "Acme Ltd (acme)" in lines[2] and "send the quote" in lines[2]


def test_due_nothing(tmp_path: Path) -> None:
    code, out, _ = run(vault(tmp_path), "due", "--today", "2026-11-01")
    assert code == 0
    assert out.strip() == "Nothing overdue or due within 7d."


def test_bad_today_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(vault(tmp_path), "due", "--today", "2026-02-30")
    assert code == 2
    assert "is not a date" in err


def test_show_json(tmp_path: Path) -> None:
    code, out, _ = run(vault(tmp_path), "show", "acme", "--format", "json", "--today", TODAY)
    record = json.loads(out)
    assert code == 0
    assert record["fields"]["contacts"] == [{"name": "Bob", "phone": "01380013800"}]
    assert record["fields"]["next_follow_up"] == "2026-11-20"
    assert record["log"] == [{"date": "2026-11-02", "channel": "call",
                              "text": "asked for a quote", "line": 14}]
    assert record["last_contact"] == "2026-11-02"
    assert record["follow_up"] == {"due": "2026-11-20", "reason": "scheduled", "what": "send the quote"}
    assert record["problems"] == []


def test_show_text_chinese_id(tmp_path: Path) -> None:
    code, out, _ = run(vault(tmp_path), "show", "上海华联", "--today", TODAY)
    assert code == 0
    assert "2026-11-10 wechat: 问报价" in out
    assert "Next follow-up: 2026-11-20 (by cadence)" in out


def test_show_unknown_id_suggests(tmp_path: Path) -> None:
    code, _, err = run(vault(tmp_path), "show", "acm")
    assert code == 1
    assert "no customer with id 'acm'" in err and "Did you mean 'acme'?" in err


def test_build_writes_pages_and_is_reproducible(tmp_path: Path) -> None:
    root = vault(tmp_path, broken=BROKEN)
    code, out, err = run(root, "build", "--today", TODAY)
    assert code == 0, err
    site = root / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert pages == [".vault-tool-manifest", "assets/app.js", "assets/style.css", "customers.csv",
                     "customers.json", "customers/acme.html", "customers/broken.html",
                     "customers/上海华联.html", "data/customers.js", "follow-ups-by-owner.html",
                     "follow-ups.html", "follow-ups.ics", "index.html", "owners.html",
                     "pipeline.html", "problems.html", "segments.html", "value.html"]
    first = {p: (site / p).read_bytes() for p in pages}
    code, out, _ = run(root, "build", "--today", TODAY, "-o", "again")
    assert code == 0
    assert {p: (root / "again" / p).read_bytes() for p in pages} == first
    assert "Built 17 files" in out


def test_build_strict_refuses_errors(tmp_path: Path) -> None:
    root = vault(tmp_path, broken="---\nname: [\n---\n")
    code, _, err = run(root, "build", "--strict", "--today", TODAY)
    assert code == 1
    assert "yaml-syntax" in err and "--strict" in err
    assert not (root / "site").exists()


def test_build_refuses_a_foreign_non_empty_folder(tmp_path: Path) -> None:
    root = vault(tmp_path)
    (root / "mine").mkdir()
    (root / "mine" / "thesis.txt").write_text("precious", encoding="utf-8")
    code, _, err = run(root, "build", "-o", "mine")
    assert code == 1
    assert "was not made by vault-tool" in err
    assert (root / "mine" / "thesis.txt").read_text(encoding="utf-8") == "precious"


def test_build_removes_pages_of_deleted_customers(tmp_path: Path) -> None:
    root = vault(tmp_path)
    run(root, "build", "--today", TODAY)
    (root / "customers" / "acme.md").unlink()
    code, out, _ = run(root, "build", "--today", TODAY)
    assert code == 0 and "1 removed" in out
    assert not (root / "site" / "customers" / "acme.html").exists()
    assert (root / "site" / "customers" / "上海华联.html").exists()


def test_console_script_and_module_run(tmp_path: Path) -> None:
    root = vault(tmp_path)
    exe = Path(sys.executable).parent / "vault-tool"
    for command in ([str(exe)], [sys.executable, "-m", "vault_tool"]):
        result = subprocess.run([*command, "-C", str(root), "due", "--today", TODAY, "--format", "json"],
                                capture_output=True, text=True, encoding="utf-8", check=False)
        assert result.returncode == 0, result.stderr
        assert [r["id"] for r in json.loads(result.stdout)] == ["acme", "上海华联"]


def test_unreadable_note_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = vault(tmp_path)
    (root / "customers" / "dangling.md").symlink_to(root / "nowhere.md")
    code, out, _ = run(root, "check")
    assert code == 1
    assert out.startswith("customers/dangling.md:1:1: error: cannot read the file (No such file")


def test_internal_errors_print_no_traceback(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_module.cli, "main", explode)
    monkeypatch.delenv("VAULT_TOOL_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 70
    assert "internal error: RuntimeError: boom" in err
    assert "Traceback" not in err


def test_out_of_range_today_and_within_are_usage_errors(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, _, err = run(root, "due", "--today", "9999-12-30")
    assert code == 2 and "out of range" in err
    code, _, err = run(root, "due", "--within", "99999999d")
    assert code == 2 and "too long" in err
