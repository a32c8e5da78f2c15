"""`watch` and `serve`: the dashboard kept up to date while you edit (see watch.py, serve.py)."""

from __future__ import annotations

import contextlib
import signal
import tempfile
import webbrowser
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import click

from .autocommit import commit_changed_notes
from .build import BuildRefused, check_output
from .cli import EXIT_OK, EXIT_PROBLEMS, HISTORY_MISSING, cli, today_option, vault_root
from .history import GitFailed
from .watch import HEAD_MOVED, NEW_DAY, Rebuild, Watcher, describe


def _echo(rebuild: Rebuild) -> None:
    click.echo(f"vault-tool: {describe(rebuild)}", err=rebuild.failure is not None)
    for line in rebuild.template_problems:
        click.echo(line, err=True)


def committing(root: Path, today: date | None) -> Callable[[Rebuild], None]:
    """A report that also commits the changed notes after a rebuild with no errors."""

    def report(rebuild: Rebuild) -> None:
        _echo(rebuild)
        if not rebuild.changed or rebuild.failure is not None or rebuild.errors \
                or rebuild.changed in ((HEAD_MOVED,), (NEW_DAY,)):  # no note was saved
            return
        try:
            message = commit_changed_notes(root, today or date.today())
        except (GitFailed, FileNotFoundError) as exc:
            click.echo(f"vault-tool: not committed: {str(exc).splitlines()[-1]}", err=True)
            return
        if message is not None:
            click.echo(f"vault-tool: committed: {message.splitlines()[0]}", err=True)

    return report


@contextlib.contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM (`kill`, `timeout`, a service manager) stops `watch` and `serve` as Ctrl-C
    does: no staged file is left, serve's temporary copy of the site is deleted, and the
    exit code is 0. Without this, Python would die at once and leave them behind."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(watcher: Watcher, ready: Callable[[], str]) -> None:
    """Run the rebuild loop until Ctrl-C (or `watcher.stop`), then stop everything cleanly.

    `ready` starts what must run beside the loop (serve's server) and says what is ready.
    Everything after the first build is inside one `try`, so a Ctrl-C a moment after it,
    before the loop has begun, stops as cleanly as one during it."""
    try:
        if watcher.history_missing:
            missing = HISTORY_MISSING.get(watcher.history_missing, watcher.history_missing)
            click.echo(f"vault-tool: no history sections: {missing}", err=True)
        watcher.start()
        click.echo(f"vault-tool: {ready()} (Ctrl-C to stop)", err=True)
        watcher.run()
    except KeyboardInterrupt:
        click.echo("", err=True)
    finally:
        watcher.stop()


def _first_build(ctx: click.Context, watcher: Watcher) -> None:
    try:
        check_output(watcher.out, watcher.root)
    except BuildRefused as exc:
        click.echo(f"vault-tool: {exc}", err=True)
        ctx.exit(EXIT_PROBLEMS)
    try:
        watcher.rebuild()
    except KeyboardInterrupt:  # Ctrl-C before watching began: the site is as it was
        click.echo("\nvault-tool: stopped before the first build was done", err=True)
        ctx.exit(EXIT_OK)


HISTORY_HELP = ("Add what git's history tells (stage analytics, the pipeline at the start of "
                "the quarter, each customer's changes), as `build` does. Default: only when the "
                "vault is its own git repository's root.")


@cli.command()
@click.option("-o", "--output", default=None, metavar="DIR",
              help="Write the dashboard here (default: site/ in the vault).")
@click.option("--history/--no-history", "with_history", default=None, help=HISTORY_HELP)
@click.option("--commit", "commit", is_flag=True,
              help="After each rebuild with no errors, commit the changed customer notes "
                   "with a message saying what changed (off by default).")
@today_option
@click.pass_context
def watch(ctx: click.Context, output: str | None, with_history: bool | None, commit: bool,
          today: date | None) -> None:
    """Build the dashboard, then rebuild it after every change, until Ctrl-C.

    Watches customers/, vault.yml and the vault's templates/ folder. Changes
    are gathered until the vault has been quiet for 0.1 s (2 s at most), so
    a `git pull` of hundreds of files leads to one rebuild; swap, lock,
    backup and temporary files of editors are ignored, and so is the output
    folder. Prints one line per rebuild: what changed, how long it took, the
    problem count. A broken note shows up on the problems page; a build that
    fails keeps the last good site. Without --today, each rebuild uses the
    date of the moment, and the dashboard is rebuilt at midnight, when what
    is due today changes. With --commit, each rebuild with no errors commits the
    customer notes that changed, as the configured git user, with a message
    such as `acme: status: prospect → active; log +1`; nothing else is
    committed.

    \b
    Examples:
      vault-tool watch
      vault-tool watch -o /tmp/dashboard --today 2026-11-23
      vault-tool watch --commit
    """
    root = vault_root(ctx)
    target = ctx.obj["dir"] / output if output else root / "site"
    report = committing(root, today) if commit else _echo
    watcher = Watcher(root, target, today, report=report, history=with_history)
    with stopped_by_sigterm():
        _first_build(ctx, watcher)
        _run(watcher, lambda: f"watching {root}")


@cli.command()
@click.option("-o", "--output", default=None, metavar="DIR",
              help="Also write the dashboard here (default: a temporary folder, removed at "
                   "the end; site/ is not touched).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Anything but loopback lets others on the "
                   "network read your customers.")
@click.option("--open", "open_browser", is_flag=True, help="Open the dashboard in a browser.")
@click.option("--history/--no-history", "with_history", default=None, help=HISTORY_HELP)
@today_option
@click.pass_context
def serve(ctx: click.Context, output: str | None, port: int, host: str, open_browser: bool,
          with_history: bool | None, today: date | None) -> None:
    """Serve the dashboard on http://127.0.0.1:8000/ and keep it up to date.

    Rebuilds like `watch` and reloads open pages after each rebuild (no
    browser extension needed). Serves only the files of the site folder.
    Stop with Ctrl-C.

    \b
    Examples:
      vault-tool serve
      vault-tool -C example_vault serve --open
      vault-tool serve --port 8080 --today 2026-11-23
    """
    from .serve import SiteServer

    root = vault_root(ctx)
    with stopped_by_sigterm(), tempfile.TemporaryDirectory(prefix="vault-tool-serve-") as temp:
        target = ctx.obj["dir"] / output if output else Path(temp) / "site"
        watcher = Watcher(root, target, today, report=_echo, keep_memo=output is not None,
                          history=with_history)
        try:  # before the first build, so a busy port is said at once
            server = SiteServer(watcher.out, lambda: watcher.builds, watcher.wait_for_build,
                                host, port)
        except OSError as exc:
            click.echo(f"vault-tool: cannot listen on {host}:{port}: {exc.strerror or exc}; "
                       "choose another port with --port, e.g. --port 8080 (--port 0: any free "
                       "port)", err=True)
            ctx.exit(EXIT_PROBLEMS)
        try:
            _first_build(ctx, watcher)

            def serving() -> str:
                server.start()
                if open_browser:
                    webbrowser.open(server.url)
                return f"serving {server.url}"

            _run(watcher, serving)
        finally:
            server.stop()
