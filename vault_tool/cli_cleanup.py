"""Cleanup commands (dupes, merge): registered on the main group.

`dupes` only reads. `merge` works like the other write commands: mergeedit.py
(pure) computes the new text of KEEP, and writer.py refuses or writes it and
removes OTHER, so a refusal changes nothing.
"""

from __future__ import annotations

import json
from datetime import date

import click

from .cli import cli, format_option, open_vault, today_option
from .dupes import Pair, find_dupes


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
