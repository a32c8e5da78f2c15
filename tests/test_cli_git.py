"""`history`, `init` and `hooks install` through their real command line, on real repositories.

The hook is tested with real `git commit`s: git runs it, it runs this Python.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import ALICE, BOB, Repo, isolated_git, run_git

from vault_tool.cli import cli
from vault_tool.config import READERS, load_settings
from vault_tool.hooks import HOOK_MARK
from vault_tool.scaffold import SETTING_DOCS, vault_yml
from vault_tool.vault import load_vault

pytestmark = pytest.mark.usefixtures("isolated_git")
__all__ = ["isolated_git"]

TODAY = "2026-11-23"

GOOD = """---
name: Acme Ltd
status: prospect
owner: alice
deals:
  - title: 2027 supply
    stage: proposal
---

## Log
- 2026-01-05 call: first call
"""

BROKEN = GOOD.replace("status: prospect", "status: activ")


def invoke(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def two_commits(repo: Repo) -> tuple[str, str]:
    repo.write("customers/acme.md", GOOD)
    first = repo.commit("Add Acme", ALICE, "2026-01-05T10:00:00+01:00")
    repo.write("customers/acme.md", GOOD.replace("prospect", "active").replace("proposal", "negotiation")
               + "- 2026-02-01 visit: 参观门店\n")
    second = repo.commit("Acme 签约", BOB, "2026-02-10T09:30:00+08:00")
    return first, second


# -- history -------------------------------------------------------------------------------------


def test_history_json_shape(tmp_path: Path) -> None:
    first, second = two_commits(Repo(tmp_path))
    code, out, err = invoke(tmp_path, "history", "acme", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data[0] == {
        "commit": second,
        "short": second[:7],
        "author": "Bob Li",
        "email": "bob@example.com",
        "date": "2026-02-10T09:30:00+08:00",
        "message": "Acme 签约",
        "path": "customers/acme.md",
        "uncommitted": False,
        "boundary": False,
        "changes": [
            {"field": "status", "old": "prospect", "new": "active", "kind": "changed", "item": None},
            {"field": "deals.stage", "old": "proposal", "new": "negotiation", "kind": "changed",
             "item": "2027 supply"},
            {"field": "log", "old": None,
             "new": {"date": "2026-02-01", "channel": "visit", "text": "参观门店"},
             "kind": "added", "item": None},
        ],
    }
    assert [d["commit"] for d in data] == [second, first]
    for entry in data:
        assert {"commit", "author", "email", "date", "message", "changes"} <= set(entry)
        assert all(set(c) >= {"field", "old", "new"} for c in entry["changes"])


def test_history_text(tmp_path: Path) -> None:
    _, second = two_commits(Repo(tmp_path))
    code, out, _ = invoke(tmp_path, "history", "acme")
    assert code == 0
    assert out.startswith(f"{second[:7]}  2026-02-10 09:30 +08:00  Bob Li <bob@example.com>\n"
                          "    Acme 签约\n"
                          "    - status: prospect → active\n"
                          "    - deal '2027 supply' stage: proposal → negotiation\n"
                          "    - log +1\n"
                          "        + 2026-02-01 visit: 参观门店\n\n")
    assert "    - file created: customers/acme.md\n" in out


def test_history_in_a_chinese_vault(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.write("vault.yml", "locale: zh\nlog_heading: 沟通记录\n")
    repo.write("customers/上海华联.md", "---\nname: 上海华联\nstatus: lead\n---\n\n## 沟通记录\n")
    repo.commit("新客户")
    repo.write("customers/上海华联.md", "---\nname: 上海华联\nstatus: active\n---\n\n## 沟通记录\n"
               "- 2026-02-01 微信：问报价\n")
    repo.commit("上海华联：合作中", when="2026-02-01T10:00:00+08:00")
    code, out, _ = invoke(tmp_path, "history", "上海华联")
    assert code == 0
    assert ("    上海华联：合作中\n    - status：lead → active\n    - 沟通记录 +1\n"
            "        + 2026-02-01 wechat: 问报价") in out
    assert "新建文件：customers/上海华联.md" in out
    code, _, err = invoke(tmp_path, "history", "上海华")
    assert code == 1 and "没有客户 '上海华'" in err and "上海华联" in err


def test_history_follows_renames_and_deletions(tmp_path: Path) -> None:
    repo = Repo(tmp_path).write("vault.yml", "")  # still a vault when its last note is gone
    two_commits(repo)
    repo.move("customers/acme.md", "customers/eu/acme-trading.md")
    repo.commit("Rename", when="2026-03-01T10:00:00+01:00")
    repo.remove("customers/eu/acme-trading.md")
    repo.commit("Delete", when="2026-04-01T10:00:00+01:00")
    code, out, _ = invoke(tmp_path, "history", "acme-trading", "--format", "json")
    assert code == 0
    assert [d["message"] for d in json.loads(out)] == ["Delete", "Rename", "Acme 签约", "Add Acme"]
    assert json.loads(out)[1]["changes"] == [{"field": "file", "old": "customers/acme.md",
                                              "new": "customers/eu/acme-trading.md", "kind": "renamed",
                                              "item": None}]


def test_history_of_an_unknown_customer(tmp_path: Path) -> None:
    two_commits(Repo(tmp_path))
    code, out, err = invoke(tmp_path, "history", "acm")
    assert (code, out) == (1, "")
    assert "no customer 'acm', neither now nor in the history. Did you mean 'acme'?" in err


def test_history_in_a_subfolder_vault(tmp_path: Path) -> None:
    repo = Repo(tmp_path, "shared/crm").write("vault.yml", "name: Shared\n")
    (tmp_path / "other.txt").write_text("x\n", encoding="utf-8")
    first, second = two_commits(repo)
    code, out, _ = invoke(repo.vault, "history", "acme", "--format", "json")
    assert code == 0
    assert [(d["commit"], d["path"]) for d in json.loads(out)] == [(second, "customers/acme.md"),
                                                                    (first, "customers/acme.md")]
    code, out, _ = invoke(repo.vault / "customers", "history", "acme")  # found from inside the vault
    assert code == 0 and "status: prospect → active" in out


def test_history_without_a_repository(tmp_path: Path) -> None:
    (tmp_path / "customers").mkdir()
    (tmp_path / "customers/acme.md").write_text(GOOD, encoding="utf-8")
    code, out, err = invoke(tmp_path, "history", "acme")
    assert (code, out) == (1, "")
    assert "is not in a git repository, so it has no history" in err


def test_history_without_commits(tmp_path: Path) -> None:
    Repo(tmp_path).write("customers/acme.md", GOOD)
    code, out, err = invoke(tmp_path, "history", "acme", "--format", "json")
    assert (code, out) == (1, "")
    assert "has no commits yet" in err


def test_history_without_a_vault(tmp_path: Path) -> None:
    code, _, err = invoke(tmp_path, "history", "acme")
    assert code == 2 and "is not a vault" in err


def test_history_of_a_shallow_clone(tmp_path: Path) -> None:
    two_commits(Repo(tmp_path / "origin"))
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path / 'origin'}", "clone")
    code, out, err = invoke(tmp_path / "clone", "history", "acme")
    assert code == 0
    assert ("shallow clone; its history goes back only to 2026-02-10 09:30 +08:00. "
            "Run `git fetch --unshallow`") in err
    assert "(the first commit of this shallow clone: the note may be older)" in out
    code, out, _ = invoke(tmp_path / "clone", "history", "acme", "--format", "json")
    assert [d["boundary"] for d in json.loads(out)] == [True]


def test_history_on_a_detached_head(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    first, _ = two_commits(repo)
    repo.git("checkout", "-q", "--detach", first)
    code, out, err = invoke(tmp_path, "history", "acme", "--format", "json")
    assert code == 0
    assert f"HEAD is detached at {first[:7]}; this is the history up to that commit." in err
    assert [d["commit"] for d in json.loads(out)] == [first]


def test_history_flags_uncommitted_edits(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    two_commits(repo)
    repo.write("customers/acme.md", GOOD.replace("owner: alice", "owner: bob"))
    code, out, _ = invoke(tmp_path, "history", "acme", "--format", "json")
    assert code == 0
    first = json.loads(out)[0]
    assert (first["uncommitted"], first["commit"], first["date"]) == (True, None, None)
    owner = {"field": "owner", "old": "alice", "new": "bob", "kind": "changed", "item": None}
    assert owner in first["changes"]
    _, out, _ = invoke(tmp_path, "history", "acme")
    assert out.startswith("uncommitted (working tree)\n    - status: active → prospect\n")


# -- init ----------------------------------------------------------------------------------------


def test_init_creates_a_vault_that_checks_clean(tmp_path: Path) -> None:
    code, out, _ = invoke(tmp_path, "init", "crm", "--today", TODAY)
    assert code == 0
    root = tmp_path / "crm"
    for line in ("created    vault.yml", "created    customers/example-customer.md",
                 "created    .gitignore", "created    .git/  (git init)",
                 "created    .git/hooks/pre-commit"):
        assert line in out
    assert (root / ".gitignore").read_text(encoding="utf-8").splitlines()[1:] == [
        "site/", ".vault-tool-cache/"]
    vault = load_vault(root, date(2026, 11, 23))
    assert vault.problems == () and [c.id for c in vault.customers] == ["example-customer"]
    assert invoke(root, "check")[0] == 0
    assert HOOK_MARK in (root / ".git/hooks/pre-commit").read_text(encoding="utf-8")


def test_init_never_overwrites(tmp_path: Path) -> None:
    invoke(tmp_path, "init", "--today", TODAY)
    (tmp_path / "vault.yml").write_text("name: Mine\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".git/" not in str(p)}
    code, out, _ = invoke(tmp_path, "init", "--today", "2027-01-01")
    assert code == 0
    assert {p: p.read_bytes() for p in before} == before
    assert "kept       vault.yml  (already there)" in out
    assert "kept       customers/example-customer.md  (already there)" in out
    assert "kept       .git/hooks/pre-commit  (already up to date)" in out
    assert "created" not in out


def test_init_adopts_a_folder_with_notes(tmp_path: Path) -> None:
    (tmp_path / "customers").mkdir()
    (tmp_path / "customers/acme.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.pdf\nsite/\n", encoding="utf-8")
    code, out, _ = invoke(tmp_path, "init")
    assert code == 0
    assert "kept       customers/  (has 1 note(s) already; no example added)" in out
    assert "kept       .gitignore  (add .vault-tool-cache/ to it)" in out
    assert sorted(p.name for p in (tmp_path / "customers").iterdir()) == ["acme.md"]


def test_init_in_chinese(tmp_path: Path) -> None:
    code, out, _ = invoke(tmp_path, "init", "--locale", "zh", "客户库", "--today", TODAY)
    assert code == 0 and "已创建     customers/示例客户.md" in out
    root = tmp_path / "客户库"
    text = (root / "vault.yml").read_text(encoding="utf-8")
    assert "\nlocale: zh\n" in text and "\nlog_heading: 沟通记录\n" in text
    code, _, err = invoke(root, "check", "--today", TODAY)
    assert code == 0 and "1 位客户，0 个错误，0 个警告" in err
    code, out, _ = invoke(root, "show", "示例客户", "--format", "json", "--today", TODAY)
    assert json.loads(out)["last_contact"] == TODAY


def test_init_inside_a_repository_installs_the_hook_there(tmp_path: Path) -> None:
    run_git(tmp_path, "init", "-q")
    code, out, _ = invoke(tmp_path, "init", "sales/crm")
    assert code == 0 and "(git init)" not in out
    assert f"kept       .git/  (the vault is in the git repository at {tmp_path})" in out
    assert not (tmp_path / "sales/crm/.git").exists()
    hook = (tmp_path / ".git/hooks/pre-commit").read_text(encoding="utf-8")
    assert "-m vault_tool.hooks sales/crm\n" in hook


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_vault_yml_shows_every_setting_with_its_default(locale: str) -> None:
    text = vault_yml(locale)  # type: ignore[arg-type]
    for key in READERS:
        assert re.search(rf"^#?{key}: ", text, re.M), key
    commented = [line for line in text.splitlines() if re.match(r"#\w", line)]
    assert len(commented) == len(READERS) - (2 if locale == "zh" else 0)
    assert load_settings(text.encode())[1] == []
    # Uncommenting every setting gives a valid vault.yml too.
    everything = "\n".join(line[1:] if re.match(r"#\w", line) else line for line in text.splitlines())
    settings, problems = load_settings(everything.encode())
    assert problems == [] and settings.currency in ("EUR", "CNY")
    assert [d.key for d in SETTING_DOCS] == list(READERS)


# -- hooks install and the hook ------------------------------------------------------------------


def commit(top: Path, *extra: str) -> tuple[int, str]:
    result = run_git(top, "commit", "-q", "-m", "change", *extra, check=False)
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def hooked(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path)
    repo.write("customers/acme.md", GOOD)
    repo.commit("Acme")
    code, out, _ = invoke(tmp_path, "hooks", "install")
    assert code == 0 and out == "created    .git/hooks/pre-commit\n"
    return repo


def test_hook_refuses_a_broken_note_and_accepts_a_good_one(hooked: Repo) -> None:
    top = hooked.top
    hooked.write("customers/bad.md", BROKEN)
    run_git(top, "add", "-A")
    code, output = commit(top)
    assert code != 0
    assert "customers/bad.md:3:9: error: 'status': status 'activ' is not declared" in output
    assert "commit refused: 1 error(s) in the staged notes" in output and "--no-verify" in output
    assert hooked.git("rev-list", "--count", "HEAD").strip() == "1"
    hooked.write("customers/bad.md", GOOD)
    run_git(top, "add", "-A")
    code, output = commit(top)
    assert code == 0 and "1 staged note(s) checked: no errors." in output


def test_hook_checks_what_is_staged_not_the_working_tree(hooked: Repo) -> None:
    hooked.write("customers/new.md", GOOD)
    run_git(hooked.top, "add", "customers/new.md")
    hooked.write("customers/new.md", BROKEN)  # broken, but not staged
    assert commit(hooked.top)[0] == 0
    hooked.write("customers/acme.md", BROKEN)
    run_git(hooked.top, "add", "customers/acme.md")
    hooked.write("customers/acme.md", GOOD)  # fixed, but the fix is not staged
    code, output = commit(hooked.top)
    assert code != 0 and "customers/acme.md:3:9" in output


def test_commit_all_checks_the_files_it_takes(hooked: Repo) -> None:
    hooked.write("customers/acme.md", BROKEN)
    code, output = commit(hooked.top, "-a")
    assert code != 0 and "customers/acme.md:3:9" in output


def test_no_verify_skips_the_hook(hooked: Repo) -> None:
    hooked.write("customers/bad.md", BROKEN)
    run_git(hooked.top, "add", "-A")
    assert commit(hooked.top, "--no-verify")[0] == 0


def test_old_errors_do_not_block_an_unrelated_commit(hooked: Repo) -> None:
    hooked.write("customers/bad.md", BROKEN)
    run_git(hooked.top, "add", "-A")
    assert commit(hooked.top, "--no-verify")[0] == 0
    hooked.write("customers/acme.md", GOOD + "- 2026-02-01 call: again\n")
    run_git(hooked.top, "add", "-A")
    code, output = commit(hooked.top)
    assert code == 0 and "1 staged note(s) checked: no errors." in output
    hooked.write("README.md", "not a note\n")  # a commit that does not touch the vault is not checked
    run_git(hooked.top, "add", "-A")
    code, output = commit(hooked.top)
    assert code == 0 and "vault-tool" not in output


def test_a_vault_yml_change_checks_every_note(hooked: Repo) -> None:
    hooked.write("vault.yml", "statuses: [lead, active]\n")  # acme's `prospect` is no longer valid
    run_git(hooked.top, "add", "-A")
    code, output = commit(hooked.top)
    assert code != 0 and "customers/acme.md:3:9: error" in output


def test_a_duplicate_id_is_refused(hooked: Repo) -> None:
    hooked.write("customers/eu/acme.md", GOOD)
    run_git(hooked.top, "add", "-A")
    code, output = commit(hooked.top)
    assert code != 0 and "[duplicate-id]" in output


def test_hook_for_a_subfolder_vault(tmp_path: Path) -> None:
    repo = Repo(tmp_path, "team/crm")
    repo.write("customers/acme.md", GOOD)
    repo.commit("Acme")
    assert invoke(repo.vault, "hooks", "install")[0] == 0
    repo.write("customers/bad.md", BROKEN)
    run_git(tmp_path, "add", "-A")
    code, output = commit(tmp_path)
    assert code != 0 and "team/crm/customers/bad.md:3:9: error" in output
    repo.write("customers/bad.md", GOOD)
    run_git(tmp_path, "add", "-A")
    assert commit(tmp_path)[0] == 0


def test_install_is_idempotent_and_leaves_foreign_hooks_alone(hooked: Repo) -> None:
    hook = hooked.top / ".git/hooks/pre-commit"
    ours = hook.read_text(encoding="utf-8")
    again = invoke(hooked.top, "hooks", "install")
    assert again[:2] == (0, "kept       .git/hooks/pre-commit  (already up to date)\n")
    assert hook.read_text(encoding="utf-8") == ours
    hook.write_text("#!/bin/sh\necho mine\n", encoding="utf-8")
    code, out, _ = invoke(hooked.top, "hooks", "install")
    assert code == 1 and "not written" in out and "--force" in out
    assert hook.read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"
    code, out, _ = invoke(hooked.top, "hooks", "install", "--force")
    assert code == 0 and "(the old hook is kept as .git/hooks/pre-commit.orig)" in out
    assert hook.read_text(encoding="utf-8") == ours
    assert (hooked.top / ".git/hooks/pre-commit.orig").read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"


def test_install_respects_core_hooks_path(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.git("config", "core.hooksPath", "githooks")
    repo.write("customers/acme.md", GOOD)
    code, out, _ = invoke(tmp_path, "hooks", "install")
    assert code == 0 and out == "created    githooks/pre-commit\n"
    run_git(tmp_path, "add", "-A")
    repo.write("customers/acme.md", BROKEN)
    run_git(tmp_path, "add", "-A")
    assert commit(tmp_path)[0] != 0  # the first commit is checked too


def test_install_without_a_repository(tmp_path: Path) -> None:
    (tmp_path / "customers").mkdir()
    code, _, err = invoke(tmp_path, "hooks", "install")
    assert code == 1 and "is not in a git repository; run `git init`" in err


def test_the_hook_runs_the_python_that_installed_it(hooked: Repo) -> None:
    hook = (hooked.top / ".git/hooks/pre-commit").read_text(encoding="utf-8")
    assert f"PYTHON={sys.executable}\n" in hook or f"PYTHON='{sys.executable}'\n" in hook
    moved = hook.replace(sys.executable, "/nonexistent/python")
    (hooked.top / ".git/hooks/pre-commit").write_text(moved, encoding="utf-8")
    hooked.write("customers/acme.md", GOOD + "- 2026-02-01 call: again\n")
    code, output = commit(hooked.top, "-a")
    assert code != 0 and "/nonexistent/python is gone; run 'vault-tool hooks install' again" in output


def test_without_git_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    code, out, _ = invoke(tmp_path, "init", "--today", TODAY)
    assert code == 0 and "skipped    git  (git is not installed: no repository, no hook)" in out
    assert not (tmp_path / ".git").exists()
    code, out, err = invoke(tmp_path, "history", "example-customer")
    assert (code, out) == (1, "") and "history needs git, and git is not installed" in err
    code, _, err = invoke(tmp_path, "hooks", "install")
    assert code == 1 and "git is not installed" in err
