"""The git adapter, on real repositories built in tmp_path with scripted authors and dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from gitrepo import ALICE, BOB, WANG, Repo, isolated_git, run_git

from vault_tool import workers
from vault_tool.asof import load_at, resolve
from vault_tool.changes import Change
from vault_tool.history import (
    Commit,
    FileEvent,
    customer_history,
    lineage,
    note_timeline,
    parse_log,
    read_log,
    read_objects,
    repo_state,
    vault_history,
)

pytestmark = pytest.mark.usefixtures("isolated_git")
__all__ = ["isolated_git"]

TODAY = date(2026, 11, 23)

ACME = """---
name: Acme Ltd
status: prospect
owner: alice
tags: [retail]
deals:
  - title: 2027 supply
    stage: proposal
    value: 100000
---
Acme runs 23 shops.

## Log
- 2026-01-05 call: first call
"""

GONE = """---
name: Gone Corp
status: lead
---
"""


def scripted(repo: Repo) -> dict[str, str]:
    """Five commits by three people; the hashes by name."""
    hashes = {}
    repo.write("customers/acme.md", ACME).write("customers/gone.md", GONE)
    hashes["create"] = repo.commit("Add Acme and Gone", ALICE, "2026-01-05T10:00:00+01:00")
    repo.write("customers/acme.md", ACME.replace("status: prospect", "status: active")
               .replace("owner: alice", "owner: bob"))
    hashes["active"] = repo.commit("Acme signed; Bob takes over", BOB, "2026-02-10T09:30:00+01:00")
    text = (ACME.replace("status: prospect", "status: active").replace("owner: alice", "owner: bob")
            .replace("stage: proposal", "stage: negotiation").replace("[retail]", "[retail, vip]")
            + "- 2026-03-01 visit: saw the new shop\n- 2026-03-02 email: sent the price list\n")
    repo.write("customers/acme.md", text)
    hashes["negotiation"] = repo.commit("Acme: negotiating", ALICE, "2026-03-02T16:45:00+01:00")
    repo.move("customers/acme.md", "customers/export/acme-trading.md")
    repo.write("customers/export/acme-trading.md", text.replace("owner: bob", "owner: bob\n"
                                                                "next_follow_up: 2026-04-15"))
    hashes["rename"] = repo.commit("Acme is now Acme Trading, export team", WANG, "2026-04-01T08:00:00+08:00")
    repo.remove("customers/gone.md")
    hashes["delete"] = repo.commit("Gone went out of business", BOB, "2026-05-01T12:00:00+02:00")
    return hashes


def test_field_level_history_through_several_commits_and_a_rename(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    hashes = scripted(repo)
    result = customer_history(tmp_path, "acme-trading", TODAY)
    assert result.state.state == "ok" and result.path == "customers/export/acme-trading.md"
    assert [e.commit for e in result.entries] == [hashes[k] for k in ("rename", "negotiation", "active",
                                                                      "create")]
    rename, negotiation, active, create = result.entries
    assert (rename.author, rename.email, rename.date) == ("王芳", "wang.fang@example.cn",
                                                          "2026-04-01T08:00:00+08:00")
    assert rename.changes == (
        Change("file", "customers/acme.md", "customers/export/acme-trading.md", "renamed"),
        Change("next_follow_up", None, "2026-04-15"),
    )
    assert negotiation.changes == (
        Change("tags", None, "vip", "added"),
        Change("deals.stage", "proposal", "negotiation", item="2027 supply"),
        Change("log", None, {"date": "2026-03-01", "channel": "visit", "text": "saw the new shop"}, "added"),
        Change("log", None, {"date": "2026-03-02", "channel": "email", "text": "sent the price list"},
               "added"),
    )
    assert active.changes == (Change("status", "prospect", "active"), Change("owner", "alice", "bob"))
    assert active.message == "Acme signed; Bob takes over" and active.path == "customers/acme.md"
    assert create.changes[:4] == (
        Change("file", None, "customers/acme.md", "added"),
        Change("name", None, "Acme Ltd"),
        Change("status", None, "prospect"),
        Change("owner", None, "alice"),
    )
    assert not any(e.uncommitted or e.boundary for e in result.entries)


def test_a_deleted_customer_still_has_its_history(tmp_path: Path) -> None:
    hashes = scripted(Repo(tmp_path))
    result = customer_history(tmp_path, "gone", TODAY)
    assert result.path == "customers/gone.md"
    assert [(e.commit, e.changes[0]) for e in result.entries] == [
        (hashes["delete"], Change("file", "customers/gone.md", None, "removed")),
        (hashes["create"], Change("file", None, "customers/gone.md", "added")),
    ]


def test_the_old_name_of_a_renamed_customer_shows_where_it_went(tmp_path: Path) -> None:
    scripted(Repo(tmp_path))
    result = customer_history(tmp_path, "acme", TODAY)
    assert result.entries[0].changes[0].kind == "renamed"
    assert len(result.entries) == 4


def test_an_unknown_customer(tmp_path: Path) -> None:
    scripted(Repo(tmp_path))
    result = customer_history(tmp_path, "acme-tradin", TODAY)
    assert not result.found and "acme-trading" in result.known_ids


def test_the_vault_as_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path, "sales/crm")
    (tmp_path / "README.md").write_text("other things\n", encoding="utf-8")
    scripted(repo)
    state = repo_state(repo.vault)
    assert (state.top, state.prefix) == (str(tmp_path), "sales/crm/")
    result = customer_history(repo.vault, "acme-trading", TODAY)
    assert [e.path for e in result.entries] == ["customers/export/acme-trading.md"] + [
        "customers/acme.md"] * 3
    assert result.entries[2].changes == (Change("status", "prospect", "active"),
                                         Change("owner", "alice", "bob"))


def test_settings_are_those_of_each_commit(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.write("vault.yml", "statuses: [neu, aktiv]\n")
    repo.write("customers/acme.md", ACME.replace("prospect", "neu"))
    repo.commit("German statuses")
    repo.write("customers/acme.md", ACME.replace("prospect", "aktiv"))
    repo.commit("aktiv", when="2026-02-01T10:00:00+01:00")
    repo.write("vault.yml", "")
    repo.write("customers/acme.md", ACME.replace("prospect", "active"))
    repo.commit("Back to the default statuses", when="2026-03-01T10:00:00+01:00")
    changes = [e.changes for e in customer_history(tmp_path, "acme", TODAY).entries]
    assert changes[1] == (Change("status", "neu", "aktiv"),)
    # Each side is read with its own commit's settings: `aktiv` was a status before this commit.
    assert changes[0] == (Change("status", "aktiv", "active"),)


def test_uncommitted_edits_are_flagged(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    scripted(repo)
    note = repo.vault / "customers/export/acme-trading.md"
    note.write_text(note.read_text(encoding="utf-8").replace("status: active", "status: dormant"),
                    encoding="utf-8")
    repo.write("customers/new.md", "---\nname: New\n---\n")
    first = customer_history(tmp_path, "acme-trading", TODAY).entries[0]
    assert first.uncommitted and first.commit is None and first.date is None
    assert first.changes == (Change("status", "active", "dormant"),)
    new = customer_history(tmp_path, "new", TODAY).entries
    assert len(new) == 1 and new[0].uncommitted
    assert new[0].changes[0] == Change("file", None, "customers/new.md", "added")


def test_crlf_in_the_working_tree_is_not_an_edit(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.write("customers/acme.md", ACME)
    repo.commit("Acme")
    (repo.vault / "customers/acme.md").write_bytes(ACME.replace("\n", "\r\n").encode())
    assert not customer_history(tmp_path, "acme", TODAY).entries[0].uncommitted


def test_uncommitted_deletion(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    scripted(repo)
    (repo.vault / "customers/export/acme-trading.md").unlink()
    first = customer_history(tmp_path, "acme-trading", TODAY).entries[0]
    assert first.uncommitted and first.changes == (
        Change("file", "customers/export/acme-trading.md", None, "removed"),)


def test_no_repository(tmp_path: Path) -> None:
    (tmp_path / "customers").mkdir()
    assert repo_state(tmp_path).state == "no-repo"
    result = customer_history(tmp_path, "acme", TODAY)
    assert result.state.state == "no-repo" and result.entries == ()


def test_no_commits_yet(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.write("customers/acme.md", ACME)
    state = repo_state(tmp_path)
    assert state.state == "no-commits" and state.top == str(tmp_path)


def test_shallow_clone_says_how_far_history_goes(tmp_path: Path) -> None:
    scripted(Repo(tmp_path / "origin"))
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path / 'origin'}", "clone")
    state = repo_state(tmp_path / "clone")
    assert state.available and len(state.shallow) == 1
    assert state.shallow_since == "2026-05-01T12:00:00+02:00"
    entries = customer_history(tmp_path / "clone", "acme-trading", TODAY).entries
    assert len(entries) == 1 and entries[0].boundary
    assert entries[0].changes[0] == Change("file", None, "customers/export/acme-trading.md", "added")


def test_detached_head_shows_history_up_to_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    hashes = scripted(repo)
    repo.git("checkout", "-q", "--detach", hashes["active"])
    state = repo_state(tmp_path)
    assert state.detached and state.head == hashes["active"]
    result = customer_history(tmp_path, "acme", TODAY)
    assert [e.commit for e in result.entries] == [hashes["active"], hashes["create"]]


def test_one_log_pass_reads_every_note(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    hashes = scripted(repo)
    commits = read_log(repo_state(tmp_path))
    assert [c.hash for c in commits] == [hashes[k] for k in ("delete", "rename", "negotiation",
                                                             "active", "create")]
    assert [e.status for e in commits[4].events] == ["A", "A"]
    assert commits[1].events[0].status == "R"
    assert commits[1].short == hashes["rename"][:commits[1].short.__len__()]


def test_merge_commits_show_their_own_resolution(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.write("customers/acme.md", ACME)
    repo.commit("Acme")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("customers/acme.md", ACME.replace("owner: alice", "owner: bob"))
    repo.commit("Bob", BOB, "2026-02-01T10:00:00+01:00")
    repo.git("checkout", "-q", "main")
    repo.write("customers/acme.md", ACME.replace("owner: alice", "owner: carol"))
    repo.commit("Carol", ALICE, "2026-02-02T10:00:00+01:00")
    run_git(tmp_path, "merge", "-q", "side", check=False)
    repo.write("customers/acme.md", ACME.replace("owner: alice", "owner: dan"))
    merge = repo.commit("Merge: Dan", ALICE, "2026-02-03T10:00:00+01:00")
    entries = customer_history(tmp_path, "acme", TODAY).entries
    assert entries[0].commit == merge
    assert entries[0].changes == (Change("owner", "carol", "dan"),)
    assert {e.message for e in entries} == {"Merge: Dan", "Carol", "Bob", "Acme"}


def test_parse_log_and_lineage_without_git() -> None:
    blob_a, blob_b = "a" * 40, "b" * 40
    text = ("\x1e" + "2" * 40 + "\x00" + "1" * 40 + "\x00Bob\x00b@x\x002026-02-01T00:00:00+00:00\x00"
            "2026-02-01T00:00:00+00:00\x00Move it\n\x00\n"
            f":100644 100644 {blob_a} {blob_b} R090\x00crm/customers/a.md\x00crm/customers/b/c.md\x00"
            f":100644 100644 {blob_a} {blob_b} M\x00crm/customers/notes.txt\x00"
            "\x1e" + "1" * 40 + "\x00\x00Ann\x00a@x\x002026-01-01T00:00:00+00:00\x00"
            "2026-01-01T00:00:00+00:00\x00First\n\x00\n"
            f":000000 100644 {'0' * 40} {blob_a} A\x00crm/customers/a.md\x00")
    commits = parse_log(text, "crm/")
    assert commits[0] == Commit("2" * 40, "2222222", ("1" * 40,), "Bob", "b@x", "2026-02-01T00:00:00+00:00",
                                "2026-02-01T00:00:00+00:00", "Move it",
                                (FileEvent("R", "customers/a.md", "customers/b/c.md", blob_a, blob_b),))
    assert commits[1].events == (FileEvent("A", None, "customers/a.md", None, blob_a),)
    assert [c.hash[0] for c, _ in lineage(commits, "customers/b/c.md")] == ["2", "1"]


def test_read_objects_in_bulk(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.write("customers/acme.md", ACME).write("vault.yml", "name: X\n")
    repo.commit("one")
    found = read_objects(str(tmp_path), ["HEAD:customers/acme.md", "HEAD:vault.yml", "HEAD:missing.md"])
    assert found["HEAD:customers/acme.md"][1] == ACME.encode()
    assert found["HEAD:vault.yml"][1] == b"name: X\n"
    assert "HEAD:missing.md" not in found
    assert read_objects(str(tmp_path), []) == {}


def test_a_history_read_on_every_core_equals_one_read_here(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A first reading of a long history parses thousands of versions in worker processes."""
    if not workers.worth_forking(1, 1):
        pytest.skip("this machine cannot fork worker processes (one core, or not Linux)")
    repo = Repo(tmp_path)
    scripted(repo)
    for number in range(6):  # more versions, some with a broken note, some in another vault.yml
        repo.write(f"customers/c{number}.md", ACME.replace("Acme Ltd", f"C{number}")
                   + ("- 2026-13-01 call: no such month\n" if number % 2 else ""))
        if number == 3:
            repo.write("vault.yml", "stages:\n  - proposal: 0.3\n  - won: 1\n  - lost: 0\n")
        repo.commit(f"c{number}", ALICE, f"2026-06-0{number + 1}T10:00:00+01:00")
    for number in (3, 4):
        repo.write(f"customers/c{number}.md", ACME.replace("Acme Ltd", f"C{number}").replace(
            "proposal", "won") + "- 2026-06-09 visit: signed\n")
    repo.commit("c3 and c4 signed", BOB, "2026-06-09T10:00:00+01:00")
    state = repo_state(tmp_path)

    def read() -> tuple[object, ...]:
        return (vault_history(tmp_path), note_timeline(state),
                load_at(state, resolve(state, "HEAD~3"), TODAY))

    monkeypatch.setattr(workers, "MIN_PARALLEL", 10**9)
    here = read()
    monkeypatch.setattr(workers, "MIN_PARALLEL", 1)
    assert read() == here
    # And the same as one customer's history, read without reading ahead.
    entries = here[0].entries  # type: ignore[attr-defined]
    for path in ("customers/export/acme-trading.md", "customers/c3.md", "customers/c4.md"):
        alone = customer_history(tmp_path, Path(path).stem, TODAY).entries
        assert len(alone) >= 2 and entries[path][:-1] == alone[:-1]  # but the file's creation
    assert [v.deals for v in here[1] if v.new_path == "customers/c4.md"] == [  # type: ignore[attr-defined]
        (("2027 supply", "proposal"),), (("2027 supply", "won"),)]
