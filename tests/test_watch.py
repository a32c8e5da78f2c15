"""The real watcher (watchdog's Observer) on a vault in tmp_path, with every editor's way of saving.

Each test runs the rebuild loop on a thread with short debounce settings and checks what
the site holds after each save: exactly one rebuild per save, which saw the new content, and
no temporary, swap, backup or lock file ever became a customer page.
"""

from __future__ import annotations

import gc
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.conftest import TODAY, make_vault, start_live
from tests.gitrepo import isolated_git
from vault_tool.watch import NEW_DAY, Rebuild, Watcher, describe, relevant

QUIET = 0.15
MAX_WAIT = 1.0
SETTLE = QUIET * 4 + 0.3  # long enough that a second, unwanted rebuild would have happened
# watchdog warns when it re-adds an inotify watch for a folder that moved; harmless here
pytestmark = pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")
__all__ = ["isolated_git"]  # a fixture, used by name


def note(name: str, extra: str = "") -> str:
    return f"---\nname: {name}\nstatus: active\n---\n{extra}\n"


class Session:
    """A running watcher and what it reported, with the site's customer pages at each rebuild."""

    def __init__(self, root: Path, out: Path) -> None:
        self.root, self.out = root, out
        self.reports: list[Rebuild] = []
        self.pages_seen: list[set[str]] = []
        self.watcher = Watcher(root, out, TODAY, quiet=QUIET, max_wait=MAX_WAIT,
                               report=self._record)
        self.watcher.rebuild()
        self.watcher.start()
        self.thread = threading.Thread(target=self.watcher.run, daemon=True)
        self.thread.start()

    def _record(self, rebuild: Rebuild) -> None:
        self.reports.append(rebuild)
        self.pages_seen.append(self.customer_pages())

    def customer_pages(self) -> set[str]:
        return {p.name for p in (self.out / "customers").glob("*.html")}

    def page(self, customer_id: str) -> str:
        return (self.out / "customers" / f"{customer_id}.html").read_text(encoding="utf-8")

    def wait_rebuilds(self, count: int, timeout: float = 10.0) -> list[Rebuild]:
        """Wait for `count` rebuilds after the first build, then for quiet; all of them."""
        deadline = time.monotonic() + timeout
        while len(self.reports) < 1 + count and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(SETTLE)
        return self.reports[1:]

    def stop(self) -> None:
        self.watcher.stop()
        self.thread.join(5)
        assert not self.thread.is_alive()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    root = make_vault(tmp_path / "vault", {
        "vault.yml": "name: Test\n",
        "customers/acme.md": note("Acme Old"),
        "customers/beta.md": note("Beta"),
    })
    running = Session(root, root / "site")
    yield running
    running.stop()


def in_place(path: Path, text: str) -> None:
    with open(path, "r+", encoding="utf-8") as handle:
        handle.write(text)
        handle.truncate()


def truncate_then_write(path: Path, text: str) -> None:
    """VS Code: truncate, then write; the pause is longer than the quiet period."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.flush()
        time.sleep(QUIET * 1.5)
        handle.write(text)


def temp_then_rename(path: Path, text: str) -> None:
    """gedit and Python tools: a hidden temporary file renamed over the note."""
    temp = path.with_name(f".goutputstream-{path.stem}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    other = path.with_name(f"tmp{path.stem}x9.md.tmp")
    other.write_text(text, encoding="utf-8")
    os.replace(other, path)


def vim(path: Path, text: str) -> None:
    """vim: swap file, the 4913 probe, the note renamed to a backup, a new note written."""
    swap = path.with_name(f".{path.name}.swp")
    swap.write_bytes(b"b0VIM 9.0" + b"\0" * 100)
    probe = path.with_name("4913")
    probe.write_bytes(b"")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text, encoding="utf-8")
    backup.unlink()
    swap.unlink()


def emacs(path: Path, text: str) -> None:
    """Emacs: a `.#name` lock (a dangling symlink), a `#name#` autosave, a `name~` backup."""
    lock = path.with_name(f".#{path.name}")
    os.symlink("user@host.1234:1700000000", lock)
    autosave = path.with_name(f"#{path.name}#")
    autosave.write_text(text, encoding="utf-8")
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text, encoding="utf-8")
    autosave.unlink()
    lock.unlink()


def jetbrains(path: Path, text: str) -> None:
    """JetBrains' "safe write": ___jb_tmp___ written, the note moved to ___jb_old___."""
    temp = path.with_name(path.name + "___jb_tmp___")
    temp.write_text(text, encoding="utf-8")
    old = path.with_name(path.name + "___jb_old___")
    os.rename(path, old)
    os.rename(temp, path)
    old.unlink()


SAVES: dict[str, Callable[[Path, str], None]] = {
    "in-place": in_place, "truncate-then-write": truncate_then_write,
    "temp-then-rename": temp_then_rename, "vim": vim, "emacs": emacs, "jetbrains": jetbrains,
}


@pytest.mark.parametrize("how", list(SAVES))
def test_each_save_leads_to_one_rebuild_with_the_new_content(session: Session, how: str) -> None:
    SAVES[how](session.root / "customers" / "acme.md", note("Acme New", "second save"))
    rebuilds = session.wait_rebuilds(1)
    assert len(rebuilds) == 1, [describe(r) for r in rebuilds]
    assert rebuilds[0].failure is None
    assert "customers/acme.md" in rebuilds[0].changed
    assert all(c.endswith(".md") and "/." not in c for c in rebuilds[0].changed)
    assert "Acme New" in session.page("acme")
    assert all(seen == {"acme.html", "beta.html"} for seen in session.pages_seen)
    assert rebuilds[0].errors == 0


def test_second_save_in_the_same_session_is_one_more_rebuild(session: Session) -> None:
    path = session.root / "customers" / "acme.md"
    vim(path, note("Acme One"))
    session.wait_rebuilds(1)
    jetbrains(path, note("Acme Two"))
    assert len(session.wait_rebuilds(2)) == 2
    assert "Acme Two" in session.page("acme")


def test_a_burst_of_300_files_is_one_rebuild(session: Session) -> None:
    folder = session.root / "customers" / "burst"
    folder.mkdir()
    for n in range(300):
        (folder / f"c{n:03}.md").write_text(note(f"Customer {n}"), encoding="utf-8")
    rebuilds = session.wait_rebuilds(1)
    assert 1 <= len(rebuilds) <= 2, [describe(r) for r in rebuilds]
    assert len(session.customer_pages()) == 302
    assert "301 files changed (burst, c000.md" in describe(rebuilds[0]) or len(rebuilds) == 2


def test_rename_and_delete_remove_stale_pages(session: Session) -> None:
    customers = session.root / "customers"
    os.rename(customers / "acme.md", customers / "acme-corp.md")
    session.wait_rebuilds(1)
    assert session.customer_pages() == {"acme-corp.html", "beta.html"}
    (customers / "beta.md").unlink()
    session.wait_rebuilds(2)
    assert session.customer_pages() == {"acme-corp.html"}
    assert len(session.reports) == 3  # one rebuild each
    # Folders: watchdog reports a move out of a folder it has only just started to watch
    # as a creation now and a deletion a moment later, which may cost a second rebuild.
    sub = customers / "archive"
    sub.mkdir()
    os.rename(customers / "acme-corp.md", sub / "acme-corp.md")  # moved, same id
    session.wait_rebuilds(3)
    assert session.customer_pages() == {"acme-corp.html"}
    os.rename(sub, session.root / "elsewhere")  # a whole folder moved out of customers/
    session.wait_rebuilds(len(session.reports))
    assert session.customer_pages() == set()
    os.rename(session.root / "elsewhere", customers / "back")  # and back in
    session.wait_rebuilds(len(session.reports))
    assert session.customer_pages() == {"acme-corp.html"}
    assert len(session.reports) <= 3 + 2 * 3


def test_a_customers_folder_made_anew_is_watched_again(session: Session) -> None:
    customers = session.root / "customers"
    os.rename(customers, session.root / "old-customers")  # a checkout that replaces it
    session.wait_rebuilds(1)
    assert session.customer_pages() == set()
    customers.mkdir()
    (customers / "gamma.md").write_text(note("Gamma"), encoding="utf-8")
    session.wait_rebuilds(len(session.reports))
    assert session.customer_pages() == {"gamma.html"}
    (customers / "gamma.md").write_text(note("Gamma Two"), encoding="utf-8")
    session.wait_rebuilds(len(session.reports))
    assert "Gamma Two" in session.page("gamma")


def test_an_invalid_note_shows_on_the_problems_page_until_fixed(session: Session) -> None:
    problems = session.out / "problems.html"
    assert "customers/acme.md" not in problems.read_text(encoding="utf-8")
    path = session.root / "customers" / "acme.md"
    path.write_text("---\nname: [broken\n---\n", encoding="utf-8")
    rebuilds = session.wait_rebuilds(1)
    assert rebuilds[-1].errors >= 1 and rebuilds[-1].failure is None
    assert "customers/acme.md" in problems.read_text(encoding="utf-8")
    path.write_text(note("Acme Fixed"), encoding="utf-8")
    rebuilds = session.wait_rebuilds(2)
    assert rebuilds[-1].errors == 0
    assert "customers/acme.md" not in problems.read_text(encoding="utf-8")
    assert "Acme Fixed" in session.page("acme")


def test_vault_yml_and_templates_are_watched_but_other_files_are_not(session: Session) -> None:
    (session.root / "notes.txt").write_text("x", encoding="utf-8")
    (session.root / "customers" / "readme.txt").write_text("x", encoding="utf-8")
    (session.root / "customers" / ".hidden.md").write_text(note("Hidden"), encoding="utf-8")
    assert session.wait_rebuilds(0, timeout=0) == []
    (session.root / "vault.yml").write_text("name: Renamed Vault\n", encoding="utf-8")
    rebuilds = session.wait_rebuilds(1)
    assert [r.changed for r in rebuilds] == [("vault.yml",)]
    assert "Renamed Vault" in (session.out / "index.html").read_text(encoding="utf-8")


def look(footer: str) -> str:
    return ('{% extends "package/base.html" %}\n'
            f"{{% block footer %}}{footer}{{% endblock %}}\n")


def test_editing_a_template_override_is_one_rebuild_with_the_new_look(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {"customers/acme.md": note("Acme"),
                                           "templates/customer.md": "---\nname: {name}\n---\n",
                                           "templates/base.html": look("Look one")})
    session = Session(root, root / "site")
    try:
        assert "Look one" in session.page("acme")
        base = root / "templates" / "base.html"
        temp_then_rename(base, look("Look two"))
        rebuilds = session.wait_rebuilds(1)
        assert len(rebuilds) == 1 and rebuilds[0].template_problems == ()
        assert "templates/base.html" in rebuilds[0].changed  # beside the helper's temporary file
        assert "Look two" in session.page("acme")

        base.write_text(look("Look {{ three }"), encoding="utf-8")  # a syntax error
        rebuilds = session.wait_rebuilds(2)
        assert len(rebuilds) == 2 and rebuilds[-1].failure is None
        assert [p.split(": error: ")[0] for p in rebuilds[-1].template_problems] == [
            "templates/base.html:2:1"]
        assert "Look" not in session.page("acme")  # the standard look meanwhile
        assert "templates/base.html:2:1" in (session.out / "problems.html").read_text("utf-8")

        base.write_text(look("Look three"), encoding="utf-8")
        rebuilds = session.wait_rebuilds(3)
        assert len(rebuilds) == 3 and rebuilds[-1].template_problems == ()
        assert "Look three" in session.page("acme")
    finally:
        session.stop()


def test_the_watcher_never_rebuilds_because_of_its_own_output(session: Session) -> None:
    for _ in range(3):
        session.watcher.rebuild()  # writes into site/, which is inside the vault
        (session.out / "customers" / "stray.md").write_text("x", encoding="utf-8")
    assert len(session.wait_rebuilds(0, timeout=0)) == 3  # only the three direct ones


def test_relevant_paths() -> None:
    root, out = Path("/v"), Path("/v/site")
    assert relevant(root, out, "/v/customers/a.md") == "customers/a.md"
    assert relevant(root, out, "/v/customers/sub/a.md") == "customers/sub/a.md"
    assert relevant(root, out, "/v/vault.yml") == "vault.yml"
    assert relevant(root, out, "/v/templates/base.html") == "templates/base.html"
    for ignored in ["/v/customers/.a.md.swp", "/v/customers/4913", "/v/customers/a.md~",
                    "/v/customers/#a.md#", "/v/customers/.#a.md", "/v/customers/a.md___jb_tmp___",
                    "/v/customers/a.md___jb_old___", "/v/customers/.goutputstream-X",
                    "/v/site/customers/a.md", "/v/other.md", "/elsewhere/customers/a.md",
                    "/v/customers/.git/a.md", "/v/templates/.base.html.swp"]:
        assert relevant(root, out, ignored) is None, ignored
    assert relevant(Path("/v"), Path("/v/customers/out"), "/v/customers/out/x.md") is None


@pytest.mark.parametrize("target", ["vault_tool.build.site_sections",
                                    "vault_tool.render.Renderer.customer_page"])
def test_a_build_that_raises_keeps_the_last_good_site(tmp_path: Path, target: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault(tmp_path / "vault", {"customers/acme.md": note("Acme")})
    reports: list[Rebuild] = []
    watcher = Watcher(root, tmp_path / "site", TODAY, report=reports.append)
    watcher.rebuild()
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("template exploded\non two lines")

    monkeypatch.setattr(target, broken)
    (root / "customers" / "acme.md").write_text(note("Acme Changed"), encoding="utf-8")
    failed = watcher.rebuild(("customers/acme.md",))
    assert failed.failure == "RuntimeError: template exploded on two lines"
    assert watcher.builds == 1
    line = describe(failed)
    assert "\n" not in line and "keeping the last good site" in line
    after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before


def test_describe_is_one_short_line() -> None:
    line = describe(Rebuild(3, ("customers/a.md", "customers/b.md", "vault.yml", "customers/c.md"),
                            0.123, 2, 1, 5))
    assert line == ("4 files changed (a.md, b.md, vault.yml, ...): rebuilt in 0.12 s, "
                    "5 files written, 2 problems (1 error)")


def test_describe_the_first_build() -> None:
    assert describe(Rebuild(1, (), 0.5, 0, 0, 1)) == "built in 0.50 s, 1 file written, 0 problems"


def test_watch_prints_template_problems_under_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    from vault_tool.cli_live import _echo

    line = "templates/base.html:2:1: error: this dashboard template cannot be used: ..."
    _echo(Rebuild(2, ("templates/base.html",), 0.1, 1, 1, 3, template_problems=(line,)))
    assert capsys.readouterr().err.splitlines() == [line]


def _children() -> set[str]:
    """This process's children as "pid name", zombies too: a child never waited for leaks."""
    me = str(os.getpid())
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # it ended in between
        name, fields = text[text.find("(") + 1:text.rfind(")")], text[text.rfind(")") + 2:].split()
        if fields[1] == me:  # fields: state, ppid, ...
            found.add(f"{stat.parent.name} {name}")
    return found


def _resources() -> tuple[int, int, int]:
    """Open descriptors, Python threads and the OS threads of this process."""
    gc.collect()
    return (len(os.listdir("/proc/self/fd")), threading.active_count(),
            len(os.listdir("/proc/self/task")))


def _plain_edit(root: Path, n: int) -> None:
    """A real change of each kind the watcher follows, in turn, saved in different ways."""
    kind = n % 4
    if kind == 0:
        in_place(root / "customers" / "acme.md", note(f"Acme {n}"))
    elif kind == 1:
        temp_then_rename(root / "customers" / "beta.md", note(f"Beta {n}"))
    elif kind == 2:
        (root / "templates" / "base.html").write_text(look(f"Look {n}"), encoding="utf-8")
    else:
        (root / "vault.yml").write_text(f"name: Vault {n}\n", encoding="utf-8")


def _live_session(root: Path, out: Path, edits: int, direct: int, edit: Callable[[Path, int], None],
                  report: Callable[[Rebuild], None] = lambda r: None, commits: bool = False) -> int:
    """A watcher and a server as `serve` runs them: each real edit is one rebuild by the loop,
    followed by `direct` rebuilds (the loop is idle then); pages and the reload long poll are
    fetched now and then. With `commits`, `report` commits, which moves git's HEAD: that is
    one more rebuild, awaited before the next edit. The number of rebuilds."""
    from vault_tool.serve import SiteServer
    from vault_tool.watch import HEAD_MOVED

    reports: list[Rebuild] = []

    def record(rebuild: Rebuild) -> None:
        report(rebuild)
        reports.append(rebuild)

    watcher = Watcher(root, out, TODAY, quiet=0.02, max_wait=0.3, report=record)
    watcher.rebuild()
    server = SiteServer(watcher.out, lambda: watcher.builds, watcher.wait_for_build, port=0)
    server.start()
    watcher.start()
    loop = threading.Thread(target=watcher.run, daemon=True)
    loop.start()
    try:
        for n in range(edits):
            seen = len(reports)
            edit(root, n)
            deadline = time.monotonic() + 10
            while len(reports) == seen and time.monotonic() < deadline:
                time.sleep(0.005)
            assert len(reports) == seen + 1 and reports[-1].failure is None, reports[seen:]
            if commits:  # the commit moved HEAD: the history sections are made again
                while len(reports) == seen + 1 and time.monotonic() < deadline:
                    time.sleep(0.005)
                assert [r.changed for r in reports[seen + 1:]] == [(HEAD_MOVED,)], reports[seen:]
            for _ in range(direct):
                watcher.rebuild()
            if n % 10 == 0:
                for path in ("customers/acme.html", f"__vault_tool__/reload?since={watcher.builds - 1}"):
                    with urllib.request.urlopen(server.url + path, timeout=5) as response:
                        assert response.status == 200
    finally:
        server.stop()
        watcher.stop()
        loop.join(5)
    assert not loop.is_alive()
    return len(reports)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.usefixtures("isolated_git")
def test_a_thousand_rebuilds_leak_no_descriptor_thread_or_process(tmp_path: Path) -> None:
    """A long session: 1,000 rebuilds through the real watcher, the server and, in a vault that
    is a git repository, `watch --commit`'s commits and the history that `build` reads from git.
    Every descriptor, thread and child process is gone at the end."""
    from vault_tool.build import gather_history
    from vault_tool.cli_live import committing
    from vault_tool.vault import load_vault

    plain = make_vault(tmp_path / "plain", {"vault.yml": "name: T\n",
                                            "customers/acme.md": note("Acme"),
                                            "customers/beta.md": note("Beta"),
                                            "templates/base.html": look("Look")})
    repo = make_vault(tmp_path / "repo", {"customers/acme.md": note("Acme"),
                                          "customers/beta.md": note("Beta")})
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "start"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    commit = committing(repo, TODAY)

    def commit_and_read_history(rebuild: Rebuild) -> None:
        commit(rebuild)
        history, _ = gather_history(repo, load_vault(repo, TODAY), TODAY, True)
        assert history is not None

    def log_entry(root: Path, n: int) -> None:
        with open(root / "customers" / "acme.md", "a", encoding="utf-8") as handle:
            handle.write(f"- 2026-11-{n % 20 + 1:02d} call: round {n}\n")

    before, children = _resources(), _children()
    started = time.monotonic()
    rebuilds = 0
    for session in range(2):  # starting and stopping a session leaks nothing either
        rebuilds += _live_session(plain, tmp_path / f"site{session}", 45, 10, _plain_edit)
    rebuilds += _live_session(repo, tmp_path / "repo-site", 20, 0, log_entry,
                              commit_and_read_history, commits=True)
    seconds = time.monotonic() - started
    assert rebuilds >= 1_000
    assert len(subprocess.run(["git", "log", "--format=%h"], cwd=repo, check=True,
                              capture_output=True, text=True).stdout.split()) == 21
    assert _resources() == before
    assert _children() <= children, _children() - children
    print(f"{rebuilds} rebuilds in {seconds:.1f} s")


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_watch_command_stops_cleanly_on_ctrl_c_or_kill(tmp_path: Path, stop: str) -> None:
    root = make_vault(tmp_path / "vault", {"vault.yml": "name: T\n",
                                           "customers/acme.md": note("Acme")})
    process, lines = start_live(["-C", str(root), "watch", "--today", "2026-11-23"], "watching")
    (root / "customers" / "acme.md").write_text(note("Acme New"), encoding="utf-8")
    deadline = time.monotonic() + 10
    site = root / "site" / "customers" / "acme.html"
    while "Acme New" not in site.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    process.send_signal(getattr(signal, stop))
    out, err = process.communicate(timeout=10)
    text = "".join(lines) + out + err
    assert process.returncode == 0, text
    assert "Traceback" not in text
    assert "1 file changed (acme.md)" in text
    assert "Acme New" in site.read_text(encoding="utf-8")


def _section(page: str, anchor: str) -> str:
    found = re.search(rf'<section id="{anchor}".*?</section>', page, re.S)
    assert found is not None, anchor
    return found.group(0)


def test_the_site_is_rebuilt_when_the_day_changes(tmp_path: Path) -> None:
    """Without --today, what is due today changes at midnight with no note saved."""
    root = make_vault(tmp_path / "vault", {
        "customers/acme.md": "---\nname: Acme\nstatus: active\nnext_follow_up: 2026-11-24\n---\n"})
    out = tmp_path / "site"
    now = [datetime(2026, 11, 23, 23, 59, 59, 700_000)]
    reports: list[Rebuild] = []
    watcher = Watcher(root, out, quiet=QUIET, max_wait=MAX_WAIT, report=reports.append,
                      clock=lambda: now[0])
    watcher.rebuild()
    follow_ups = (out / "follow-ups.html").read_text(encoding="utf-8")
    assert "Acme" in _section(follow_ups, "week") and "Acme" not in _section(follow_ups, "today")
    watcher.start()
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        now[0] = datetime(2026, 11, 24, 0, 0, 1)  # the loop wakes about 0.3 s after its start
        deadline = time.monotonic() + 10
        while len(reports) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(SETTLE)
    finally:
        watcher.stop()
        thread.join(5)
    assert [r.changed for r in reports] == [(), (NEW_DAY,)]
    assert describe(reports[1]).startswith("a new day: rebuilt in ")
    follow_ups = (out / "follow-ups.html").read_text(encoding="utf-8")
    assert "Acme" in _section(follow_ups, "today") and "Acme" not in _section(follow_ups, "week")
    assert "2026-11-24" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("today", [None, TODAY])
def test_no_rebuild_while_the_day_stays_or_when_today_is_fixed(
        tmp_path: Path, today: date | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vault_tool.watch.DAY_CHECK", 0.05)  # look at the date often
    root = make_vault(tmp_path / "vault", {"customers/acme.md": note("Acme")})
    now = [datetime(2026, 11, 23, 12, 0)]
    reports: list[Rebuild] = []
    watcher = Watcher(root, tmp_path / "site", today, report=reports.append, clock=lambda: now[0])
    watcher.rebuild()
    if today is not None:
        now[0] = datetime(2026, 11, 25, 9, 0)  # --today holds whatever the clock says
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    time.sleep(0.5)
    watcher.stop()
    thread.join(5)
    assert len(reports) == 1
