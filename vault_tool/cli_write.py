"""Commands that write notes (new, log, done, snooze, set): registered on the main group.

Each command finds one note, asks edit.py (pure) for its new text, and hands
old and new to writer.py, which refuses or writes. What is left here is
turning arguments into those calls and the result into one line of output.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from . import writer
from .cli import EXIT_PROBLEMS, DateType, DurationType, cli, today_option, vault_root
from .convert import DURATION_RE, nearest
from .edit import EditRefused, find_deal, read_note, remove_key, set_deal_value, set_value, value_at
from .logbook import resolve_channel
from .logedit import add_log_entry
from .messages import format_problem
from .model import Duration, Settings
from .newnote import BUILTIN_TEMPLATE, BadId, check_id, make_id, render_template, template_values
from .vault import customer_id, read_bytes

F = TypeVar("F", bound=Callable[..., Any])

FIELDS = ("name", "status", "owner", "industry", "region", "source", "follow_up", "next_follow_up",
          "cadence")
DEAL_FIELDS = ("stage", "value", "currency", "probability", "expected_close", "closed")
TEMPLATE = Path("templates") / "customer.md"
ENTRY = re.compile(r"^\s*([^\s:：]+)\s*[:：]\s*(.*)$", re.DOTALL)


class DateOrDuration(click.ParamType):  # type: ignore[type-arg]
    """A day (2026-12-01) or a duration after some day (3d, 2w, 1m, 1y)."""

    name = "DATE|DURATION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> date | Duration:
        if isinstance(value, (date, Duration)):
            return value
        if DURATION_RE.match(str(value)):
            return DurationType().convert(value, param, ctx)
        if not re.match(r"^\d{4}-", str(value)):
            self.fail(f"{value!r} is neither a date (YYYY-MM-DD) nor a duration (3d, 2w, 1m, 1y)",
                      param, ctx)
        return DateType().convert(value, param, ctx)


def write_options(func: F) -> F:
    func = click.option("--commit", is_flag=True,
                        help="Commit the changed file with git, with a message saying what changed. "
                             "Refused, before anything is written, when git cannot do it.")(func)
    func = click.option("--dry-run", is_flag=True,
                        help="Print the change as a unified diff, and write nothing.")(func)
    return today_option(func)


@dataclass(frozen=True)
class Session:
    root: Path
    settings: Settings
    today: date
    dry_run: bool
    commit: bool


def start(ctx: click.Context, today: date | None, dry_run: bool, commit: bool) -> Session:
    root = vault_root(ctx)
    return Session(root, writer.read_settings(root), today or date.today(), dry_run, commit)


@contextmanager
def refusals(ctx: click.Context, locale: str) -> Iterator[None]:
    """A refusal prints the note's problems and one line saying why, and exits 1."""
    try:
        yield
    except (writer.WriteRefused, BadId) as exc:
        for problem in getattr(exc, "problems", ()):
            click.echo(format_problem(problem, locale), err=True)
        click.echo(f"vault-tool: {exc}", err=True)
        ctx.exit(EXIT_PROBLEMS)


Edit = Callable[[str], tuple[str, list[str]]]  # old text -> new text, what changed


def change_note(ctx: click.Context, session: Session, wanted: str, make: Edit) -> None:
    """Find the note, make the change with `make`, and write (or show) it."""
    with refusals(ctx, session.settings.locale):
        rel = writer.locate(session.root, wanted)
        before = writer.read_note(session.root, rel, session.settings, session.today)
        try:
            text, parts = make(before.text)
        except EditRefused as exc:
            raise writer.WriteRefused(f"cannot change {rel}: {exc}. Nothing was changed.") from None
        summary = ", ".join(parts)
        change = writer.Change(rel, before.path, before, text.encode("utf-8"), summary)
        finish(session, change, f"{customer_id(rel)}: {summary}")


def finish(session: Session, change: writer.Change, message: str) -> None:
    """Check the result, then print the diff (--dry-run) or write, commit and say what was done."""
    if change.before is not None and change.after == change.before.data:
        click.echo(f"{change.rel}: nothing to change ({change.summary}); nothing written")
        return
    wrong = (f"the new note would have errors (see {TEMPLATE.as_posix()} if the vault has one)"
             if change.before is None else f"the change would leave errors in {change.rel}")
    writer.refuse_errors(change.rel, change.after, session.settings, session.today,
                         f"{wrong}. Nothing was changed.")
    if session.dry_run:
        click.echo(writer.diff(change), nl=False)
        click.echo("(dry run: nothing written)", err=True)
        return
    target = (writer.prepare_commit(session.root, change.target, change.rel, change.before is None)
              if session.commit else None)
    writer.save(change)
    done = f"{change.rel}: {change.summary}"
    if target is not None:
        done += f" (committed {writer.commit(target, message)})"
    click.echo(done)


def arrow(field: str, old: str | None, new: str | None) -> str:
    """`status prospect → active`, for messages and commit subjects."""
    return f"{field} {short(old) if old else '(empty)'} → {short(new) if new else '(removed)'}"


def short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def resolve_date(value: date | Duration, start_day: date) -> date:
    return value if isinstance(value, date) else value.after(start_day)


def set_or_remove(text: str, key: str, value: str | None, after: str | None = None
                  ) -> tuple[str, str | None]:
    """The new text with `key` set (or removed for None), and an `a → b` note if it changed."""
    old = value_at(text, (key,))
    new_text = remove_key(text, key) if value is None else set_value(text, key, value, after=after)
    return new_text, arrow(key, old, value) if old != value else None


# --- the commands ----------------------------------------------------------------------------

@cli.command()
@click.argument("name")
@click.option("--owner", default=None, help="The colleague in charge (one of `owners` in vault.yml).")
@click.option("--status", default=None, help="The customer's status (one of `statuses` in vault.yml).")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for several: --tag vip --tag retail.")
@click.option("--id", "wanted_id", default=None,
              help="The id (file name) to use instead of one made from NAME.")
@write_options
@click.pass_context
def new(ctx: click.Context, name: str, owner: str | None, status: str | None, tags: tuple[str, ...],
        wanted_id: str | None, today: date | None, dry_run: bool, commit: bool) -> None:
    """Create customers/<id>.md for a new customer.

    The id is made from NAME: lower case, accents removed, words joined by
    hyphens, legal forms (Ltd, GmbH, 有限公司) left out, and Chinese written
    in pinyin (上海华联 -> shanghai-hualian) unless vault.yml has
    `keep_chinese_ids: true`. The note comes from templates/customer.md in
    the vault when there is one (see docs/commands.md for its placeholders),
    else it has name, status, owner, tags, `created` (today) and an empty log.
    Refused when a customer with that id exists, in any folder and in any
    upper or lower case.

    \b
    Examples:
      vault-tool new "Acme Trading Ltd" --owner alice --status lead --tag retail
      vault-tool new 上海华联 --status 线索
      vault-tool new "Nordic Home AB" --id nordic-home-oslo --commit
    """
    session = start(ctx, today, dry_run, commit)
    with refusals(ctx, session.settings.locale):
        name = " ".join(name.split())
        if not name:
            raise click.BadParameter("the name is empty", param_hint="NAME")
        new_id = check_id(wanted_id) if wanted_id is not None else make_id(
            name, session.settings.keep_chinese_ids)
        existing = writer.existing_id(session.root, new_id)
        if existing is not None:
            raise writer.WriteRefused(f"a customer with the id '{new_id}' already exists: {existing}. "
                                      "Choose another id with --id.")
        values = template_values(name, new_id, session.today, owner, status, tags,
                                 session.settings.log_headings[0])
        text = render_template(read_template(session.root), values)
        rel, target = writer.new_note_path(session.root, new_id)
        change = writer.Change(rel, target, None, text.encode("utf-8"), f"new customer {new_id}")
        finish(session, change, f"new customer {new_id}")


def read_template(root: Path) -> str:
    path = root / TEMPLATE
    if not path.exists():
        return BUILTIN_TEMPLATE
    data, problems = read_bytes(path, TEMPLATE.as_posix())
    try:
        if data is not None:
            return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    raise writer.WriteRefused(f"cannot read {TEMPLATE.as_posix()} as UTF-8 text; nothing was written",
                              tuple(problems))


@cli.command()
@click.argument("customer", metavar="ID")
@click.argument("entry", metavar="'CHANNEL: TEXT'")
@click.option("--date", "day", type=DateType(), default=None,
              help="The day of the contact (default: today).")
@click.option("--next", "next_", type=DateOrDuration(), default=None,
              help="Also set next_follow_up: a date, or a duration after the contact (2w).")
@click.option("--follow-up", "follow_up", default=None,
              help="Also set follow_up: what to do at the next follow-up.")
@write_options
@click.pass_context
def log(ctx: click.Context, customer: str, entry: str, day: date | None, next_: date | Duration | None,
        follow_up: str | None, today: date | None, dry_run: bool, commit: bool) -> None:
    """Add an entry to a customer's log.

    The entry goes under the log heading, newest first or oldest first as the
    log already runs (newest first when it cannot tell); a note without a log
    heading gets one at the end. CHANNEL is one of `channels` in vault.yml (or
    its Chinese word, such as 电话). The line written is
    `- <date> <channel>: <text>`. The log does not change next_follow_up
    unless --next says so; use `vault-tool done` to mark a follow-up done.

    \b
    Examples:
      vault-tool log acme "call: asked for a quote"
      vault-tool log acme "visit: saw the new shop" --date 2026-11-20 --next 2w
      vault-tool log 上海华联 "微信：确认样品" --next 2026-12-01 --follow-up "寄样品"
    """
    session = start(ctx, today, dry_run, commit)
    when = day or session.today
    if ENTRY.match(entry) is None:
        raise click.BadParameter("write it as 'CHANNEL: TEXT', e.g. 'call: asked for a quote'",
                                 param_hint="'CHANNEL: TEXT'")

    def make(note: str) -> tuple[str, list[str]]:
        channel, text = parse_entry(entry, session.settings)
        note = add_log_entry(note, when, channel, text, session.settings)
        parts = [f"log +1 ({resolve_channel(channel, session.settings)})"]
        if next_ is not None:
            note, said = set_or_remove(note, "next_follow_up", resolve_date(next_, when).isoformat())
            parts += [said] if said else []
        if follow_up is not None:
            note, said = set_or_remove(note, "follow_up", follow_up.strip() or None, "next_follow_up")
            parts += [said] if said else []
        return note, parts

    change_note(ctx, session, customer, make)


def parse_entry(entry: str, settings: Settings) -> tuple[str, str]:
    """`call: asked for a quote` -> ("call", "asked for a quote"), the channel as it will be written."""
    match = ENTRY.match(entry)
    if match is None:
        raise click.BadParameter("write it as 'CHANNEL: TEXT', e.g. 'call: asked for a quote'",
                                 param_hint="'CHANNEL: TEXT'")
    word, text = match.group(1), match.group(2)
    if any(unicodedata.category(ch) == "Cc" and not ch.isspace() for ch in text):
        raise click.BadParameter("the text has a control character", param_hint="'CHANNEL: TEXT'")
    channel = resolve_channel(word, settings)
    if channel is None:
        words = (*settings.channels, *(alias for alias, _ in settings.channel_aliases))
        inside = [w for w in words if len(w) > 1 and w in word]
        suggestion = max(inside, key=len) if inside else nearest(word, words)
        hint = f"; did you mean '{suggestion}'?" if suggestion else "."
        raise writer.WriteRefused(f"the channel '{word}' is not declared (declared: {', '.join(words)})"
                                  f"{hint} Nothing was changed.")
    is_alias = word in dict(settings.channel_aliases)
    return (word if is_alias else channel), " ".join(text.split())


@cli.command()
@click.argument("customer", metavar="ID")
@click.option("--note", "remark", default=None, help="A few words on how it went, added to the log entry.")
@click.option("--next", "next_", type=DateOrDuration(), default=None,
              help="Move next_follow_up to this date, or this long after today (2w), instead of "
                   "removing it.")
@click.option("--follow-up", "follow_up", default=None,
              help="What to do at the next follow-up (sets follow_up instead of removing it).")
@click.option("--channel", default="note", show_default=True,
              help="The channel of the log entry; one of `channels` in vault.yml.")
@write_options
@click.pass_context
def done(ctx: click.Context, customer: str, remark: str | None, next_: date | Duration | None,
         follow_up: str | None, channel: str, today: date | None, dry_run: bool, commit: bool) -> None:
    """Mark the customer's follow-up done.

    Logs `- <today> note: done: <follow_up>[ — <note>]` (`follow-up` when the
    note has no follow_up), then removes the next_follow_up and follow_up
    lines, so the cadence plans the next one; or, with --next, moves
    next_follow_up there (and sets follow_up to --follow-up, if given).

    \b
    Examples:
      vault-tool done acme
      vault-tool done acme --note "quote accepted" --next 1m --follow-up "check delivery"
    """
    session = start(ctx, today, dry_run, commit)

    def make(note: str) -> tuple[str, list[str]]:
        word, _ = parse_entry(f"{channel}: x", session.settings)
        what = value_at(note, ("follow_up",)) or "follow-up"
        text = f"done: {what}" + (f" — {remark.strip()}" if remark and remark.strip() else "")
        note = add_log_entry(note, session.today, word, text, session.settings)
        parts = [f"done ({short(what)})"]
        moved = resolve_date(next_, session.today).isoformat() if next_ is not None else None
        note, said = set_or_remove(note, "next_follow_up", moved)
        parts += [said] if said else []
        note, said = set_or_remove(note, "follow_up", (follow_up or "").strip() or None, "next_follow_up")
        parts += [said] if said else []
        return note, parts

    change_note(ctx, session, customer, make)


@cli.command()
@click.argument("customer", metavar="ID")
@click.argument("until", metavar="DURATION|DATE", type=DateOrDuration())
@write_options
@click.pass_context
def snooze(ctx: click.Context, customer: str, until: date | Duration, today: date | None,
           dry_run: bool, commit: bool) -> None:
    """Move the customer's next follow-up to a later day.

    A DATE sets next_follow_up to that day. A DURATION (3d, 2w, 1m) counts from
    the current next_follow_up when it is today or later, and from today when
    it is overdue or not set (so snoozing an overdue follow-up by 3d gives a
    day three days from now, not one still in the past).

    \b
    Examples:
      vault-tool snooze acme 3d
      vault-tool snooze acme 2026-12-01 --commit
    """
    session = start(ctx, today, dry_run, commit)

    def make(note: str) -> tuple[str, list[str]]:
        current = value_at(note, ("next_follow_up",))
        base = max(date.fromisoformat(current.strip()), session.today) if current else session.today
        note, said = set_or_remove(note, "next_follow_up", resolve_date(until, base).isoformat())
        return note, [said or arrow("next_follow_up", current, current)]

    change_note(ctx, session, customer, make)


@cli.command("set")
@click.argument("customer", metavar="ID")
@click.argument("field", metavar="FIELD")
@click.argument("value", metavar="VALUE")
@click.option("--deal", "deal", default=None, metavar="TITLE",
              help="Set FIELD of the deal with this title (stage, value, currency, probability, "
                   "expected_close, closed).")
@write_options
@click.pass_context
def set_field(ctx: click.Context, customer: str, field: str, value: str, deal: str | None,
              today: date | None, dry_run: bool, commit: bool) -> None:
    """Set one front matter field of a customer.

    FIELD is one of name, status, owner, industry, region, source, follow_up,
    next_follow_up (a date, or a duration from today), cadence, or a custom
    field of vault.yml that holds one value. An empty VALUE ("") removes the
    field. With --deal TITLE, FIELD is a key of that deal (a title is matched
    exactly, else ignoring case). The value is checked like `vault-tool check`
    would: an unknown status or owner is refused.

    \b
    Examples:
      vault-tool set acme status active
      vault-tool set acme next_follow_up 2w
      vault-tool set acme owner ""
      vault-tool set acme stage won --deal "2027 tea supply"
    """
    session = start(ctx, today, dry_run, commit)
    with refusals(ctx, session.settings.locale):
        written = field_value(field, value, deal is not None, session)
    if deal is not None:
        change_note(ctx, session, customer, lambda note: set_in_deal(note, deal, field, written))
        return

    def make(note: str) -> tuple[str, list[str]]:
        note, said = set_or_remove(note, field, written)
        return note, [said or arrow(field, written, written)]

    change_note(ctx, session, customer, make)


def field_value(field: str, value: str, in_deal: bool, session: Session) -> str | None:
    """The text to write for FIELD (None: remove it), or a usage error naming the fields."""
    custom = tuple(f.name for f in session.settings.fields if f.type != "list")
    known = DEAL_FIELDS if in_deal else FIELDS + custom
    if field not in known:
        suggestion = nearest(field, known)
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        raise click.BadParameter(f"'{field}' cannot be set here (fields: {', '.join(known)}){hint}",
                                 param_hint="FIELD")
    value = value.strip()
    if not value:
        if in_deal:
            raise click.BadParameter("a deal's field cannot be set to nothing; edit the note by hand",
                                     param_hint="VALUE")
        return None
    if field == "next_follow_up":
        return resolve_date(DateOrDuration().convert(value, None, None), session.today).isoformat()
    if field == "cadence":
        return str(DurationType().convert(value, None, None))
    return value


def set_in_deal(note: str, title: str, field: str, value: str | None) -> tuple[str, list[str]]:
    assert value is not None
    index, _ = find_deal(read_note(note), title)
    old = value_at(note, ("deals", index, field))
    new_text = set_deal_value(note, title, field, value)
    return new_text, [f"deal '{short(title, 30)}' " + arrow(field, old, value)]
