"""The watchdog adapter: notice changes to a vault, debounce them, rebuild the site.

As in MkDocs and Fava, watchdog's callbacks only record which path changed and set a
flag; one loop (`Watcher.run`) waits for a quiet moment and rebuilds. Directories are
watched rather than files, because editors replace a file on save (vim renames it away,
gedit and Python tools rename a temporary file over it), and a watch on the old file
would then see nothing more.

Only events that can change the dashboard count: notes under customers/ (the same
`is_note_name` test the loader uses, so swap, lock, backup and temporary files of every
editor are ignored), vault.yml, and files in the vault's templates/ folder; and, when the
history sections are on, a move of git's HEAD (a commit changes no note, but the pages
that say who changed what). Anything under the output folder is ignored, so the watcher
never rebuilds because of its own output.

A save that truncates a note and then writes it leaves the note empty for a moment. If a
changed note is empty (0 bytes) when the quiet period ends, the loop waits one more quiet
period before building, so the dashboard does not show the customer as erased in between.
A note that is still empty after that is built as it is (and reported as a problem).

Without `--today`, the day is an input too: what is due today, overdue or going cold
changes at midnight with no note saved. The loop wakes at the local midnight (and once a
minute, in case the machine slept through it) and rebuilds when the date has changed.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from .build import SiteMemo, gather_history, head_commit, keep_history, kept_history
from .cache import CACHE_DIR, NoteCache
from .config import CONFIG_FILE
from .history import GitFailed, Kept, dirty_notes, git_dir
from .look import OVERRIDES_DIR, build_with_look
from .messages import format_problem
from .model import Vault
from .pieces import Pieces
from .vault import CUSTOMERS_DIR, is_note_name, load_vault
from .views import SiteHistory

TEMPLATES_DIR = OVERRIDES_DIR
QUIET = 0.1  # seconds without events before a rebuild
MAX_WAIT = 2.0  # ...but never later than this after the first event of a burst
DAY_CHECK = 60.0  # seconds between looks at the date: a suspended machine misses midnight
NEW_DAY = "a new day"  # what `watch` says changed when the date did


@dataclass(frozen=True)
class Rebuild:
    """What one rebuild did, for the one line `watch` prints."""

    number: int
    changed: tuple[str, ...]
    seconds: float
    problems: int
    errors: int
    pages_written: int
    failure: str | None = None
    # Mistakes in the vault's templates, as `path:line:col: ...` lines: the person editing
    # a template wants them in the terminal, not only on the problems page.
    template_problems: tuple[str, ...] = ()


class Changes:
    """The vault-relative paths changed since the last rebuild; the watchdog side only adds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self.flag = threading.Event()
        self.last_event = 0.0

    def add(self, rel: str) -> None:
        with self._lock:
            self._paths.add(rel)
            self.last_event = time.monotonic()
        self.flag.set()

    def peek(self) -> list[str]:
        with self._lock:
            return list(self._paths)

    def take(self) -> tuple[str, ...]:
        with self._lock:
            paths, self._paths = self._paths, set()
            self.flag.clear()
        return tuple(sorted(paths))


def relevant(root: Path, out: Path, path: str, folder: bool = False) -> str | None:
    """The vault-relative path if an event on `path` can change the site, else None.

    A folder under customers/ that is created, moved or deleted counts (it may hold notes).
    """
    target = Path(path)
    try:
        target.relative_to(out)
        return None  # our own output
    except ValueError:
        pass
    try:
        rel = target.relative_to(root)
    except ValueError:
        return None
    parts = rel.parts
    if not parts or any(p.startswith(".") for p in parts[:-1]):
        return None
    if parts == (CONFIG_FILE,) or (folder and parts in ((CUSTOMERS_DIR,), (TEMPLATES_DIR,))):
        return rel.as_posix()
    if parts[0] == CUSTOMERS_DIR and len(parts) > 1 and (
            is_note_name(parts[-1]) or (folder and not parts[-1].startswith("."))):
        return rel.as_posix()
    if parts[0] == TEMPLATES_DIR and len(parts) > 1 and not parts[-1].startswith((".", "#", "~")) \
            and not parts[-1].endswith(("~", ".swp", "___")):
        return rel.as_posix()
    return None


def event_paths(event: FileSystemEvent) -> list[str]:
    """The path an event is about, and where it moved to (a rename has both)."""
    raws = (event.src_path, getattr(event, "dest_path", ""))
    return [path for raw in raws if (path := raw.decode() if isinstance(raw, bytes) else raw)]


class _Handler(FileSystemEventHandler):
    """Records relevant paths; nothing else happens on watchdog's thread."""

    def __init__(self, root: Path, out: Path, changes: Changes) -> None:
        self.root, self.out, self.changes = root, out, changes

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type not in ("created", "deleted", "moved"):
            return  # a folder is "modified" by every swap file written in it
        for path in event_paths(event):
            rel = relevant(self.root, self.out, path, event.is_directory)
            if rel is not None:
                self.changes.add(rel)


HEAD_MOVED = "git HEAD"  # what `watch` says changed when a commit, pull or checkout moved HEAD


def head_moved(git_folder: Path, path: str) -> bool:
    """Whether an event in the repository's folder can move HEAD: HEAD itself, a branch, or
    the packed refs. Objects, the index (which `git status` rewrites) and locks are not."""
    try:
        rel = Path(path).relative_to(git_folder).as_posix()
    except ValueError:
        return False
    return not rel.endswith(".lock") and (
        rel in ("HEAD", "packed-refs") or rel.startswith("refs/heads/"))


class _GitHandler(FileSystemEventHandler):
    """Records that HEAD may have moved, so that the history sections are read again."""

    def __init__(self, git_folder: Path, changes: Changes) -> None:
        self.git_folder, self.changes = git_folder, changes

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or event.is_directory:
            return
        if any(head_moved(self.git_folder, path) for path in event_paths(event)):
            self.changes.add(HEAD_MOVED)


class Watcher:
    """Builds a vault's site, then rebuilds it after each burst of changes until stopped."""

    def __init__(self, root: Path, out: Path, today: date | None = None, *,
                 quiet: float = QUIET, max_wait: float = MAX_WAIT,
                 report: Callable[[Rebuild], None] = lambda r: None,
                 keep_memo: bool = True, history: bool | None = None,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        """`keep_memo` False: the output folder is temporary (serve's), so what its pages
        were made from is not worth keeping in .vault-tool-cache/ after the session.
        `history` is `build --history/--no-history`: by default git's history is shown when
        the vault is its own repository's root. `clock` gives the local time (tests set it)."""
        self.root = root.resolve()
        self.out = out.resolve()
        self.today = today
        self.clock = clock
        self.day: date | None = None  # the day of the last rebuild
        self.quiet, self.max_wait = quiet, max_wait
        self.report = report
        self.changes = Changes()
        self.stopping = threading.Event()
        self.builds = 0  # successful builds so far; serve's reload counter
        self.built = threading.Condition()
        self._observer: Observer | None = None  # type: ignore[valid-type]
        self._handler = _Handler(self.root, self.out, self.changes)
        self._folders: dict[str, tuple[ObservedWatch, int]] = {}
        # Kept between rebuilds: a rebuild reads only the notes that changed and makes
        # only the customer pages whose inputs changed.
        self.notes = NoteCache(self.root / CACHE_DIR)
        self.memo = SiteMemo.for_output(self.root, self.out) if keep_memo else SiteMemo()
        self.memo.pieces = Pieces()
        self.history = history
        self.history_missing = ""  # why the history sections are not shown, when asked for
        self._history: tuple[object, SiteHistory | None] = (None, None)
        self._kept: Kept | None = None  # what reading the history left (read when needed)

    def rebuild(self, changed: tuple[str, ...] = ()) -> Rebuild:
        """One build; an exception is reported, and the last good site stays as it was."""
        started = time.perf_counter()
        when = self.today or self.clock().date()
        self.day = when
        try:
            vault = load_vault(self.root, when, self.notes)
            result, broken = build_with_look(vault, self.out, when, self.root,
                                             self.site_history(vault, when), memo=self.memo)
            if self.builds == 0:
                self.notes.save()  # a later `build` or `watch` starts warm
        except Exception as exc:  # the watcher must survive any bad build
            failure = f"{type(exc).__name__}: {exc}".replace("\n", " ")
            outcome = Rebuild(self.builds, changed, time.perf_counter() - started, 0, 0, 0,
                              failure)
        else:
            with self.built:
                self.builds += 1
                self.built.notify_all()
            outcome = Rebuild(self.builds, changed, time.perf_counter() - started,
                              len(vault.problems) + len(broken), vault.error_count + len(broken),
                              result.written, template_problems=tuple(
                                  format_problem(p, vault.settings.locale) for p in broken))
        self.report(outcome)
        return outcome

    def site_history(self, vault: Vault, when: date) -> SiteHistory | None:
        """What git's history adds, as `build` shows it. Read again only when HEAD, the day
        or the settings change (a commit, a pull, a checkout), and then only what the new
        commits added is parsed (history.Kept); which notes have uncommitted edits is asked
        on every rebuild, since saving a note changes it."""
        if self.history is False:
            return None
        key = (head_commit(self.root), when, vault.settings)
        known_key, known = self._history
        try:
            if key != known_key:
                first = self._kept is None
                if self._kept is None:
                    self._kept = kept_history(self.root)
                known, self.history_missing = gather_history(self.root, vault, when,
                                                             self.history, self._kept)
                if known is not None and first:  # and again at the end (a second at 10,000)
                    keep_history(self.root, self._kept)
            elif known is not None:
                known = replace(known, uncommitted=dirty_notes(self.root))
        except (GitFailed, OSError) as exc:  # git broke mid-way: the pages without history
            known, self.history_missing = None, str(exc).splitlines()[-1] if str(exc) else "git"
        self._history = key, known
        return known

    def start(self) -> None:
        """Start watching (customers/, vault.yml's folder, templates/ if present)."""
        self._handler = _Handler(self.root, self.out, self.changes)
        observer = Observer()
        observer.schedule(self._handler, str(self.root), recursive=False)
        if self.history is not False:  # a commit changes no note, but the history sections
            git_folder = git_dir(self.root)
            if git_folder is not None and git_folder.is_dir():
                # HEAD and packed-refs, then the branches; never objects/, which every git
                # command may write into.
                handler = _GitHandler(git_folder, self.changes)
                observer.schedule(handler, str(git_folder), recursive=False)
                if (git_folder / "refs" / "heads").is_dir():
                    observer.schedule(handler, str(git_folder / "refs" / "heads"), recursive=True)
        observer.start()
        self._observer = observer
        self._watch_folders()

    def _watch_folders(self) -> None:
        """Watch customers/ and templates/ as they are now: created after the start, or
        deleted and made anew (a `git checkout`), a folder needs a new watch."""
        if self._observer is None:
            return
        for name in (CUSTOMERS_DIR, TEMPLATES_DIR):
            try:
                inode: int | None = (self.root / name).stat().st_ino
            except OSError:
                inode = None
            old = self._folders.get(name)
            if old is not None and old[1] == inode:
                continue
            if old is not None:
                with contextlib.suppress(KeyError, OSError):  # already gone with its folder
                    self._observer.unschedule(old[0])
                del self._folders[name]
            if inode is not None and (self.root / name).is_dir():
                watch = self._observer.schedule(self._handler, str(self.root / name),
                                                recursive=True)
                self._folders[name] = (watch, inode)

    def stop(self) -> None:
        """Stop the loop and the observer, and wait for both."""
        self.stopping.set()
        self.changes.flag.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join()
            self._observer = None
            self._folders.clear()
        with self.built:
            self.built.notify_all()
        with contextlib.suppress(Exception):  # a cache is never worth a traceback
            self.notes.save()
            if self._kept is not None and self._history[1] is not None:
                keep_history(self.root, self._kept)

    def run(self) -> None:
        """The one loop: wait for a change, debounce, rebuild; until `stop`."""
        while not self.stopping.is_set():
            if not self.changes.flag.wait(self._until_midnight()):
                if self.today is None and self.clock().date() != self.day:
                    self.rebuild((NEW_DAY,))
                continue
            if self.stopping.is_set():
                break
            self._settle()
            if self.stopping.is_set():
                break
            self._watch_folders()
            self.rebuild(self.changes.take())

    def _until_midnight(self) -> float | None:
        """Seconds to wait for a change before looking at the date again (None: forever,
        when `--today` fixed it)."""
        if self.today is not None:
            return None
        now = self.clock()
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
        return max(0.0, min(DAY_CHECK, (midnight - now).total_seconds() + 0.01))

    def _settle(self) -> None:
        """Wait for QUIET seconds without events (at most MAX_WAIT), then once more if a
        changed note is empty (a save caught between its truncate and its write)."""
        self._debounce()
        if self._empty_notes():
            self.stopping.wait(self.quiet)
            self._debounce()

    def _debounce(self) -> None:
        first = time.monotonic()
        while not self.stopping.is_set():
            now = time.monotonic()
            quiet_left = self.changes.last_event + self.quiet - now
            limit_left = first + self.max_wait - now
            if quiet_left <= 0 or limit_left <= 0:
                return
            self.stopping.wait(min(quiet_left, limit_left))

    def _empty_notes(self) -> bool:
        for rel in self.changes.peek():
            if rel.startswith(CUSTOMERS_DIR + "/"):
                try:
                    if (self.root / rel).stat().st_size == 0:
                        return True
                except OSError:
                    continue
        return False

    def wait_for_build(self, seen: int, timeout: float) -> int:
        """Block until the build count is no longer `seen` (or timeout, or stop); the count.

        "No longer", not "more than": a page still open from an earlier session, whose
        count was higher, then reloads too.
        """
        with self.built:
            self.built.wait_for(lambda: self.builds != seen or self.stopping.is_set(), timeout)
            return self.builds


def describe(rebuild: Rebuild) -> str:
    """One short line: what changed, how long it took, the problem count (or the failure)."""
    names = [Path(p).name for p in rebuild.changed]
    if not names:
        what = "built"
    elif rebuild.changed == (HEAD_MOVED,):
        what = "git HEAD moved"
    elif rebuild.changed == (NEW_DAY,):
        what = NEW_DAY
    else:
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        what = f"{len(names)} file{'s' if len(names) != 1 else ''} changed ({shown})"
    if rebuild.failure is not None:
        return f"{what}: build failed, keeping the last good site: {rebuild.failure}"
    problems = f"{rebuild.problems} problem{'s' if rebuild.problems != 1 else ''}"
    if rebuild.errors:
        problems += f" ({rebuild.errors} error{'s' if rebuild.errors != 1 else ''})"
    timing = f"built in {rebuild.seconds:.2f} s" if not names else \
        f"{what}: rebuilt in {rebuild.seconds:.2f} s"
    return (f"{timing}, {rebuild.pages_written} "
            f"file{'s' if rebuild.pages_written != 1 else ''} written, {problems}")
