"""The one orchestrator from vault to site, and the atomic writing of the site.

Every file is written to a temporary file in its own folder and renamed over
the old one, so a browser never sees half a page; files whose bytes did not
change are not touched. (No fsync: the site is made from the vault and can
always be made again, and syncing 10,000 pages would cost seconds.) A manifest lists what the build wrote,
so the next build removes its own stale pages and nothing else.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from . import __version__
from . import memo as memo_module
from .asof import AsOfError, load_at, resolve
from .cache import CACHE_DIR, RACY_NS, Stamp, digest, read_pickle, stamp_of, write_pickle
from .config import CONFIG_FILE
from .history import Kept, note_timeline, repo_state, vault_history
from .model import Customer, Problem, Vault
from .output import customer_file
from .pieces import Pieces
from .pipeline import quarter_start
from .render import Renderer, Reuse, Section, problems_by_path, renderer, site_sections, template_dir
from .stages import deal_tracks, stage_stats
from .vault import find_notes
from .views import SiteHistory
from .workers import Background, gc_paused, worth_forking

MANIFEST = ".vault-tool-manifest"


class BuildRefused(Exception):
    """The output folder is not ours to write into."""


@dataclass(frozen=True)
class BuildResult:
    pages: int
    written: int
    removed: int


def write_atomic(path: Path, content: bytes) -> bool:
    """Replace `path` with `content` in one step. Returns False when nothing changed."""
    temp = stage_if_changed(path, content)
    if temp is None:
        return False
    try:
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def check_output(out: Path, vault_root: Path | None = None) -> None:
    """Refuse to write into a folder that holds something other than an earlier build."""
    if vault_root is not None and out.resolve() == vault_root.resolve():
        raise BuildRefused(f"{out} is the vault itself; choose another output folder with -o")
    if out.is_file():
        raise BuildRefused(f"{out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise BuildRefused(
            f"{out} is not empty and was not made by vault-tool; "
            "choose another folder with -o, or empty it first"
        )


def previous_files(out: Path) -> set[str]:
    try:
        lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    return {line for line in lines if line and not line.startswith("#")}


def gather_history(vault_root: Path, vault: Vault, today: date, wanted: bool | None,
                   kept: Kept | None = None) -> tuple[SiteHistory | None, str]:
    """The history sections' data, or None and why not ("" when simply not wanted).

    By default (`wanted` None) only a vault that is its own repository's root shows its
    history: a vault in a subfolder (like example_vault/ in vault-tool's own repository)
    would otherwise show the history of whatever project holds it, and a committed site
    would change with every commit. `--history` turns it on there too.

    `kept` (see history.Kept) is what an earlier call read, for `watch`, which calls this
    again after each commit: only what the new commits added is parsed.
    """
    if wanted is False:
        return None, ""
    state = repo_state(vault_root)
    if not state.available:
        return None, state.state if wanted else ""
    if wanted is None and state.prefix:
        return None, ""
    kept = Kept() if kept is None else kept
    stats = stage_stats(deal_tracks(note_timeline(state, kept)), vault.settings, today)
    notes = vault_history(vault_root, kept=kept)
    start = quarter_start(today)
    try:
        revision = resolve(state, start.isoformat())
    except AsOfError:  # the history starts after the quarter did
        return SiteHistory(stats, None, notes=notes.entries, uncommitted=notes.uncommitted), ""
    key = (revision.commit, start)
    if key not in kept.then:
        kept.then = {key: load_at(state, revision, start)}  # only the latest is worth keeping
    then = kept.then[key]
    return SiteHistory(stats, then, revision.short, revision.day, notes.entries, notes.uncommitted), ""


HISTORY_CACHE = "history.pickle"


def kept_history(root: Path) -> Kept:
    """What earlier builds read from git's history (history.Kept), from .vault-tool-cache/:
    with it, a build after a commit parses only what the new commits added."""
    stored = read_pickle(root / CACHE_DIR / HISTORY_CACHE)
    return stored if isinstance(stored, Kept) else Kept()


def keep_history(root: Path, kept: Kept) -> None:
    write_pickle(root / CACHE_DIR / HISTORY_CACHE, kept)


class SiteMemo:
    """What the builds into one folder wrote: each customer page's input key and the file's
    stamp after writing. A page whose key and file are both unchanged is not made again.

    Kept in memory by `watch`, and on disk (signed, like the note cache) for `build`.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        stored = read_pickle(path) if path else None
        self.pages: dict[str, tuple[bytes, Stamp]] = stored if isinstance(stored, dict) else {}
        # The last key of each page with the objects it was made from: an unchanged note
        # keeps its Customer object in the note cache, so its key need not be hashed again.
        self._recent: dict[str, tuple[object, object, bytes, bytes]] = {}
        self.pieces: Pieces | None = None  # set by `watch`, whose process outlives a build
        self.swept = False  # leftovers of killed builds are looked for once per process

    @classmethod
    def for_output(cls, root: Path, out: Path) -> SiteMemo:
        return cls(_cache_file(root, "site", out))

    def key(self, path: str, context: bytes, inputs: tuple[object, ...]) -> bytes:
        recent = self._recent.get(path)
        if recent is not None and recent[0] is inputs[0] and recent[1] == inputs[1:] \
                and recent[2] == context:
            return recent[3]
        key = digest(context + pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
        self._recent[path] = (inputs[0], inputs[1:], context, key)
        return key

    def fresh(self, out: Path, path: str, key: bytes) -> bool:
        known = self.pages.get(path)
        return known is not None and known[0] == key and stamp_of(f"{out}{os.sep}{path}") == known[1]

    def save(self, written: dict[str, tuple[bytes, Stamp]], paths: set[str]) -> None:
        self.pages = {p: v for p, v in (self.pages | written).items() if p in paths}
        self._recent = {p: v for p, v in self._recent.items() if p in paths}
        if self.path is not None:
            write_pickle(self.path, self.pages)


def build_site(vault: Vault, out: Path, today: date, vault_root: Path | None = None,
               history: SiteHistory | None = None, memo: SiteMemo | None = None) -> BuildResult:
    """Render the vault into `out`; remove the pages an earlier build made that are gone.

    Every page is made and staged before any is put in its place, so a build that fails
    leaves the last site as it was. With a `memo`, customer pages whose inputs did not
    change are not made again.
    """
    check_output(out, vault_root)
    with memo_module.customers_kept(vault.customers):
        return _build_site(vault, out, today, history, memo or SiteMemo())


def _build_site(vault: Vault, out: Path, today: date, history: SiteHistory | None,
                memo: SiteMemo) -> BuildResult:
    if not memo.swept:
        sweep_leftovers(out)
        memo.swept = True
    old = previous_files(out)
    r = renderer(vault, today, history, memo.pieces)
    context = page_context(r, vault.templates)
    by_path = problems_by_path(vault.problems)
    todo: list[tuple[Customer, list[Problem], bytes]] = []
    paths: list[str] = []
    tokens: dict[int, bytes] = {}
    for customer in vault.customers:
        path = customer_file(customer.id)
        paths.append(path)
        problems = by_path.get(customer.path, [])
        key = memo.key(path, context, (customer, problems, _history_of(history, customer.path)))
        tokens[id(customer)] = key
        if not memo.fresh(out, path, key):
            todo.append((customer, problems, key))
    customer_pages = set(paths)
    r = replace(r, reuse=Reuse(context, tokens, lambda path, key: memo.fresh(out, path, key)))
    if todo:
        r.customer_page(todo[0][0], todo[0][1])  # a broken template fails here, before writing
    r.compile_templates()  # once, here, rather than in every forked worker of every rebuild
    parallel = worth_forking(len(vault.customers))
    try:
        with gc_paused():
            staged = _make_pages(r, vault, out, todo, parallel)
    except Exception:
        if not parallel:
            raise
        # A worker's error comes back without its traceback, which look.py needs to find a
        # broken template's line: make the pages again in this process to raise it here.
        staged = _make_pages(r, vault, out, todo, False)
    finally:
        memo_module.forget()
    written = 0
    remembered: dict[str, tuple[bytes, Stamp]] = {}
    for path, temp, page_key in staged:
        if temp:
            os.replace(temp, out / path)
            written += 1
        if path not in customer_pages:  # customer pages are in `paths` already
            paths.append(path)
        if page_key is not None:
            remembered[path] = page_key, stamp_of(out / path) or Stamp(-1, -1, -1)
    manifest = "# files written by vault-tool build; do not edit\n" + "".join(
        f"{p}\n" for p in sorted(paths))
    write_atomic(out / MANIFEST, manifest.encode("utf-8"))
    removed = 0
    for stale in sorted(old - set(paths)):
        target = out / stale
        if ".." not in Path(stale).parts and target.is_file():
            target.unlink()
            removed += 1
            _remove_empty_parents(target.parent, out)
    memo.save(remembered, set(paths))
    return BuildResult(len(paths), written, removed)


def page_context(r: Renderer, overrides: Path | None) -> bytes:
    """What every customer page depends on besides its customer: the tool, the day, the
    settings, the site's name and the templates (the package's and the vault's)."""
    parts = [__version__.encode(), r.today.isoformat().encode(),
             pickle.dumps((r.settings, r.site.title, r.site.currency, r.history is not None))]
    return digest(b"\0".join(parts) + templates_digest(overrides))


def templates_digest(overrides: Path | None) -> bytes:
    """A fingerprint of every template file that can shape a page."""
    parts = []
    for folder in (template_dir(), overrides):
        if folder is not None and folder.is_dir():
            for template in sorted(folder.rglob("*")):
                if template.is_file():
                    parts += [template.relative_to(folder).as_posix().encode(),
                              template.read_bytes()]
    return digest(b"\0".join(parts))


def _history_of(history: SiteHistory | None, path: str) -> object:
    if history is None:
        return None
    return history.notes.get(path, ()), path in history.uncommitted


Staged = tuple[str, str | None, bytes | None]  # page path, its staged file or None, its key


def _make_pages(r: Renderer, vault: Vault, out: Path,
                todo: list[tuple[Customer, list[Problem], bytes]], parallel: bool) -> list[Staged]:
    """Make every page that may have changed, each staged beside its place (none is kept in
    memory) and none put in its place yet, so a build that fails leaves the site as it was.

    The vault-wide sections and chunks of customer pages are shared among worker processes,
    the biggest first; this process meanwhile makes the sections that keep `r.pieces`.
    """
    kept, anywhere = site_sections(r, vault)
    tasks: list[Section | tuple[Customer, list[Problem], bytes]] = [*anywhere, *todo]

    def work(chunk: Sequence[Section | tuple[Customer, list[Problem], bytes]]) -> list[Staged]:
        done: list[Staged] = []
        for task in chunk:
            if isinstance(task, tuple):
                done.append(_stage_customer(r, out, *task))
            else:
                done.extend(_stage_section(out, task))
        return done

    staged: list[Staged] = []
    try:
        with Background(work, tasks, alone=len(anywhere), parallel=parallel) as job:
            for section in kept:
                staged.extend(_stage_section(out, section))
            staged.extend(job.results())
    except BaseException:  # an error, or Ctrl-C: leave the folder as it was
        for leftover in out.rglob(".tmp-*"):  # ours and the workers'
            leftover.unlink(missing_ok=True)
        for folder in sorted((f for f in out.rglob("*") if f.is_dir()), reverse=True):
            with contextlib.suppress(OSError):  # only folders left empty
                folder.rmdir()
        raise
    return staged


def _stage_section(out: Path, section: Section) -> list[Staged]:
    return [(page.path, None if page.kept else stage_if_changed(out / page.path, page.content),
             page.key) for page in section()]


def _stage_customer(r: Renderer, out: Path, customer: Customer, problems: list[Problem],
                    key: bytes) -> Staged:
    page = r.customer_page(customer, problems)
    return page.path, stage_if_changed(out / page.path, page.content), key


def stage_if_changed(path: Path, content: bytes) -> str | None:
    """A temporary file beside `path` holding `content`, unless `path` holds it already."""
    return None if holds(path, content) else stage(path, content)


COMPARE_CHUNK = 1 << 20


def holds(path: Path, content: bytes) -> bool:
    """Whether the file at `path` has exactly these bytes. Read in chunks, and not at all
    when the sizes differ: customers.json is 190 MB at 100,000 customers."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size != len(content):
                return False
            view, done = memoryview(content), 0
            while chunk := handle.read(COMPARE_CHUNK):
                if view[done:done + len(chunk)] != chunk:
                    return False
                done += len(chunk)
            return done == len(content)
    except OSError:
        return False


_staged = itertools.count()
_STAGED_NAME = re.compile(r"\.tmp-(\d+)-\d+")


def sweep_leftovers(out: Path) -> int:
    """Remove the staged files of builds that were killed (SIGKILL, a power cut) before
    they could clean up: their process is gone. Files of a running build are left alone.
    Only on POSIX systems, where a process can be asked whether it is alive."""
    if os.name != "posix" or not out.is_dir():
        return 0
    removed = 0
    for temp in out.rglob(".tmp-*"):
        match = _STAGED_NAME.match(temp.name)
        if match and temp.is_file() and not _alive(int(match.group(1))):
            temp.unlink(missing_ok=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process; or not a pid this system can have: keep it
    return True


def stage(path: Path, content: bytes) -> str:
    """Write `content` to a new temporary file in `path`'s folder; its name.

    The name is made of the process id and a counter, opened with O_EXCL so that it never
    reuses a file: tempfile.mkstemp does the same with random names, five times slower
    (a second for the 10,000 pages of a big vault).
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        temp = os.path.join(folder, f".tmp-{os.getpid()}-{next(_staged)}{path.suffix}")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:  # left by a process that had our id before
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return temp


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# --- a build with nothing to do ----------------------------------------------


@dataclass(frozen=True)
class Unchanged:
    """What a build into `out` reported, kept to be reported again while nothing changes."""

    key: bytes
    outputs: dict[str, Stamp]
    result: BuildResult
    problems: tuple[Problem, ...]
    locale: str


def inputs_key(root: Path, today: date, options: str) -> bytes | None:
    """A fingerprint of everything a plain build reads: the tool, the day, the options,
    vault.yml, the templates, git's HEAD, and every note's stamp. None when a note is so
    recent that its stamp cannot be trusted to show a change (see cache.RACY_NS)."""
    parts = [__version__.encode(), today.isoformat().encode(), options.encode(),
             head_commit(root).encode()]
    config = root / CONFIG_FILE
    parts.append(config.read_bytes() if config.is_file() else b"-")
    parts.append(templates_digest(root / "templates"))
    limit = time.time_ns() - RACY_NS
    for rel in find_notes(root):
        stamp = stamp_of(root / rel)
        if stamp is None or stamp.mtime_ns >= limit:
            return None
        parts.append(f"{rel}\0{stamp.size}\0{stamp.mtime_ns}\0{stamp.inode}".encode())
    return digest(b"\0".join(parts))


def head_commit(root: Path) -> str:
    """The commit the history sections would read (empty outside a repository)."""
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def _cache_file(root: Path, kind: str, out: Path) -> Path:
    """The vault's cache file of `kind` about the output folder `out`."""
    return root / CACHE_DIR / f"{kind}-{digest(str(out.resolve()).encode()).hex()}.pickle"


def unchanged_build(root: Path, out: Path, key: bytes | None) -> Unchanged | None:
    """The last build's report if its inputs are `key` and every file it wrote is as it left it."""
    if key is None:
        return None
    last = read_pickle(_cache_file(root, "build", out))
    if not isinstance(last, Unchanged) or last.key != key:
        return None
    if any(stamp_of(out / path) != stamp for path, stamp in last.outputs.items()):
        return None
    return last


def remember_build(root: Path, out: Path, key: bytes | None, result: BuildResult,
                   problems: tuple[Problem, ...], locale: str) -> None:
    """Keep what `unchanged_build` needs to skip the next build if nothing changes."""
    path = _cache_file(root, "build", out)
    if key is None:
        path.unlink(missing_ok=True)
        return
    outputs = {}
    for rel in [*sorted(previous_files(out)), MANIFEST]:
        stamp = stamp_of(out / rel)
        if stamp is None:
            return
        outputs[rel] = stamp
    write_pickle(path, Unchanged(key, outputs, result, problems, locale))
