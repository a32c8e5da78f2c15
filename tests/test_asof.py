"""Time travel on real repositories with scripted dates: by revision, by date, in a subfolder,
and the clear refusals; the working tree is never touched."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import ALICE, BOB, Repo, isolated_git

from vault_tool.asof import AsOfError, load_as_of
from vault_tool.cli import cli

pytestmark = pytest.mark.usefixtures("isolated_git")
__all__ = ["isolated_git"]

ACME = """---
name: Acme Ltd
status: prospect
owner: alice
next_follow_up: 2026-02-01
deals:
  - title: 2027 supply
    stage: proposal
    value: 100000
---
"""


def invoke(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def history(repo: Repo) -> dict[str, str]:
    """Three commits: Acme added in January, made active in March, renamed and joined in June."""
    hashes = {}
    repo.write("vault.yml", "currency: EUR\n").write("customers/acme.md", ACME)
    hashes["jan"] = repo.commit("Add Acme", ALICE, "2026-01-05T10:00:00+01:00")
    repo.write("customers/acme.md", ACME.replace("prospect", "active")
               .replace("2026-02-01", "2026-04-01").replace("proposal", "negotiation"))
    hashes["mar"] = repo.commit("Acme active", BOB, "2026-03-10T23:30:00+08:00")
    repo.move("customers/acme.md", "customers/acme-trading.md")
    repo.write("customers/beta.md", "---\nname: Beta\nstatus: lead\n---\n")
    hashes["jun"] = repo.commit("Rename, add Beta", ALICE, "2026-06-01T09:00:00+02:00")
    return hashes


def test_load_by_revision_and_date(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    hashes = history(repo)
    vault, revision, today = load_as_of(tmp_path, hashes["jan"], None)
    assert revision.commit == hashes["jan"] and today == date(2026, 1, 5)
    assert [c.id for c in vault.customers] == ["acme"]
    assert vault.customers[0].status == "prospect" and vault.settings.currency == "EUR"
    # A date: the last commit on or before it, by the committer's own day (23:30 +08:00).
    vault, revision, today = load_as_of(tmp_path, "2026-03-10", None)
    assert revision.commit == hashes["mar"] and today == date(2026, 3, 10)
    assert vault.customers[0].status == "active"
    vault, revision, _ = load_as_of(tmp_path, "2026-03-09", date(2026, 12, 1))
    assert revision.commit == hashes["jan"]
    vault, _, today = load_as_of(tmp_path, "HEAD~1", date(2026, 12, 1))
    assert today == date(2026, 12, 1)  # an explicit today wins
    vault, _, _ = load_as_of(tmp_path, "main", None)
    assert [c.id for c in vault.customers] == ["acme-trading", "beta"]


def test_working_tree_is_untouched(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    hashes = history(repo)
    (tmp_path / "customers" / "beta.md").write_text("---\nname: Beta edited\n---\n", encoding="utf-8")
    before = repo.git("status", "--porcelain")
    vault, _, _ = load_as_of(tmp_path, hashes["jun"], None)
    assert vault.customer("beta") is not None and vault.customer("beta").name == "Beta"  # type: ignore[union-attr]
    assert repo.git("status", "--porcelain") == before
    assert "Beta edited" in (tmp_path / "customers" / "beta.md").read_text(encoding="utf-8")


def test_subfolder_vault(tmp_path: Path) -> None:
    repo = Repo(tmp_path, "crm/vault")
    hashes = history(repo)
    repo.write("other/customers/x.md", "---\nname: Not ours\n---\n")
    repo.commit("Another folder", ALICE, "2026-07-01T09:00:00+02:00")
    vault, _, _ = load_as_of(repo.vault, "HEAD", None)
    assert [c.id for c in vault.customers] == ["acme-trading", "beta"]
    vault, _, _ = load_as_of(repo.vault, hashes["jan"], None)
    assert [c.path for c in vault.customers] == ["customers/acme.md"]


def test_refusals(tmp_path: Path) -> None:
    (tmp_path / "customers").mkdir()
    with pytest.raises(AsOfError, match="not in a git repository"):
        load_as_of(tmp_path, "HEAD", None)
    Repo(tmp_path)
    with pytest.raises(AsOfError, match="no commits yet"):
        load_as_of(tmp_path, "HEAD", None)


def test_cli_show_due_build(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    hashes = history(repo)
    root = repo.vault
    code, out, err = invoke(root, "show", "acme", "--as-of", "2026-01-31", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["fields"]["status"] == "prospect"
    assert f"as of {hashes['jan'][:7]}" in err
    code, _, err = invoke(root, "show", "acme", "--as-of", "HEAD")  # renamed by then
    assert code == 1 and "no customer with id 'acme'" in err
    code, out, _ = invoke(root, "due", "--as-of", hashes["jan"], "--format", "json",
                          "--within", "4w")
    assert code == 0 and [d["id"] for d in json.loads(out)] == ["acme"]
    assert json.loads(out)[0]["due"] == "2026-02-01"
    code, _, err = invoke(root, "build", "--as-of", hashes["mar"], "-o", str(tmp_path / "site"))
    assert code == 0, err
    page = (tmp_path / "site" / "customers" / "acme.html").read_text(encoding="utf-8")
    assert "negotiation" in page.lower()
    assert not (tmp_path / "site" / "customers" / "beta.html").exists()
    assert "2026-03-10" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_cli_errors(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    history(repo)
    for rev, words in (("no-such-branch", "unknown revision 'no-such-branch'"),
                       ("2025-12-31", "no commit on or before 2025-12-31"),
                       ("2026-02-30", "not a date"),
                       (f"--output={tmp_path / 'written'}", "unknown revision '--output=")):
        code, out, err = invoke(repo.vault, "build", "--as-of", rev, "-o", str(tmp_path / "out"))
        assert code == 1 and words in err and out == ""
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob("written*"))
    plain = tmp_path / "plain"
    (plain / "customers").mkdir(parents=True)
    code, _, err = invoke(plain, "due", "--as-of", "HEAD")
    assert code == 1 and "not in a git repository" in err


def test_one_customer_only(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    hashes = history(repo)
    full, _, _ = load_as_of(tmp_path, hashes["jun"], None)
    one, _, _ = load_as_of(tmp_path, hashes["jun"], None, only_id="beta")
    assert [c.id for c in one.customers] == ["beta"] and one.customer("beta") == full.customer("beta")
    # No note has the id: everything is read, for the "did you mean".
    none, _, _ = load_as_of(tmp_path, hashes["jun"], None, only_id="acme")
    assert [c.id for c in none.customers] == ["acme-trading", "beta"]
    repo.write("customers/sub/BETA.md", "---\nname: Beta again\n---\n")
    repo.commit("Duplicate id", ALICE, "2026-07-01T09:00:00+02:00")
    dup, _, _ = load_as_of(tmp_path, "HEAD", None, only_id="BETA")  # the duplicate is refused
    assert dup.customer("BETA") is None and any(p.code == "duplicate-id" for p in dup.problems)
