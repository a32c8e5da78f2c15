"""Cleanup commands (dupes, merge): registered on the main group.

`dupes` only reads. `merge` works like the other write commands: mergeedit.py
(pure) computes the new text of KEEP, and writer.py refuses or writes it and
removes OTHER, so a refusal changes nothing.
"""

from __future__ import annotations

import json
from datetime import date

import click

from . import writer
from .cli import cli, format_option, open_vault, today_option
from .cli_write import Session, refusals, start, write_options
from .dupes import Pair, find_dupes
from .edit import EditRefused
from .mergeedit import Merged, merge_notes
from .vault import customer_id


def pair_dict(pair: Pair) -> dict[str, object]:
    return {"a": pair.a.id, "b": pair.b.id, "score": pair.score,
            "reasons": [str(r) for r in pair.reasons], "names": [pair.a.name, pair.b.name],
            "paths": [pair.a.path, pair.b.path]}


@cli.command()
@click.option("--min-score", type=click.IntRange(0, 100), default=0, show_default=True,
              help="Only pairs scoring at least this (0 to 100).")
@format_option
@today_option
@click.pass_context
def dupes(ctx: click.Context, min_score: int, fmt: str, today: date | None) -> None:
    """List customers that are probably the same one, most likely first.

    A pair is listed when two customers share an e-mail address (ignoring
    case), a phone number (compared as digits, with +86, 0086 and the trunk 0
    of Chinese numbers left out, other country codes kept) or a WeChat id, or
    when their names are nearly the same once case, width, punctuation, spaces
    and legal forms (Ltd, GmbH, Co., Inc., 有限公司, 股份有限公司, 集团, …) are
    left out. Names whose numbers differ (Shop 12, Shop 13) are not paired.
    Each reason adds to the score (0 to 100): a shared e-mail or WeChat id
    alone gives 90, a phone 85, the same normalised name 85, a similar one
    60 to 85. A key shared by more than 20 customers (a placeholder) is
    skipped, with a note. JSON is a list of {a, b, score, reasons, names,
    paths}. Merge a pair with `vault-tool merge KEEP OTHER`.

    \b
    Examples:
      vault-tool dupes
      vault-tool dupes --min-score 80
      vault-tool dupes --format json
    """
    vault, _, _ = open_vault(ctx, today)
    result = find_dupes(vault.customers, min_score)
    if fmt == "json":
        click.echo(json.dumps([pair_dict(p) for p in result.pairs], ensure_ascii=False, indent=2))
    else:
        for pair in result.pairs:
            click.echo(f"{pair.score:3d}  {pair.a.id}  ~  {pair.b.id}")
            for customer in (pair.a, pair.b):
                click.echo(f"     {customer.name} ({customer.path})")
            click.echo(f"     {'; '.join(str(r) for r in pair.reasons)}")
        click.echo(f"{len(result.pairs)} likely duplicate pair(s) among {len(vault.customers)} customers"
                   + ("; merge one with `vault-tool merge KEEP OTHER`" if result.pairs else ""), err=True)
    for kind, value, count in result.crowded:
        click.echo(f"note: {count} customers share the {kind} {value}; not counted as a reason", err=True)


@cli.command()
@click.argument("keep", metavar="KEEP")
@click.argument("other", metavar="OTHER")
@write_options
@click.pass_context
def merge(ctx: click.Context, keep: str, other: str, today: date | None, dry_run: bool,
          commit: bool) -> None:
    """Merge customer OTHER into customer KEEP, and remove OTHER's note.

    Nothing is lost: OTHER's contacts (one with the same e-mail or phone as a
    contact of KEEP fills in what that contact lacks), deals (same title but
    other values: both kept), purchases (identical ones once), tags and log
    entries are added to KEEP's note as new lines; KEEP's own lines stay as
    they are. A value both have and disagree on (status, owner, a custom
    field, a contact's role, …) stays as KEEP has it, and OTHER's value is
    logged as `note: merged from OTHER: owner was bob` and listed, for you to
    decide. OTHER's notes are appended under `## Merged from <name>`. Refused,
    changing nothing, when either note has errors or merge-conflict markers,
    or KEEP and OTHER are the same. --commit records both files in one
    commit, `merge OTHER into KEEP`.

    \b
    Examples:
      vault-tool dupes
      vault-tool merge acme acme-2 --dry-run
      vault-tool merge acme acme-2 --commit
    """
    session = start(ctx, today, dry_run, commit)
    with refusals(ctx, session.settings.locale):
        keep_rel, other_rel = writer.locate(session.root, keep), writer.locate(session.root, other)
        keep_id, other_id = customer_id(keep_rel), customer_id(other_rel)
        if keep_rel == other_rel:
            raise writer.WriteRefused(f"KEEP and OTHER are the same customer ({keep_rel}); "
                                      "nothing was changed")
        before = writer.read_note(session.root, keep_rel, session.settings, session.today)
        gone = writer.read_note(session.root, other_rel, session.settings, session.today)
        try:
            merged = merge_notes(before.text, gone.text, other_id, session.settings, session.today)
        except EditRefused as exc:
            raise writer.WriteRefused(f"cannot merge {other_rel} into {keep_rel}: {exc}. "
                                      "Nothing was changed.") from None
        summary = f"merged {other_id} into {keep_id}" + (f" ({', '.join(merged.added)})"
                                                         if merged.added else "")
        change = writer.Change(keep_rel, before.path, before, merged.text.encode("utf-8"), summary)
        writer.refuse_errors(keep_rel, change.after, session.settings, session.today,
                             f"the merge would leave errors in {keep_rel}. Nothing was changed.")
        _write(session, change, gone, f"merge {other_id} into {keep_id}")
        _list_conflicts(merged, keep_id, other_id)


def _write(session: Session, change: writer.Change, gone: writer.Snapshot, message: str) -> None:
    """Show (--dry-run) or write KEEP and remove OTHER, checking both first; commit both."""
    if session.dry_run:
        click.echo(writer.diff(change) + writer.removal_diff(gone), nl=False)
        click.echo("(dry run: nothing written)", err=True)
        return
    targets = ([writer.prepare_commit(session.root, change.target, change.rel, False),
                writer.prepare_commit(session.root, gone.path, gone.rel, False)]
               if session.commit else None)
    writer.check_unchanged(gone)
    writer.save(change)
    writer.remove(gone)
    done = f"{change.rel}: {change.summary}; {gone.rel} removed"
    if targets is not None:
        done += f" (committed {writer.commit_all(targets, message)})"
    click.echo(done)


def _list_conflicts(merged: Merged, keep_id: str, other_id: str) -> None:
    if not merged.conflicts:
        return
    click.echo(f"Kept as {keep_id} has them; {other_id}'s values are in the log as notes. Decide, "
               f"and edit by hand where {other_id} was right:")
    for conflict in merged.conflicts:
        click.echo(f"  {conflict.where}: {conflict.kept}  ({other_id}: {conflict.other})")
