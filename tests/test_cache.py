"""The per-note cache, the page memo, the skipped build and the worker processes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, make_vault

import vault_tool.vault as vault_module
from vault_tool import cache as cache_module
from vault_tool import workers
from vault_tool.build import SiteMemo, build_site
from vault_tool.cache import CACHE_DIR, NoteCache, read_pickle, write_pickle
from vault_tool.cli import cli
from vault_tool.render import Renderer
from vault_tool.vault import load_vault


def note(name: str, extra: str = "") -> str:
    return f"---\nname: {name}\nstatus: active\n{extra}---\n\n## Log\n- 2026-11-01 call: hello\n"


def age(root: Path, seconds: float = 60) -> None:
    """Date every note back, so their stamps are past the racy window."""
    past = time.time() - seconds
    for path in (root / "customers").rglob("*.md"):
        os.utime(path, (past, past))


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the notes actually parsed and validated."""
    seen: list[str] = []
    real = vault_module.note_result

    def counting(rel: str, *args: object) -> object:
        seen.append(rel)
        return real(rel, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(vault_module, "note_result", counting)
    return seen


def three(tmp_path: Path) -> Path:
    root = make_vault(tmp_path / "vault", {f"customers/{n}.md": note(n.title()) for n in
                                           ("acme", "bolt", "cask")})
    age(root)
    return root


def test_a_cached_load_reads_only_changed_notes_and_equals_a_plain_load(
        tmp_path: Path, counted: list[str]) -> None:
    root = three(tmp_path)
    notes = NoteCache(None)
    first = load_vault(root, TODAY, notes)
    assert sorted(counted) == ["customers/acme.md", "customers/bolt.md", "customers/cask.md"]
    counted.clear()
    assert load_vault(root, TODAY, notes) == first and counted == []
    (root / "customers/bolt.md").write_text(note("Bolt Ltd"), encoding="utf-8")
    (root / "customers/cask.md").unlink()
    (root / "customers/dune.md").write_text(note("Dune"), encoding="utf-8")
    again = load_vault(root, TODAY, notes)
    assert sorted(counted) == ["customers/bolt.md", "customers/dune.md"]
    assert again == load_vault(root, TODAY)
    assert [c.name for c in again.customers] == ["Acme", "Bolt Ltd", "Dune"]


def test_another_vault_yml_starts_afresh(tmp_path: Path, counted: list[str]) -> None:
    root = three(tmp_path)
    notes = NoteCache(None)
    load_vault(root, TODAY, notes)
    counted.clear()
    (root / "vault.yml").write_text("locale: zh\n", encoding="utf-8")
    load_vault(root, TODAY, notes)
    assert len(counted) == 3


def test_the_cache_outlives_midnight_and_dates_the_log_for_the_new_day(
        tmp_path: Path, counted: list[str]) -> None:
    """No note is read again on another day, and the warnings about log entries in the
    future are those of that day, exactly as a load without the cache gives them."""
    root = three(tmp_path)
    (root / "customers/acme.md").write_text(
        note("Acme") + "- 2026-11-24 visit: planned\n- 2026-11-26 call: later\n",
        encoding="utf-8")
    age(root)
    notes = NoteCache(None)
    days = [TODAY, TODAY.replace(day=24), TODAY.replace(day=25), TODAY.replace(day=27), TODAY]
    load_vault(root, days[0], notes)
    counted.clear()
    future = []
    for day in days:
        cached = load_vault(root, day, notes)
        assert cached == load_vault(root, day), day
        future.append([(p.line, p.column) for p in cached.problems if p.code == "future-log-date"])
    assert sorted(set(counted)) == ["customers/acme.md", "customers/bolt.md",
                                    "customers/cask.md"]  # only the loads without the cache
    assert len(counted) == 3 * len(days)
    assert future == [[(8, 3), (9, 3)], [(9, 3)], [(9, 3)], [], [(8, 3), (9, 3)]]


def test_a_racy_note_is_checked_by_content(tmp_path: Path, counted: list[str]) -> None:
    """Same size, same modification time, other bytes: the hash tells them apart."""
    root = three(tmp_path)
    path = root / "customers/acme.md"
    path.write_text(note("Acme"), encoding="utf-8")  # just now: racy
    notes = NoteCache(None)
    load_vault(root, TODAY, notes)
    info = path.stat()
    with open(path, "r+b") as handle:  # same length, written in place: same inode
        data = handle.read().replace(b"Acme", b"Amce")
        handle.seek(0)
        handle.write(data)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    counted.clear()
    vault = load_vault(root, TODAY, notes)
    assert counted == ["customers/acme.md"]
    assert vault.customer("acme") is not None and vault.customer("acme").name == "Amce"  # type: ignore[union-attr]


def test_the_disk_cache_is_used_by_a_new_process_and_ignored_when_foreign(
        tmp_path: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = three(tmp_path)
    folder = root / CACHE_DIR
    first = NoteCache(folder)
    load_vault(root, TODAY, first)
    first.save()
    assert (folder / "notes.pickle").is_file()
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    counted.clear()
    assert load_vault(root, TODAY, NoteCache(folder)) == load_vault(root, TODAY)
    assert len(counted) == 3  # all three from the plain load, none from the cached one

    data = (folder / "notes.pickle").read_bytes()
    for damaged in (data[:-10], data[:40] + b"x" + data[41:], b"", b"garbage"):
        (folder / "notes.pickle").write_bytes(damaged)
        counted.clear()
        load_vault(root, TODAY, NoteCache(folder))
        assert len(counted) == 3, damaged[:20]

    (folder / "notes.pickle").write_bytes(data)
    monkeypatch.setattr(cache_module, "__version__", "0.0.0-other")
    counted.clear()
    load_vault(root, TODAY, NoteCache(folder))
    assert len(counted) == 3


def test_a_cache_signed_with_another_key_is_not_unpickled(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Unpickling runs code: a file someone else wrote (say, committed to the vault) is ignored."""
    target = tmp_path / "c.pickle"
    assert write_pickle(target, {"a": 1})
    assert read_pickle(target) == {"a": 1}
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    assert read_pickle(target) is None


def test_only_changed_customer_pages_are_made_again(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = three(tmp_path)
    made: list[str] = []
    real = Renderer.customer_page

    def counting(self: Renderer, customer: object, problems: object) -> object:
        made.append(customer.id)  # type: ignore[attr-defined]
        return real(self, customer, problems)  # type: ignore[arg-type]

    monkeypatch.setattr(Renderer, "customer_page", counting)
    out, notes, memo = tmp_path / "site", NoteCache(None), SiteMemo()
    build_site(load_vault(root, TODAY, notes), out, TODAY, memo=memo)
    assert sorted(set(made)) == ["acme", "bolt", "cask"]
    plain = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    made.clear()
    result = build_site(load_vault(root, TODAY, notes), out, TODAY, memo=memo)
    assert made == [] and result.written == 0

    (root / "customers/bolt.md").write_text(note("Bolt", "owner: li\n"), encoding="utf-8")
    made.clear()
    build_site(load_vault(root, TODAY, notes), out, TODAY, memo=memo)
    assert set(made) == {"bolt"}

    (out / "customers/acme.html").write_text("tampered")  # a page changed behind our back
    made.clear()
    build_site(load_vault(root, TODAY, notes), out, TODAY, memo=memo)
    assert set(made) == {"acme"}

    # And the result is what a build without any cache makes.
    fresh = tmp_path / "fresh"
    build_site(load_vault(root, TODAY), fresh, TODAY)
    assert {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()} == \
        {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert plain != {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_the_build_command_skips_a_build_when_nothing_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = three(tmp_path)
    runner = CliRunner()
    args = ["-C", str(root), "build", "-o", str(tmp_path / "site"), "--today", "2026-11-23"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0 and "(" in first.output
    page = tmp_path / "site/customers/acme.html"
    before = page.stat().st_mtime_ns

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the vault was loaded")

    with monkeypatch.context() as patch:
        patch.setattr("vault_tool.cli.load_vault", no_loading)
        second = runner.invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "(0 written, 0 removed; 0 errors, 0 warnings)" in second.output
    assert first.output.split("(")[0] == second.output.split("(")[0]
    assert page.stat().st_mtime_ns == before

    # A changed note, a deleted page, --no-cache or another day: a real build.
    (root / "customers/acme.md").write_text(note("Acme Changed"), encoding="utf-8")
    age(root)
    third = runner.invoke(cli, args)
    assert "Acme Changed" in page.read_text() and "(0 written" not in third.output
    (tmp_path / "site/customers/bolt.html").unlink()
    assert "(1 written" in runner.invoke(cli, args).output
    assert "(0 written" in runner.invoke(cli, [*args, "--no-cache"]).output
    other_day = runner.invoke(cli, [*args[:-1], "2026-11-24"])
    assert "(0 written" not in other_day.output


def test_workers_give_the_same_site_and_leave_no_process(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"customers/c{i:03}.md": note(f"Customer {i}", f"owner: o{i % 3}\n") for i in range(60)}
    root = make_vault(tmp_path / "vault", files)
    build_site(load_vault(root, TODAY), tmp_path / "one", TODAY)
    monkeypatch.setattr(workers, "MIN_PARALLEL", 1)
    assert workers.worth_forking(60) == (workers.can_fork() and workers.cores() > 1)
    children_before = _children()
    build_site(load_vault(root, TODAY, NoteCache(None)), tmp_path / "many", TODAY, memo=SiteMemo())
    assert _children() == children_before
    one = {p.relative_to(tmp_path / "one"): p.read_bytes()
           for p in (tmp_path / "one").rglob("*") if p.is_file()}
    many = {p.relative_to(tmp_path / "many"): p.read_bytes()
            for p in (tmp_path / "many").rglob("*") if p.is_file()}
    assert one == many


def test_run_chunks_keeps_order_in_processes() -> None:
    items = list(range(1000))
    result = workers.run_chunks(lambda chunk: [(x * x, os.getpid()) for x in chunk], items,
                                min_parallel=1)
    assert [square for square, _ in result] == [x * x for x in items]
    pids = {pid for _, pid in result}
    if workers.can_fork() and workers.cores() > 1:
        assert os.getpid() not in pids and len(pids) >= 2
    else:
        assert pids == {os.getpid()}


def _children() -> set[int]:
    me = str(os.getpid())
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                found.add(int(entry.name))
    return found


def test_a_build_failing_midway_leaves_the_site_and_no_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"customers/c{i:03}.md": note(f"Customer {i}") for i in range(30)}
    root = make_vault(tmp_path / "vault", files)
    out = tmp_path / "site"
    build_site(load_vault(root, TODAY), out, TODAY)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (root / "customers/c001.md").write_text(note("Renamed"), encoding="utf-8")
    monkeypatch.setattr(workers, "MIN_PARALLEL", 1)
    import vault_tool.build as build_module
    real = build_module.site_sections

    def one_fails(*args: object) -> object:
        kept, anywhere = real(*args)  # type: ignore[arg-type]

        def fails_after_one() -> object:
            yield from list(anywhere[0]())[:1]
            raise RuntimeError("disk full")

        return kept, [*anywhere[1:], fails_after_one]

    monkeypatch.setattr(build_module, "site_sections", one_fails)
    with pytest.raises(RuntimeError):
        build_site(load_vault(root, TODAY), out, TODAY)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_an_override_template_makes_every_customer_page_again(tmp_path: Path) -> None:
    root = three(tmp_path)
    out, notes, memo = tmp_path / "site", NoteCache(None), SiteMemo()
    from vault_tool.look import build_with_look

    build_with_look(load_vault(root, TODAY, notes), out, TODAY, root, memo=memo)
    (root / "templates").mkdir()
    (root / "templates/customer.html").write_text(
        '{% extends "package/customer.html" %}{% block title %}Client {{ c.name }}{% endblock %}',
        encoding="utf-8")
    result, broken = build_with_look(load_vault(root, TODAY, notes), out, TODAY, root, memo=memo)
    assert broken == () and result.written >= 3
    assert "<title>Client Acme" in (out / "customers/acme.html").read_text()


def test_watch_rebuilds_with_kept_pieces_equal_a_fresh_build(tmp_path: Path) -> None:
    """The watcher keeps notes, page keys and each customer's part of the data files; after
    edits, a deletion and a change to vault.yml its site is byte for byte a fresh build's."""
    from vault_tool.watch import Watcher

    files = {f"customers/c{i:02}.md": note(f"Customer {i}", f"next_follow_up: 2026-11-{10 + i}\n")
             for i in range(12)}
    root = make_vault(tmp_path / "vault", files)
    age(root)
    watcher = Watcher(root, tmp_path / "site", TODAY)
    watcher.rebuild()
    edits = [
        lambda: (root / "customers/c03.md").write_text(note("Renamed", "next_follow_up: 2026-12-01\n"),
                                                       encoding="utf-8"),
        lambda: (root / "customers/c05.md").unlink(),
        lambda: (root / "vault.yml").write_text("locale: zh\n", encoding="utf-8"),
        lambda: (root / "customers/c07.md").write_text(note("第七", "tags: [vip]\n"), encoding="utf-8"),
    ]
    for number, edit in enumerate(edits):
        edit()
        assert watcher.rebuild().failure is None
        fresh = tmp_path / f"fresh{number}"
        build_site(load_vault(root, TODAY), fresh, TODAY)
        mine = {p.relative_to(tmp_path / "site"): p.read_bytes()
                for p in (tmp_path / "site").rglob("*") if p.is_file()}
        theirs = {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
        assert mine == theirs, number
    assert watcher.memo.pieces is not None
    assert {path for _, path in watcher.memo.pieces.items} == {
        f"customers/c{i:02}.md" for i in range(12) if i != 5}


def test_serve_keeps_no_memo_of_its_temporary_folder(tmp_path: Path) -> None:
    """Each `serve` builds into a new temporary folder: a memo of it would pile up unused."""
    from vault_tool.watch import Watcher

    root = three(tmp_path)
    Watcher(root, tmp_path / "temp-site", TODAY, keep_memo=False).rebuild()
    assert not list((root / CACHE_DIR).glob("site-*.pickle"))
    assert (root / CACHE_DIR / "notes.pickle").is_file()  # the notes' cache is worth keeping
    Watcher(root, tmp_path / "kept-site", TODAY).rebuild()
    assert len(list((root / CACHE_DIR).glob("site-*.pickle"))) == 1


def test_a_first_build_stopped_midway_leaves_a_folder_the_next_build_accepts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in the first build: no temporary file, no empty folder, and a new build goes on."""
    root = three(tmp_path)
    out = tmp_path / "site"
    import vault_tool.build as build_module
    real = build_module.site_sections

    def interrupted(*args: object) -> object:
        kept, anywhere = real(*args)  # type: ignore[arg-type]

        def stopped() -> object:
            yield from list(anywhere[0]())
            raise KeyboardInterrupt

        return kept, [stopped]

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "site_sections", interrupted)
        with pytest.raises(KeyboardInterrupt):
            build_site(load_vault(root, TODAY), out, TODAY)
    assert not out.exists() or list(out.rglob("*")) == []
    build_site(load_vault(root, TODAY), out, TODAY)
    assert (out / "customers/acme.html").is_file()


def test_ctrl_c_in_watch_before_the_first_build_is_done_exits_cleanly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vault_tool.watch import Watcher

    root = three(tmp_path)

    def interrupted(self: Watcher, changed: tuple[str, ...] = ()) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Watcher, "rebuild", interrupted)
    result = CliRunner().invoke(cli, ["-C", str(root), "watch", "-o", str(tmp_path / "site")])
    assert result.exit_code == 0
    assert "stopped before the first build was done" in result.output
    assert "Traceback" not in result.output and "Aborted" not in result.output
