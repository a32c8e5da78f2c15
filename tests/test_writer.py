"""The write edge: refusals before anything is written, atomic writes, hashes, permissions, git."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import git
import pytest
from conftest import make_vault

from vault_tool import writer
from vault_tool.model import Settings

TODAY = date(2026, 11, 23)
NOTE = "---\nname: Acme\nstatus: lead\n---\n## Log\n- 2026-11-02 call: hello\n"


def vault(tmp_path: Path, **notes: str) -> Path:
    files: dict[str, str | bytes] = {"vault.yml": "owners: [alice]\n", "customers/acme.md": NOTE}
    files.update({f"customers/{k}.md": v for k, v in notes.items()})
    return make_vault(tmp_path / "v", files)


def change(root: Path, text: str, rel: str = "customers/acme.md") -> writer.Change:
    before = writer.read_note(root, rel, Settings(), TODAY)
    return writer.Change(rel, before.path, before, text.encode(), "status lead → active")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_locate_finds_a_note_in_any_folder(tmp_path: Path) -> None:
    root = vault(tmp_path, **{"cn/上海华联": "---\nname: 上海华联\n---\n",
                              "z\u00fcrich": "---\nname: Z\n---\n"})
    assert writer.locate(root, "acme") == "customers/acme.md"
    assert writer.locate(root, "上海华联") == "customers/cn/上海华联.md"
    assert writer.locate(root, "zu\u0308rich") == "customers/z\u00fcrich.md"  # typed in NFD


@pytest.mark.parametrize(("wanted", "suggestion"), [("acm", "acme"), ("ACME", "acme"), ("zzz", None)])
def test_an_unknown_id_says_what_was_meant(tmp_path: Path, wanted: str, suggestion: str | None) -> None:
    with pytest.raises(writer.UnknownCustomer) as caught:
        writer.locate(vault(tmp_path), wanted)
    assert caught.value.suggestion == suggestion


def test_a_prefix_suggests_the_one_id_it_starts() -> None:
    assert writer.suggest_id("acme", ["acme-trading", "shanghai-hualian"]) == "acme-trading"
    assert writer.suggest_id("zz", ["zzab-c", "zzcd-e"]) is None


def test_ids_that_differ_only_in_case_are_refused(tmp_path: Path) -> None:
    root = vault(tmp_path, **{"export/Acme": NOTE})
    with pytest.raises(writer.WriteRefused, match="2 files have the id"):
        writer.locate(root, "acme")
    assert writer.existing_id(root, "ACME") == "customers/acme.md"
    assert writer.existing_id(root, "other") is None


def test_a_note_with_conflict_markers_is_refused(tmp_path: Path) -> None:
    conflict = "---\nname: B\n<<<<<<< HEAD\nstatus: lead\n=======\nstatus: active\n>>>>>>> x\n---\n"
    root = vault(tmp_path, b=conflict)
    with pytest.raises(writer.WriteRefused, match="merge-conflict markers") as caught:
        writer.read_note(root, "customers/b.md", Settings(), TODAY)
    assert [p.code for p in caught.value.problems] == ["merge-conflict"]


def test_a_note_with_errors_is_refused_with_its_problems(tmp_path: Path) -> None:
    root = vault(tmp_path, b="---\nname: B\nstatus: activ\n---\n")
    with pytest.raises(writer.WriteRefused, match="has errors") as caught:
        writer.read_note(root, "customers/b.md", Settings(), TODAY)
    assert [(p.line, p.code) for p in caught.value.problems] == [(3, "unknown-status")]


def test_a_note_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"customers/b.md": "---\nname: 上海\n---\n".encode("gb18030")})
    with pytest.raises(writer.WriteRefused):
        writer.read_note(root, "customers/b.md", Settings(), TODAY)


def test_a_change_is_written_atomically_keeping_permissions(tmp_path: Path) -> None:
    root = vault(tmp_path)
    path = root / "customers/acme.md"
    path.chmod(0o640)
    writer.save(change(root, NOTE.replace("lead", "active")))
    assert path.read_text() == NOTE.replace("lead", "active")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(path.parent) == []


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    root = vault(tmp_path)
    path = root / "customers/acme.md"
    planned = change(root, NOTE.replace("lead", "active"))
    path.write_text(NOTE + "- 2026-11-20 call: typed in an editor meanwhile\n")
    with pytest.raises(writer.WriteRefused, match="changed on disk"):
        writer.save(planned)
    assert path.read_text().endswith("meanwhile\n")
    assert leftovers(path.parent) == []


def test_a_file_deleted_since_it_was_read_is_not_recreated(tmp_path: Path) -> None:
    root = vault(tmp_path)
    planned = change(root, NOTE.replace("lead", "active"))
    (root / "customers/acme.md").unlink()
    with pytest.raises(writer.WriteRefused, match="changed on disk"):
        writer.save(planned)
    assert not (root / "customers/acme.md").exists()


def test_a_symbolic_link_is_written_through(tmp_path: Path) -> None:
    root = vault(tmp_path)
    real = tmp_path / "elsewhere.md"
    real.write_text(NOTE)
    (root / "customers/linked.md").symlink_to(real)
    writer.save(change(root, NOTE.replace("lead", "active"), "customers/linked.md"))
    assert (root / "customers/linked.md").is_symlink()
    assert real.read_text() == NOTE.replace("lead", "active")


def test_a_new_file_never_replaces_an_existing_one(tmp_path: Path) -> None:
    root = vault(tmp_path)
    rel, target = writer.new_note_path(root, "acme")
    with pytest.raises(writer.WriteRefused, match="already exists"):
        writer.save(writer.Change(rel, target, None, b"---\nname: New\n---\n", "new customer acme"))
    assert target.read_text() == NOTE
    assert leftovers(target.parent) == []
    rel, target = writer.new_note_path(root, "beta")
    old = os.umask(0o027)
    try:
        writer.save(writer.Change(rel, target, None, b"---\nname: Beta\n---\n", "new customer beta"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(target.parent) == []


def test_refuse_errors_in_a_result(tmp_path: Path) -> None:
    with pytest.raises(writer.WriteRefused, match="would leave errors") as caught:
        writer.refuse_errors("customers/a.md", b"---\nname: A\nstatus: x\n---\n", Settings(), TODAY,
                             "the change would leave errors")
    with pytest.raises(writer.WriteRefused, match="has errors; fix them first"):
        writer.refuse_errors("customers/a.md", b"---\nname: A\nstatus: x\n---\n", Settings(), TODAY)
    assert [p.code for p in caught.value.problems] == ["unknown-status"]
    writer.refuse_errors("customers/a.md", b"---\nname: A\nstatus: lead\n---\n", Settings(), TODAY)


def test_diff_is_unified_and_marks_a_missing_final_newline(tmp_path: Path) -> None:
    root = vault(tmp_path, b="---\nname: B\n---\nno newline")
    before = writer.read_note(root, "customers/b.md", Settings(), TODAY)
    planned = writer.Change("customers/b.md", before.path, before,
                            b"---\nname: B\n---\nno newline\n- added", "x")
    assert writer.diff(planned) == (
        "--- a/customers/b.md\n+++ b/customers/b.md\n@@ -1,4 +1,5 @@\n ---\n name: B\n ---\n"
        "-no newline\n\\ No newline at end of file\n+no newline\n+- added\n\\ No newline at end of file\n")
    new = writer.Change("customers/c.md", root / "customers/c.md", None, b"---\nname: C\n---\n", "x")
    assert writer.diff(new).startswith("--- /dev/null\n+++ b/customers/c.md\n@@ -0,0 +1,3 @@\n+---\n")


def test_read_settings_of_a_vault(tmp_path: Path) -> None:
    assert writer.read_settings(vault(tmp_path)).owners == ("alice",)
    assert writer.read_settings(make_vault(tmp_path / "w", {"vault.yml": "owners: [\n"})).owners == ()


# --- git ---------------------------------------------------------------------------------------

def repo_at(root: Path, identity: bool = True) -> git.Repo:
    repo = git.Repo.init(root)
    with repo.config_writer() as config:
        config.set_value("user", "useConfigOnly", "true")  # never guess a name from the host
        if identity:
            config.set_value("user", "name", "Alice Smith")
            config.set_value("user", "email", "alice@example.com")
    return repo


@pytest.fixture
def no_global_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the test repository's own git configuration counts."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
                 "EMAIL"):
        monkeypatch.delenv(name, raising=False)


def committed(root: Path) -> git.Repo:
    repo = repo_at(root)
    repo.git.add("--", ".")
    repo.git.commit("-m", "start")
    return repo


@pytest.mark.usefixtures("no_global_git")
def test_commit_records_exactly_that_file(tmp_path: Path) -> None:
    root = vault(tmp_path, b="---\nname: B\n---\n")
    repo = committed(root)
    (root / "customers/b.md").write_text("---\nname: B2\n---\n")
    repo.git.add("--", "customers/b.md")  # someone else's staged work stays staged
    planned = change(root, NOTE.replace("lead", "active"))
    target = writer.prepare_commit(root, planned.target, planned.rel, False)
    writer.save(planned)
    short = writer.commit(target, "acme: status lead → active")
    head = repo.head.commit
    assert head.hexsha.startswith(short) and head.message.strip() == "acme: status lead → active"
    assert list(head.stats.files) == ["customers/acme.md"]
    assert head.author.name == "Alice Smith"
    assert repo.git.status("--porcelain") == "M  customers/b.md"


@pytest.mark.usefixtures("no_global_git")
def test_commit_of_a_new_file_in_a_repository_without_commits(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"vault.yml": ""})
    repo = repo_at(root)
    rel, target = writer.new_note_path(root, "acme")
    ready = writer.prepare_commit(root, target, rel, True)
    writer.save(writer.Change(rel, target, None, NOTE.encode(), "new customer acme"))
    writer.commit(ready, "new customer acme")
    assert list(repo.head.commit.stats.files) == ["customers/acme.md"]
    assert repo.git.status("--porcelain") == "?? vault.yml"


@pytest.mark.usefixtures("no_global_git")
def test_a_vault_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    root = vault(tmp_path / "repo" / "crm")
    repo = committed(tmp_path / "repo")
    planned = change(root, NOTE.replace("lead", "active"))
    ready = writer.prepare_commit(root, planned.target, planned.rel, False)
    assert ready.path == "crm/v/customers/acme.md"
    writer.save(planned)
    writer.commit(ready, "acme: status lead → active")
    assert list(repo.head.commit.stats.files) == ["crm/v/customers/acme.md"]


@pytest.mark.usefixtures("no_global_git")
def test_commit_is_refused_before_writing_when_git_cannot_do_it(tmp_path: Path) -> None:
    root = vault(tmp_path)
    target = root / "customers/acme.md"
    with pytest.raises(writer.WriteRefused, match="not in a git repository"):
        writer.prepare_commit(root, target, "customers/acme.md", False)
    repo = committed(root)
    target.write_text(NOTE + "- 2026-11-20 call: not committed\n")
    with pytest.raises(writer.WriteRefused, match="not committed yet"):
        writer.prepare_commit(root, target, "customers/acme.md", False)
    repo.git.checkout("--", "customers/acme.md")
    (Path(repo.git_dir) / "MERGE_HEAD").write_text(repo.head.commit.hexsha)
    with pytest.raises(writer.WriteRefused, match="merge, rebase or cherry-pick"):
        writer.prepare_commit(root, target, "customers/acme.md", False)
    (Path(repo.git_dir) / "MERGE_HEAD").unlink()
    (root / ".gitignore").write_text("customers/new.md\n")
    with pytest.raises(writer.WriteRefused, match="git ignores"):
        writer.prepare_commit(root, root / "customers/new.md", "customers/new.md", True)
    writer.prepare_commit(root, target, "customers/acme.md", False)


@pytest.mark.usefixtures("no_global_git")
def test_commit_is_refused_when_git_does_not_know_who_you_are(tmp_path: Path) -> None:
    root = vault(tmp_path)
    repo_at(root, identity=False)
    with pytest.raises(writer.WriteRefused, match="git does not know who you are"):
        writer.prepare_commit(root, root / "customers/acme.md", "customers/acme.md", True)


@pytest.mark.usefixtures("no_global_git")
def test_a_hook_that_refuses_leaves_the_file_written_and_says_so(tmp_path: Path) -> None:
    root = vault(tmp_path)
    repo = committed(root)
    hook = Path(repo.git_dir) / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'no commits today' >&2\nexit 1\n")
    hook.chmod(0o755)
    planned = change(root, NOTE.replace("lead", "active"))
    ready = writer.prepare_commit(root, planned.target, planned.rel, False)
    writer.save(planned)
    with pytest.raises(writer.WriteRefused, match="was written, but git could not commit it"):
        writer.commit(ready, "acme: status lead → active")
    assert "active" in (root / "customers/acme.md").read_text()
