"""The one orchestrator from vault to site, and the atomic writing of the site.

Every file is written to a temporary file in its own folder, synced and
renamed over the old one, so a browser never sees half a page; files whose
bytes did not change are not touched. A manifest lists what the build wrote,
so the next build removes its own stale pages and nothing else.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .asof import AsOfError, load_at, resolve
from .history import note_timeline, repo_state, vault_history
from .model import Vault
from .pipeline import quarter_start
from .render import render_site
from .stages import deal_tracks, stage_stats
from .views import SiteHistory

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
    try:
        if path.read_bytes() == content:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
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


def gather_history(vault_root: Path, vault: Vault, today: date, wanted: bool | None
                   ) -> tuple[SiteHistory | None, str]:
    """The history sections' data, or None and why not ("" when simply not wanted).

    By default (`wanted` None) only a vault that is its own repository's root shows its
    history: a vault in a subfolder (like example_vault/ in vault-tool's own repository)
    would otherwise show the history of whatever project holds it, and a committed site
    would change with every commit. `--history` turns it on there too.
    """
    if wanted is False:
        return None, ""
    state = repo_state(vault_root)
    if not state.available:
        return None, state.state if wanted else ""
    if wanted is None and state.prefix:
        return None, ""
    stats = stage_stats(deal_tracks(note_timeline(state)), vault.settings, today)
    notes = vault_history(vault_root)
    start = quarter_start(today)
    try:
        revision = resolve(state, start.isoformat())
    except AsOfError:  # the history starts after the quarter did
        return SiteHistory(stats, None, notes=notes.entries, uncommitted=notes.uncommitted), ""
    then = load_at(state, revision, start)
    return SiteHistory(stats, then, revision.short, revision.day, notes.entries, notes.uncommitted), ""


def build_site(vault: Vault, out: Path, today: date, vault_root: Path | None = None,
               history: SiteHistory | None = None) -> BuildResult:
    """Render the vault into `out`; remove the pages an earlier build made that are gone."""
    check_output(out, vault_root)
    old = previous_files(out)
    written = 0
    paths: list[str] = []
    pages = list(render_site(vault, today, history))  # a render that fails writes nothing
    for page in pages:
        paths.append(page.path)
        written += write_atomic(out / page.path, page.content)
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
    return BuildResult(len(paths), written, removed)


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
