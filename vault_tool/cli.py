"""The `vault-tool` command line: a thin adapter over load -> compute -> render.

Like git, every command works on the vault in the current folder, or the one
named with `-C PATH`, and every path option is relative to that folder.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .cache import CACHE_DIR, NoteCache
from .convert import DURATION_RE, MAX_DURATION_DAYS, UNIT_DAYS, nearest
from .followups import due_within
from .i18n import text_table, tr
from .messages import format_problem
from .model import Duration, Problem, Vault
from .records import customer_dict, due_dict, problem_dict
from .vault import is_vault, load_vault

if TYPE_CHECKING:
    from .build import BuildResult

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PROBLEMS, EXIT_NO_VAULT = 0, 1, 2


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            when = date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-02", param, ctx)
        if not 1900 <= when.year <= 9000:
            self.fail(f"{value!r} is out of range; use a year from 1900 to 9000", param, ctx)
        return when


class DurationType(click.ParamType):  # type: ignore[type-arg]
    name = "DURATION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> Duration:
        if isinstance(value, Duration):
            return value
        match = DURATION_RE.match(str(value))
        if not match:
            self.fail(f"{value!r} is not a duration; write e.g. 7d, 2w, 3m or 1y", param, ctx)
        count, unit = int(match.group(1)), match.group(2)
        if count * UNIT_DAYS[unit] > MAX_DURATION_DAYS:
            self.fail(f"{value!r} is too long; use at most 100 years", param, ctx)
        return Duration(count, unit)  # type: ignore[arg-type]


def today_option(func: F) -> F:
    return click.option(
        "--today", type=DateType(), default=None,
        help="Take this date as today (default: the local date). Same vault + same date "
             "= same output.",
    )(func)


HISTORY_MISSING = {
    "no-git": "git is not installed (or not on the PATH)",
    "no-repo": "the vault is not in a git repository",
    "no-commits": "the repository has no commits yet",
    "error": "git could not read the history",
}


def as_of_option(func: F) -> F:
    return click.option(
        "--as-of", "as_of", default=None, metavar="REV",
        help="Read the vault as it stood at this git commit (a hash, branch, tag, HEAD~3, or a "
             "date YYYY-MM-DD: the last commit on or before it), from git, without touching your "
             "files. --today then defaults to that commit's date.",
    )(func)


def format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
        help="Readable text, or JSON for scripts.",
    )(func)


def find_root(start: Path) -> Path | None:
    """The vault: START itself, or the nearest folder above it with a vault.yml."""
    if is_vault(start):
        return start
    for parent in start.resolve().parents:
        if (parent / "vault.yml").is_file():
            return parent
    return None


def vault_root(ctx: click.Context) -> Path:
    """The vault's folder (see `find_root`), or exit 2 with a message saying how to name it."""
    start: Path = ctx.obj["dir"]
    root = find_root(start)
    if root is None:
        click.echo(
            f"vault-tool: {start} is not a vault: it has no vault.yml and no customers/ folder.\n"
            "Run vault-tool in your vault's folder, or name it with -C PATH.", err=True,
        )
        ctx.exit(EXIT_NO_VAULT)
    return root


def open_vault(ctx: click.Context, today: date | None, as_of: str | None = None,
               only_id: str | None = None, cache: bool = True) -> tuple[Vault, Path, date]:
    """The vault now, or with `as_of` as it stood at that revision (exit 1 if it cannot be read).

    `only_id` lets an old vault be read for one customer (see asof.load_at). The vault now
    is read through the note cache in .vault-tool-cache/ unless `cache` is False.
    """
    root = vault_root(ctx)
    if as_of is not None:
        from .asof import AsOfError, load_as_of

        try:
            vault, revision, when = load_as_of(root, as_of, today, only_id)
        except AsOfError as exc:
            click.echo(f"vault-tool: {exc}", err=True)
            ctx.exit(EXIT_PROBLEMS)
        click.echo(f"vault-tool: as of {revision.short} ({revision.when:%Y-%m-%d %H:%M %z})",
                   err=True)
        return vault, root, when
    when = today or date.today()
    if not cache:
        return load_vault(root, when), root, when
    notes = NoteCache(root / CACHE_DIR)
    vault = load_vault(root, when, notes)
    notes.save()
    return vault, root, when


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", default=".", metavar="PATH", type=click.Path(file_okay=False),
              help="Run as if vault-tool was started in PATH (the vault's folder).")
@click.version_option(__version__, prog_name="vault-tool")
@click.pass_context
def cli(ctx: click.Context, directory: str) -> None:
    """A plain-text CRM: customers are Markdown notes with YAML front matter.

    \b
    vault-tool check              find every mistake in the vault
    vault-tool due                who to contact today and this week
    vault-tool show ID            one customer as vault-tool understands it
    vault-tool build              render the HTML dashboard into site/
    """
    ctx.obj = {"dir": Path(directory)}


@cli.command()
@format_option
@today_option
@click.pass_context
def check(ctx: click.Context, fmt: str, today: date | None) -> None:
    """Validate every note and vault.yml, and print every problem.

    Each problem prints as `path:line:col: severity: message [code]`, which
    editors can jump to. JSON is a list of {path, line, column, severity, code,
    message}. Exit status: 0 without errors (warnings allowed), 1 with errors,
    2 when there is no readable vault.

    \b
    Examples:
      vault-tool check
      vault-tool -C ~/customers check --format json
    """
    vault, _, _ = open_vault(ctx, today)
    locale = vault.settings.locale
    if fmt == "json":
        _print_json([problem_dict(p, locale) for p in vault.problems])
    else:
        for problem in vault.problems:
            click.echo(format_problem(problem, locale))
        click.echo(tr(locale, "check_summary").format(
            customers=len(vault.customers), errors=vault.error_count,
            warnings=vault.warning_count), err=True)
    ctx.exit(EXIT_PROBLEMS if vault.error_count else EXIT_OK)


@cli.command()
@click.option("--within", type=DurationType(), default="7d", show_default=True,
              help="Also list what falls due from today up to today + this duration.")
@click.option("--owner", default=None, help="Only this owner's customers.")
@format_option
@today_option
@as_of_option
@click.pass_context
def due(ctx: click.Context, within: Duration, owner: str | None, fmt: str,
        today: date | None, as_of: str | None) -> None:
    """List follow-ups that are overdue or due soon, oldest first.

    A customer is due on its `next_follow_up`, or else on its last contact
    (or `created`) plus its cadence. JSON is a list of {id, name, owner, due,
    reason, days_overdue, follow_up, path}, sorted by due date, then id;
    days_overdue is 0 for follow-ups not yet overdue.

    \b
    Examples:
      vault-tool due
      vault-tool due --within 2w --owner alice
      vault-tool due --format json --today 2026-11-23
      vault-tool due --as-of HEAD~10       # what was due then
    """
    vault, _, when = open_vault(ctx, today, as_of)
    items = due_within(vault, when, within, owner)
    if fmt == "json":
        _print_json([due_dict(i, when) for i in items])
        return
    locale = vault.settings.locale
    if not items:
        click.echo(tr(locale, "nothing_due").format(within=within))
        return
    header = [tr(locale, k) for k in ("due", "overdue_days", "customer", "owner", "next_step")]
    rows = [[i.due.isoformat(), str(i.days_overdue(when) or ""), f"{i.customer.name} ({i.customer.id})",
             i.customer.owner or "", i.customer.follow_up or tr(locale, f"reason_{i.follow_up.reason}")]
            for i in items]
    click.echo(text_table(header, rows))
    if vault.error_count:
        click.echo(tr(locale, "errors_hint").format(errors=vault.error_count), err=True)


@cli.command()
@click.argument("customer_id", metavar="ID")
@format_option
@today_option
@as_of_option
@click.pass_context
def show(ctx: click.Context, customer_id: str, fmt: str, today: date | None,
         as_of: str | None) -> None:
    """Show one customer as vault-tool understands it.

    Prints the fields as parsed, the log, the last contact and the next
    follow-up. ID is the file name without `.md` (e.g. `acme` for
    customers/acme.md, `上海华联` for customers/上海华联.md).

    \b
    Examples:
      vault-tool show acme
      vault-tool show 上海华联 --format json
      vault-tool show acme --as-of 2026-06-30   # as it was then (the id it had then)
    """
    vault, _, when = open_vault(ctx, today, as_of, only_id=customer_id)
    customer = vault.customer(customer_id)
    locale = vault.settings.locale
    if customer is None:
        suggestion = nearest(customer_id, [c.id for c in vault.customers])
        message = tr(locale, "no_such_customer").format(id=customer_id)
        if suggestion:
            message += " " + tr(locale, "did_you_mean").format(suggestion=suggestion)
        for problem in vault.problems:
            if Path(problem.path).stem == customer_id and problem.severity == "error":
                click.echo(format_problem(problem, locale), err=True)
        click.echo(f"vault-tool: {message}", err=True)
        ctx.exit(EXIT_PROBLEMS)
    record = customer_dict(customer, vault.settings, when)
    problems = [p for p in vault.problems if p.path == customer.path]
    if fmt == "json":
        record["problems"] = [problem_dict(p, locale) for p in problems]
        _print_json(record)
        return
    _print_customer(record, locale)
    for problem in problems:
        click.echo(format_problem(problem, locale), err=True)


def _print_customer(record: dict[str, Any], locale: str) -> None:
    fields = record["fields"]
    click.echo(f"{fields.get('name', record['id'])}  ({record['id']}, {record['path']})")
    for key, value in fields.items():
        if key == "name":
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            click.echo(f"  {key}:")
            for item in value:
                click.echo("    - " + ", ".join(f"{k}: {v}" for k, v in item.items()))
        elif isinstance(value, list):
            click.echo(f"  {key}: {', '.join(map(str, value))}")
        else:
            click.echo(f"  {key}: {value}")
    click.echo(f"  {tr(locale, 'last_contact')}: {record['last_contact'] or '-'}")
    plan = record["follow_up"]
    if plan is None:
        click.echo(f"  {tr(locale, 'next_follow_up')}: {tr(locale, 'closed')}")
    else:
        reason = tr(locale, f"reason_{plan['reason']}") if plan["reason"] else tr(locale, "no_plan")
        click.echo(f"  {tr(locale, 'next_follow_up')}: {plan['due'] or '-'} ({reason})")
    if record["going_cold"]:
        click.echo(f"  {tr(locale, 'going_cold')}")
    if record["log"]:
        click.echo(f"  {tr(locale, 'log')}:")
        for entry in record["log"]:
            click.echo(f"    {entry['date']} {entry['channel']}: {entry['text']}")


@cli.command()
@click.option("-o", "--output", default=None, metavar="DIR",
              help="Write the dashboard here (default: site/ in the vault).")
@click.option("--strict", is_flag=True, help="Fail (exit 1, nothing written) if the vault has errors.")
@click.option("--history/--no-history", "with_history", default=None,
              help="Add what git's history tells (stage analytics, the pipeline at the start "
                   "of the quarter) to the pipeline page. Default: only when the vault is its "
                   "own git repository's root, and never with --as-of.")
@click.option("--redact", is_flag=True,
              help="Leave the fields vault.yml lists as `private` out of every page and file.")
@click.option("--owner", default=None, metavar="NAME",
              help="Build a dashboard of this owner's customers only.")
@click.option("--no-cache", is_flag=True,
              help="Read every note and make every page again, ignoring .vault-tool-cache/ "
                   "(the cache is still written).")
@today_option
@as_of_option
@click.pass_context
def build(ctx: click.Context, output: str | None, strict: bool, with_history: bool | None,
          redact: bool, owner: str | None, no_cache: bool, today: date | None,
          as_of: str | None) -> None:
    """Render the HTML dashboard into site/ (or DIR).

    Pages: index.html (today's work, key figures and the customer table),
    follow-ups.html, pipeline.html, segments.html, value.html, owners.html,
    one page per customer under customers/, and problems.html; files:
    follow-ups.ics, customers.csv and customers.json. A vault with errors still
    builds: broken files are listed on the problems page. The same vault and
    --today give byte-identical files. --redact and --owner make a dashboard to
    share (and turn the history sections off); --redact leaves out the fields
    vault.yml lists as `private`. HTML templates in the vault's templates/
    folder change the look (see "Changing the look" in docs/dashboard.md); a
    template with a mistake is reported at its line, and the standard
    templates are used instead.

    \b
    Examples:
      vault-tool build
      vault-tool build -o /tmp/dashboard --today 2026-11-23
      vault-tool build --strict      # for CI: refuse a vault with errors
      vault-tool build --as-of 2026-06-30 -o /tmp/june   # the dashboard as it was then
      vault-tool build --no-history  # leave out the sections read from git
      vault-tool build --redact --owner alice -o ../alice   # for Alice, without phone numbers
    """
    from .build import (
        BuildRefused,
        SiteMemo,
        gather_history,
        inputs_key,
        keep_history,
        kept_history,
        remember_build,
        unchanged_build,
    )
    from .history import Kept
    from .look import BrokenTemplates, build_with_look

    shared = as_of or redact or owner
    root = vault_root(ctx)
    target = ctx.obj["dir"] / output if output else root / "site"
    key = None if shared else inputs_key(root, today or date.today(), f"history={with_history}")
    last = None if no_cache else unchanged_build(root, target, key)
    if last is not None:  # nothing changed since the last build into `target`
        _built(ctx, last.problems, replace(last.result, written=0, removed=0), target, strict,
               last.locale)
        return
    vault, root, when = open_vault(ctx, today, as_of, cache=not no_cache)
    vault = _shared(ctx, vault, redact, owner)
    locale = vault.settings.locale
    _refuse_strict(ctx, vault.problems, strict, locale)
    kept = None if shared else Kept() if no_cache else kept_history(root)
    history, missing = gather_history(root, vault, when, False if shared else with_history, kept)
    if kept is not None and history is not None:
        keep_history(root, kept)
    if missing:
        click.echo(f"vault-tool: no history sections: {HISTORY_MISSING[missing]}", err=True)
    memo = None if shared else SiteMemo.for_output(root, target)
    try:
        result, broken = build_with_look(vault, target, when, root, history, strict=strict,
                                         memo=memo)
    except BuildRefused as exc:
        click.echo(f"vault-tool: {exc}", err=True)
        ctx.exit(EXIT_PROBLEMS)
    except BrokenTemplates as exc:
        for problem in exc.problems:
            click.echo(format_problem(problem, locale), err=True)
        click.echo(tr(locale, "strict_refused").format(errors=len(exc.problems)), err=True)
        ctx.exit(EXIT_PROBLEMS)
    problems = vault.problems + broken
    if not shared:
        remember_build(root, target, key, result, problems, locale)
    _built(ctx, broken, result, target, False, locale, problems)


def _refuse_strict(ctx: click.Context, problems: tuple[Problem, ...], strict: bool,
                   locale: str) -> None:
    """Print the errors; with --strict, stop when there are any."""
    errors = [p for p in problems if p.severity == "error"]
    for problem in errors:
        click.echo(format_problem(problem, locale), err=True)
    if strict and errors:
        click.echo(tr(locale, "strict_refused").format(errors=len(errors)), err=True)
        ctx.exit(EXIT_PROBLEMS)


def _built(ctx: click.Context, problems: tuple[Problem, ...], result: BuildResult, target: Path,
           strict: bool, locale: str, counted: tuple[Problem, ...] | None = None) -> None:
    """The build's report: its errors (unless printed already) and the one summary line."""
    _refuse_strict(ctx, problems, strict, locale)
    counted = problems if counted is None else counted
    click.echo(tr(locale, "built").format(
        pages=result.pages, written=result.written, removed=result.removed, out=target,
        errors=sum(1 for p in counted if p.severity == "error"),
        warnings=sum(1 for p in counted if p.severity == "warning")))


def _shared(ctx: click.Context, vault: Vault, redact: bool, owner: str | None) -> Vault:
    """The vault as `build --owner` and `--redact` share it (see redact.py)."""
    from .redact import only_owner, owners
    from .redact import redact as redacted

    if owner is not None:
        known = owners(vault)
        if owner not in known:
            hint = nearest(owner, known)
            click.echo(f"vault-tool: no customer has the owner {owner!r}"
                       + (f"; did you mean {hint!r}?" if hint else "")
                       + f" Owners: {', '.join(known) or 'none'}.", err=True)
            ctx.exit(EXIT_PROBLEMS)
        vault = only_owner(vault, owner)
    if redact and not vault.settings.private:
        click.echo("vault-tool: --redact: vault.yml lists no `private` fields, so nothing is left "
                   "out. Add e.g. `private: [contacts.phone, contacts.wechat]`.", err=True)
    return redacted(vault) if redact else vault


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def main() -> None:
    """Entry point: no traceback ever reaches a user."""
    try:
        cli.main(prog_name="vault-tool", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("", err=True)
        sys.exit(130)
    except BrokenPipeError:  # `vault-tool due | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_PROBLEMS)
    except Exception as exc:  # the last line of defence: report, don't dump
        if os.environ.get("VAULT_TOOL_DEBUG"):
            raise
        click.echo(f"vault-tool: internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in vault-tool. Set VAULT_TOOL_DEBUG=1 to see the details, "
                   "and please report it.", err=True)
        sys.exit(70)


# The other command modules add their commands to `cli` when imported; they import `cli`
# from here, so this comes last.
from . import cli_cleanup, cli_git, cli_import, cli_live, cli_write  # noqa: E402, F401
