"""new, log, done, snooze and set through the real command line, on real files (and real git)."""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from datetime import date
from pathlib import Path

import git
import pytest
from click.testing import CliRunner
from conftest import make_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vault_tool.cli_write as cli_write
from vault_tool.cli import cli
from vault_tool.edit import split_lines
from vault_tool.vault import load_vault
from vault_tool.yamlspans import double_quoted, is_plain_safe, single_quoted

TODAY = "2026-11-23"
BOM = "\ufeff"

VAULT_YML = ("owners: [alice, bob]\nlog_heading: [Log, 沟通记录]\n"
             "fields:\n  level: {type: enum, values: [A, B]}\n")

ACME = """---
# Acme: key account
name: 'Acme Trading'  # as on the invoice
status: "prospect"
owner: alice
next_follow_up: 2026-11-25
follow_up: Send the 2027 price list
deals:
  - title: 2027 tea supply
    stage: proposal   # after the visit
---
Acme runs 23 shops.   \n
## Log

- 2026-11-12 call: Bob asked for a quote
- 2026-10-20 visit: saw the shop
"""

SHANGHAI = (BOM + "---\r\nname: 上海华联\r\nstatus: lead\r\n---\r\n## 沟通记录\r\n"
            "- 2026-10-22 电话: 讨论春节礼盒\r\n- 2026-11-18 微信：只剩账期问题\r\n")

NOLOG = "---\nname: No Log\n---\nJust notes, no newline at the end  "


def vault(tmp_path: Path, **extra: str) -> Path:
    files: dict[str, str | bytes] = {
        "vault.yml": VAULT_YML,
        "customers/acme.md": ACME,
        "customers/cn/上海华联.md": SHANGHAI,
        "customers/nolog.md": NOLOG,
    }
    files.update({f"customers/{k}.md": v for k, v in extra.items()})
    return make_vault(tmp_path / "v", files)


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def read(root: Path, rel: str) -> str:
    return (root / rel).read_bytes().decode("utf-8")


def diff(old: str, new: str) -> list[str]:
    """The changed lines, exactly (line endings included)."""
    a = [x.text + x.eol for x in split_lines(old)[1]]
    b = [x.text + x.eol for x in split_lines(new)[1]]
    return [d for d in difflib.ndiff(a, b) if d[0] in "+-"]


def no_leftovers(root: Path) -> bool:
    return not [p for p in root.rglob(".*") if p.is_file()]


# --- log -----------------------------------------------------------------------------------------

def test_log_adds_one_line_newest_first(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, err = run(root, "log", "acme", "call: asked for a quote", "--today", TODAY)
    assert (code, out, err) == (0, "customers/acme.md: log +1 (call)\n", "")
    assert diff(ACME, read(root, "customers/acme.md")) == ["+ - 2026-11-23 call: asked for a quote\n"]
    new = read(root, "customers/acme.md")
    assert new.index("2026-11-23") < new.index("2026-11-12")
    assert no_leftovers(root)


def test_log_with_next_and_follow_up(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root, "log", "acme", "Visit: saw the new shop", "--date", "2026-11-20", "--next", "2w",
                       "--follow-up", "send samples: tea #2", "--today", TODAY)
    assert code == 0
    assert out == ("customers/acme.md: log +1 (visit), next_follow_up 2026-11-25 → 2026-12-04, "
                   "follow_up Send the 2027 price list → send samples: tea #2\n")
    assert diff(ACME, read(root, "customers/acme.md")) == [
        "- next_follow_up: 2026-11-25\n", "+ next_follow_up: 2026-12-04\n",
        "- follow_up: Send the 2027 price list\n", '+ follow_up: "send samples: tea #2"\n',
        "+ - 2026-11-20 visit: saw the new shop\n"]


def test_log_keeps_bom_crlf_and_oldest_first(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root, "log", "上海华联", "电话：确认 2 万盒", "--today", TODAY)
    assert (code, out) == (0, "customers/cn/上海华联.md: log +1 (call)\n")
    assert read(root, "customers/cn/上海华联.md") == SHANGHAI + "- 2026-11-23 电话: 确认 2 万盒\r\n"


def test_log_creates_the_heading_and_keeps_the_missing_newline(tmp_path: Path) -> None:
    root = vault(tmp_path)
    assert run(root, "log", "nolog", "email: sent the catalogue", "--today", TODAY)[0] == 0
    assert read(root, "customers/nolog.md") == NOLOG + "\n\n## Log\n\n- 2026-11-23 email: sent the catalogue"


def test_log_refuses_an_unknown_channel_with_a_hint(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, _, err = run(root, "log", "acme", "cal: x", "--today", TODAY)
    assert code == 1 and "the channel 'cal' is not declared" in err and "did you mean 'call'?" in err
    code, _, err = run(root, "log", "上海华联", "打电话: x", "--today", TODAY)
    assert code == 1 and "did you mean '电话'?" in err
    code, _, err = run(root, "log", "acme", "no channel here", "--today", TODAY)
    assert code == 2 and "CHANNEL: TEXT" in err
    assert read(root, "customers/acme.md") == ACME


# --- done ----------------------------------------------------------------------------------------

def test_done_logs_it_and_removes_the_follow_up(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root, "done", "acme", "--note", "list sent", "--today", TODAY)
    assert code == 0
    assert out == ("customers/acme.md: done (Send the 2027 price list), next_follow_up 2026-11-25 → "
                   "(removed), follow_up Send the 2027 price list → (removed)\n")
    assert diff(ACME, read(root, "customers/acme.md")) == [
        "- next_follow_up: 2026-11-25\n", "- follow_up: Send the 2027 price list\n",
        "+ - 2026-11-23 note: done: Send the 2027 price list — list sent\n"]


def test_done_with_next_moves_the_follow_up(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, _, _ = run(root, "done", "acme", "--next", "1m", "--follow-up", "check the delivery",
                     "--today", TODAY)
    assert code == 0
    assert diff(ACME, read(root, "customers/acme.md")) == [
        "- next_follow_up: 2026-11-25\n", "+ next_follow_up: 2026-12-23\n",
        "- follow_up: Send the 2027 price list\n", "+ follow_up: check the delivery\n",
        "+ - 2026-11-23 note: done: Send the 2027 price list\n"]


def test_done_without_a_follow_up_and_with_another_channel(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root, "done", "nolog", "--channel", "call", "--today", TODAY)
    assert (code, out) == (0, "customers/nolog.md: done (follow-up)\n")
    assert read(root, "customers/nolog.md").endswith("## Log\n\n- 2026-11-23 call: done: follow-up")
    (root / "vault.yml").write_text("channels: [call, email]\n")
    code, _, err = run(root, "done", "nolog", "--today", TODAY)
    assert code == 1 and "the channel 'note' is not declared" in err


# --- snooze --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("today", "until", "expected"), [
    ("2026-11-23", "3d", "2026-11-28"),  # from the planned day, which is still ahead
    ("2026-12-01", "3d", "2026-12-04"),  # overdue: from today
    ("2026-11-23", "2026-12-24", "2026-12-24"),
])
def test_snooze_moves_next_follow_up(tmp_path: Path, today: str, until: str, expected: str) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root, "snooze", "acme", until, "--today", today)
    assert (code, out) == (0, f"customers/acme.md: next_follow_up 2026-11-25 → {expected}\n")
    assert diff(ACME, read(root, "customers/acme.md")) == [
        "- next_follow_up: 2026-11-25\n", f"+ next_follow_up: {expected}\n"]


def test_snooze_without_a_follow_up_counts_from_today(tmp_path: Path) -> None:
    root = vault(tmp_path)
    assert run(root, "snooze", "上海华联", "1w", "--today", TODAY)[0] == 0
    assert read(root, "customers/cn/上海华联.md") == SHANGHAI.replace(
        "status: lead\r\n", "status: lead\r\nnext_follow_up: 2026-11-30\r\n")
    code, _, err = run(root, "snooze", "acme", "soon", "--today", TODAY)
    assert code == 2 and "neither a date" in err


# --- set -----------------------------------------------------------------------------------------

def test_set_status_keeps_its_quotes(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root, "set", "acme", "status", "active", "--today", TODAY)
    assert (code, out) == (0, "customers/acme.md: status prospect → active\n")
    assert diff(ACME, read(root, "customers/acme.md")) == ['- status: "prospect"\n', '+ status: "active"\n']
    code, out, _ = run(root, "set", "acme", "status", "active", "--today", TODAY)
    assert (code, out) == (
        0, "customers/acme.md: nothing to change (status active → active); nothing written\n")


def test_set_refuses_an_unknown_status_or_owner_with_the_check_message(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, _, err = run(root, "set", "acme", "status", "Active", "--today", TODAY)
    assert code == 1
    assert "customers/acme.md:4:9: error: 'status': status 'Active' is not declared" in err
    assert "did you mean 'active'?" in err and "Nothing was changed." in err
    code, _, err = run(root, "set", "acme", "owner", "carol", "--today", TODAY)
    assert code == 1 and "[unknown-owner]" in err
    code, _, err = run(root, "set", "acme", "level", "C", "--today", TODAY)
    assert code == 1 and "[unknown-enum-value]" in err
    assert read(root, "customers/acme.md") == ACME


def test_set_other_fields(tmp_path: Path) -> None:
    root = vault(tmp_path)
    out = run(root, "set", "acme", "owner", "", "--today", TODAY)[1]
    assert out == "customers/acme.md: owner alice → (removed)\n"
    assert run(root, "set", "acme", "next_follow_up", "2w", "--today", TODAY)[0] == 0
    assert run(root, "set", "acme", "cadence", "1 m", "--today", TODAY)[0] == 0
    assert run(root, "set", "acme", "region", "NO", "--today", TODAY)[0] == 0
    assert run(root, "set", "acme", "level", "A", "--today", TODAY)[0] == 0
    assert diff(ACME, read(root, "customers/acme.md")) == [
        "- owner: alice\n", "- next_follow_up: 2026-11-25\n", "+ next_follow_up: 2026-12-07\n",
        "+ cadence: 1m\n", "+ region: NO\n", "+ level: A\n"]


def test_set_refuses_fields_it_cannot_set(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, _, err = run(root, "set", "acme", "stauts", "active", "--today", TODAY)
    assert code == 2 and "did you mean 'status'?" in err
    code, _, err = run(root, "set", "acme", "tags", "[a]", "--today", TODAY)
    assert code == 2 and "'tags' cannot be set here" in err
    code, _, err = run(root, "set", "acme", "cadence", "2 weeks", "--today", TODAY)
    assert code == 2 and "not a duration" in err
    assert read(root, "customers/acme.md") == ACME


def test_set_a_deal_stage(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root, "set", "acme", "stage", "won", "--deal", "2027 TEA supply", "--today", TODAY)
    assert (code, out) == (0, "customers/acme.md: deal '2027 TEA supply' stage proposal → won\n")
    assert diff(ACME, read(root, "customers/acme.md")) == [
        "-     stage: proposal   # after the visit\n", "+     stage: won   # after the visit\n"]
    code, _, err = run(root, "set", "acme", "stage", "won", "--deal", "2028 tea", "--today", TODAY)
    assert code == 1 and "no deal titled '2028 tea' (deals: 2027 tea supply)" in err
    code, _, err = run(root, "set", "acme", "stage", "wonn", "--deal", "2027 tea supply", "--today", TODAY)
    assert code == 1 and "[unknown-stage]" in err
    code, _, err = run(root, "set", "acme", "title", "x", "--deal", "2027 tea supply", "--today", TODAY)
    assert code == 2


# --- new -----------------------------------------------------------------------------------------

def test_new_from_the_builtin_template(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, out, _ = run(root, "new", "Harbour & Pine: Tea Co., Ltd.", "--owner", "bob", "--status", "lead",
                       "--tag", "vip", "--tag", "茶叶", "--today", TODAY)
    assert (code, out) == (0, "customers/harbour-pine-tea.md: new customer harbour-pine-tea\n")
    assert read(root, "customers/harbour-pine-tea.md") == (
        '---\nname: "Harbour & Pine: Tea Co., Ltd."\nstatus: lead\nowner: bob\ntags: [vip, 茶叶]\n'
        "created: 2026-11-23\n---\n\n## Log\n")
    assert stat.S_IMODE((root / "customers/harbour-pine-tea.md").stat().st_mode) == 0o666 & ~_umask()
    assert no_leftovers(root)
    assert run(root, "log", "harbour-pine-tea", "call: first call", "--today", TODAY)[0] == 0
    assert read(root, "customers/harbour-pine-tea.md").endswith("## Log\n\n- 2026-11-23 call: first call\n")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_new_chinese_names_in_pinyin_or_kept(tmp_path: Path) -> None:
    root = vault(tmp_path)
    assert run(root, "new", "上海华联超市有限公司", "--today", TODAY)[1] == (
        "customers/shanghai-hualian-chaoshi.md: new customer shanghai-hualian-chaoshi\n")
    (root / "vault.yml").write_text(VAULT_YML + "keep_chinese_ids: true\n", encoding="utf-8")
    out = run(root, "new", "杭州绿叶茶庄", "--today", TODAY)[1]
    assert out == "customers/杭州绿叶茶庄.md: new customer 杭州绿叶茶庄\n"
    assert read(root, "customers/杭州绿叶茶庄.md").startswith(
        "---\nname: 杭州绿叶茶庄\ncreated: 2026-11-23\n")


def test_new_from_the_vaults_template(tmp_path: Path) -> None:
    root = vault(tmp_path)
    (root / "templates").mkdir()
    (root / "templates/customer.md").write_text(
        "---\nname: {name}\nowner: {owner}  # change if needed\nstatus: lead\ncreated: {today}\n---\n"
        "# {name}\n\nId {id}. Tags: {tags}.\n\n## {log_heading}\n", encoding="utf-8")
    assert run(root, "new", "Nordic Home AB", "--id", "nordic-oslo", "--tag", "x", "--today", TODAY)[0] == 0
    assert read(root, "customers/nordic-oslo.md") == (
        "---\nname: Nordic Home AB\nstatus: lead\ncreated: 2026-11-23\n---\n"
        "# Nordic Home AB\n\nId nordic-oslo. Tags: x.\n\n## Log\n")
    (root / "templates/customer.md").write_text("no front matter: {name}\n")
    code, _, err = run(root, "new", "Broken", "--today", TODAY)
    assert code == 1 and "[frontmatter-missing]" in err and "templates/customer.md" in err
    assert not (root / "customers/broken.md").exists()


def test_new_refuses_an_existing_id_in_any_folder_and_case(tmp_path: Path) -> None:
    root = vault(tmp_path, **{"export/Nordic-Home": "---\nname: Nordic\n---\n"})
    code, _, err = run(root, "new", "Nordic Home AB", "--today", TODAY)
    assert code == 1
    assert "a customer with the id 'nordic-home' already exists: customers/export/Nordic-Home.md" in err
    code, _, err = run(root, "new", "Anything", "--id", "ACME", "--today", TODAY)
    assert code == 1 and "customers/acme.md" in err
    assert read(root, "customers/acme.md") == ACME


def test_new_refuses_what_vault_yml_does_not_allow(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, _, err = run(root, "new", "Acme 2", "--status", "leed", "--today", TODAY)
    assert code == 1 and "did you mean 'lead'?" in err
    code, _, err = run(root, "new", "Acme 2", "--owner", "carol", "--today", TODAY)
    assert code == 1 and "[unknown-owner]" in err
    (root / "vault.yml").write_text(VAULT_YML + "required: [status]\n", encoding="utf-8")
    code, _, err = run(root, "new", "Acme 2", "--today", TODAY)
    assert code == 1 and "[missing-required]" in err
    code, _, err = run(root, "new", "Acme 2", "--id", ".hidden", "--today", TODAY)
    assert code == 1 and "cannot name a note" in err
    code, _, err = run(root, "new", "?!", "--today", TODAY)
    assert code == 1 and "give one with --id" in err
    assert not (root / "customers/acme-2.md").exists()


# --- every command: dry run, refusals, git --------------------------------------------------------

COMMANDS = [
    ["new", "Beta Ltd"],
    ["log", "acme", "call: hello"],
    ["done", "acme"],
    ["snooze", "acme", "3d"],
    ["set", "acme", "status", "active"],
]


@pytest.mark.parametrize("args", COMMANDS)
def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path, args: list[str]) -> None:
    root = vault(tmp_path)
    code, out, err = run(root, *args, "--dry-run", "--today", TODAY)
    assert code == 0 and err == "(dry run: nothing written)\n"
    assert out.startswith(("--- a/customers/acme.md\n+++ b/customers/acme.md\n@@",
                           "--- /dev/null\n+++ b/customers/beta.md\n@@"))
    assert read(root, "customers/acme.md") == ACME and not (root / "customers/beta.md").exists()


@pytest.mark.parametrize("args", COMMANDS[1:])
def test_an_unknown_id_says_what_was_meant(tmp_path: Path, args: list[str]) -> None:
    root = vault(tmp_path)
    code, _, err = run(root, args[0], "acm", *args[2:], "--today", TODAY)
    assert (code, err) == (1, "vault-tool: no customer with id 'acm'. Did you mean 'acme'?\n")


@pytest.mark.parametrize("args", COMMANDS[1:])
def test_a_note_with_conflict_markers_or_errors_is_left_alone(tmp_path: Path, args: list[str]) -> None:
    conflict = ACME.replace("owner: alice\n", "<<<<<<< HEAD\nowner: alice\n=======\nowner: bob\n>>>>>>> b\n")
    root = vault(tmp_path, acme=conflict)
    code, _, err = run(root, *args, "--today", TODAY)
    assert code == 1 and "customers/acme.md has unresolved merge-conflict markers" in err
    assert "[merge-conflict]" in err and read(root, "customers/acme.md") == conflict
    broken = ACME.replace("2026-11-25", "2026-11-31")
    (root / "customers/acme.md").write_text(broken)
    code, _, err = run(root, *args, "--today", TODAY)
    assert code == 1 and "customers/acme.md has errors; fix them first" in err and "[impossible-date]" in err
    assert read(root, "customers/acme.md") == broken


@pytest.mark.parametrize("args", COMMANDS[1:])
def test_a_note_changed_while_working_is_not_overwritten(tmp_path: Path, args: list[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault(tmp_path)
    path = root / "customers/acme.md"
    meanwhile = ACME + "- 2026-10-01 call: saved in an editor meanwhile\n"
    for name in ("add_log_entry", "set_or_remove"):
        original = getattr(cli_write, name)

        def racing(*a: object, _original: object = original) -> object:
            path.write_text(meanwhile)  # another program saves the note between read and write
            return _original(*a)  # type: ignore[operator]

        monkeypatch.setattr(cli_write, name, racing)
    code, _, err = run(root, *args, "--today", TODAY)
    assert code == 1 and "customers/acme.md changed on disk while vault-tool was working on it" in err
    assert read(root, "customers/acme.md") == meanwhile
    assert no_leftovers(root)


@pytest.mark.parametrize("args", COMMANDS)
def test_permissions_are_kept(tmp_path: Path, args: list[str]) -> None:
    root = vault(tmp_path)
    (root / "customers/acme.md").chmod(0o600)
    assert run(root, *args, "--today", TODAY)[0] == 0
    assert stat.S_IMODE((root / "customers/acme.md").stat().st_mode) == 0o600
    assert no_leftovers(root)


def test_no_vault_exits_2(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "log", "acme", "call: x")
    assert code == 2 and "is not a vault" in err


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, git.Repo]:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    root = vault(tmp_path)
    repository = git.Repo.init(root)
    with repository.config_writer() as config:
        config.set_value("user", "name", "王芳")
        config.set_value("user", "email", "wang.fang@example.cn")
        config.set_value("core", "quotepath", "false")
    repository.git.add("--", ".")
    repository.git.commit("-m", "start")
    return root, repository


@pytest.mark.parametrize(("args", "message", "rel"), [
    (["new", "Beta Ltd"], "new customer beta", "customers/beta.md"),
    (["log", "acme", "call: hello"], "acme: log +1 (call)", "customers/acme.md"),
    (["done", "acme"], "acme: done (Send the 2027 price list), next_follow_up 2026-11-25 → (removed), "
                       "follow_up Send the 2027 price list → (removed)", "customers/acme.md"),
    (["snooze", "上海华联", "3d"], "上海华联: next_follow_up (empty) → 2026-11-26",
     "customers/cn/上海华联.md"),
    (["set", "acme", "status", "active"], "acme: status prospect → active", "customers/acme.md"),
])
def test_commit_records_the_change_with_a_message(repo: tuple[Path, git.Repo], args: list[str],
                                                  message: str, rel: str) -> None:
    root, repository = repo
    code, out, _ = run(root, *args, "--commit", "--today", TODAY)
    head = repository.head.commit
    assert code == 0 and out.endswith(f" (committed {head.hexsha[:7]})\n")
    assert head.message.strip() == message and head.author.name == "王芳"
    assert list(head.stats.files) == [rel]
    assert repository.git.status("--porcelain") == ""


def test_commit_outside_a_repository_changes_nothing(tmp_path: Path) -> None:
    root = vault(tmp_path)
    code, _, err = run(root, "set", "acme", "status", "active", "--commit", "--today", TODAY)
    assert code == 1 and "is not in a git repository" in err
    assert read(root, "customers/acme.md") == ACME


# --- property test: every command on notes of any valid formatting ---------------------------------

VALUES = ["Acme Ltd", "NO", "0123", "it's", "上海华联超市", "send quote #2", "a: b", "Zürich"]


def written(value: str, style: int) -> str:
    if style == 0 and is_plain_safe(value):
        return value
    return single_quoted(value) if style == 1 else double_quoted(value)


@st.composite
def notes(draw: st.DrawFn) -> str:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    keys = {"name": draw(st.sampled_from(VALUES)), "status": draw(st.sampled_from(["lead", "active"])),
            "next_follow_up": "2026-11-30", "follow_up": draw(st.sampled_from(VALUES)),
            "region": draw(st.sampled_from(VALUES))}
    chosen = draw(st.lists(st.sampled_from(list(keys)[1:]), unique=True))
    lines = ["---"]
    for key in draw(st.permutations(["name", *chosen])):
        lines += draw(st.lists(st.sampled_from(["", "# note: keep"]), max_size=1))
        comment = draw(st.sampled_from(["", " # c"]))
        lines.append(f"{key}: {written(keys[key], draw(st.integers(0, 2)))}{comment}")
    lines.append("---")
    lines += draw(st.lists(st.sampled_from(["Notes.  ", "", "## Notes", "- item", "上海。"]), max_size=3))
    if draw(st.booleans()):
        entries = ["- 2026-11-02 call: b", "- 2026-10-01 email: a"]
        lines += ["## Log", "", *entries[:: draw(st.sampled_from([1, -1]))]]
    text = eol.join(lines) + (eol if draw(st.booleans()) else "")
    return (BOM if draw(st.booleans()) else "") + text


PROPERTY_COMMANDS = [  # the command, and the front matter keys it may change
    (["log", "x", "call: logged"], ()),
    (["done", "x"], ("next_follow_up", "follow_up")),
    (["snooze", "x", "1w"], ("next_follow_up",)),
    (["set", "x", "status", "dormant"], ("status",)),
    (["set", "x", "follow_up", "call Bob: price"], ("follow_up",)),
]
LOGGED = ("- 2026-11-23 call: logged", "- 2026-11-23 note: done: ")


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(notes(), st.sampled_from(PROPERTY_COMMANDS))
def test_each_command_changes_only_its_lines(text: str, command: tuple[list[str], tuple[str, ...]]) -> None:
    args, keys = command
    with tempfile.TemporaryDirectory() as folder:
        root = make_vault(Path(folder), {"customers/x.md": text})
        code, _, err = run(root, *args, "--today", TODAY)
        assert code == 0, err
        new = read(root, "customers/x.md")
        removed, added = changed_lines(text, new)
        assert all(line.startswith(tuple(f"{k}: " for k in keys)) for line in removed), removed
        allowed = ("## Log", *LOGGED, *(f"{k}: " for k in keys))
        assert all(line.strip() == "" or line.startswith(allowed) for line in added), added
        assert sum(line.startswith(LOGGED) for line in added) == (args[0] in ("log", "done"))
        assert new.startswith(BOM) == text.startswith(BOM)
        assert new.endswith(("\n", "\r")) == text.endswith(("\n", "\r"))
        check_loaded(root, args)


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """Removed and added lines, not counting a last line that only gained its newline."""
    last = split_lines(old)[1][-1]
    changed = diff(old, new)
    gained = [f"- {last.text}", f"+ {last.text}\n", f"+ {last.text}\r\n"] if not last.eol else []
    removed = [c[2:] for c in changed if c[0] == "-" and c not in gained]
    added = [c[2:] for c in changed if c[0] == "+" and c not in gained]
    return removed, added


def check_loaded(root: Path, args: list[str]) -> None:
    """The note still loads without errors and says what the command did."""
    loaded = load_vault(root, date(2026, 11, 23))
    assert loaded.error_count == 0
    customer = loaded.customers[0]
    if args[0] in ("log", "done"):
        assert [e.date.isoformat() for e in customer.log].count(TODAY) == 1
    if args[0] == "done":
        assert customer.next_follow_up is None and customer.follow_up is None
    if args[0] == "snooze":
        assert str(customer.next_follow_up) in ("2026-11-30", "2026-12-07")
    if args[:3] == ["set", "x", "status"]:
        assert customer.status == "dormant"
    if args[:3] == ["set", "x", "follow_up"]:
        assert customer.follow_up == "call Bob: price"
