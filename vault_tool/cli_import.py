"""`vault-tool import` and `vault-tool export`: registered on the main group.

Import reads the file (importers), plans against the vault (importplan),
works out every note's new text (importedit) and checks it, and only then,
with --apply, writes through writer.py. A customer whose note cannot be
changed safely is reported as skipped, with the reason, and nothing of it is
written; so a failing row never leaves a half-written note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import click

from . import writer
from .cli import EXIT_PROBLEMS, cli, format_option, today_option, vault_root
from .cli_write import read_template, refusals
from .edit import EditRefused
from .exports import customers_csv, customers_json
from .importedit import new_note, update_note
from .importers import ImportError_, Source, read_file, read_mapping
from .importplan import CustomerPlan, Defaults, Plan, RowPlan, make_plan
from .messages import describe
from .model import Settings, Vault
from .vault import customer_id, find_notes, load_vault
from .vcard import customers_vcf


@dataclass(frozen=True)
class Prepared:
    plan: Plan
    changes: tuple[writer.Change, ...]


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "mapping_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="A mapping file (YAML) for a CSV layout vault-tool does not recognise; "
                                 "see docs/import.md.")
@click.option("--apply", "apply_", is_flag=True,
              help="Write the notes. Without it, only the plan is printed.")
@click.option("--owner", default=None, help="The owner of new customers (and of ones that have none).")
@click.option("--status", default=None, help="The status of new customers (and of ones that have none).")
@click.option("--tag", "tags", multiple=True, help="A tag for new customers; repeat for several.")
@click.option("--commit", is_flag=True,
              help="With --apply: commit the written notes with git, in one commit.")
@format_option
@today_option
@click.pass_context
def import_(ctx: click.Context, file: Path, mapping_file: Path | None, apply_: bool, owner: str | None,
            status: str | None, tags: tuple[str, ...], commit: bool, fmt: str, today: date | None) -> None:
    """Import contacts from a CSV file or vCards (dry run unless --apply).

    Reads Excel CSV (UTF-8, UTF-8 with BOM, GBK/GB18030; comma, semicolon or
    tab), Google Contacts (current and legacy), HubSpot, Salesforce and Zoho
    contact exports, vault-tool's own customers.csv, and vCard 2.1 (Android),
    3.0 and 4.0 (.vcf). Other CSV layouts need --map. Rows with the same
    organisation become one customer with several contacts; a person without
    one becomes a customer named after them. A row matching a customer (same
    e-mail, phone, source UID, or name) only fills empty fields and adds
    missing contacts: nothing already written is changed, so importing a file
    twice changes nothing the second time. The plan lists every row: new,
    update (what), unchanged, or skipped (why).

    \b
    Examples:
      vault-tool import contacts.csv                  # the plan only
      vault-tool import contacts.csv --apply --owner alice --tag fair-2026
      vault-tool import 客户.csv --map mapping.yml --apply --commit
      vault-tool import phone.vcf --format json
    """
    root = vault_root(ctx)
    when = today or date.today()
    vault = load_vault(root, when)
    try:
        mapping = read_mapping(mapping_file.read_bytes()) if mapping_file else None
        source = read_file(file.name, file.read_bytes(), mapping)
    except (ImportError_, UnicodeDecodeError, OSError) as exc:
        click.echo(f"vault-tool: cannot import {file}: {exc}", err=True)
        ctx.exit(EXIT_PROBLEMS)
    defaults = Defaults(owner, status, tuple(t.strip() for t in tags if t.strip()),
                        vault.settings.keep_chinese_ids)
    with refusals(ctx, vault.settings.locale):
        taken = [customer_id(p) for p in find_notes(root)]
        prepared = prepare(root, vault, make_plan(source.records, vault.customers, defaults, taken), when)
        if fmt == "json":
            click.echo(json.dumps(plan_json(file, source, prepared.plan, apply_), ensure_ascii=False,
                                  indent=2))
        else:
            print_plan(file, source, prepared.plan)
        if not apply_:
            if fmt == "text":
                click.echo("Dry run: nothing written. Add --apply to write these notes.")
            if commit:
                click.echo("vault-tool: --commit does nothing without --apply", err=True)
            return
        written = write(root, prepared.changes, commit, file.name)
        if fmt == "text":
            click.echo(written)


def prepare(root: Path, vault: Vault, plan: Plan, today: date) -> Prepared:
    """Every note's new bytes, each checked; a customer that fails is skipped with the reason."""
    template = read_template(root)
    paths = {c.id: c.path for c in vault.customers}
    changes, failed = [], {}
    for item in plan.customers:
        try:
            changes.append(_change(root, item, paths.get(item.id), vault.settings, template, today))
        except (writer.WriteRefused, EditRefused) as exc:
            problems = getattr(exc, "problems", ())
            failed[item.id] = str(exc) + (f" ({describe(problems[0], vault.settings.locale)})"
                                          if problems else "")
    rows = tuple(_failed(r, failed) for r in plan.rows)
    return Prepared(Plan(rows, tuple(c for c in plan.customers if c.id not in failed)), tuple(changes))


def _failed(row: RowPlan, failed: dict[str, str]) -> RowPlan:
    if row.customer in failed and row.action != "unchanged":
        return replace(row, action="skipped", detail=f"not written: {failed[row.customer]}")
    return row


def _change(root: Path, item: CustomerPlan, rel: str | None, settings: Settings, template: str,
            today: date) -> writer.Change:
    if rel is None:
        rel, target = writer.new_note_path(root, item.id)
        text = new_note(template, item, today, settings.log_headings[0])
        change = writer.Change(rel, target, None, text.encode("utf-8"), f"new customer {item.id}")
    else:
        before = writer.read_note(root, rel, settings, today)
        text, parts = update_note(before.text, item)
        change = writer.Change(rel, before.path, before, text.encode("utf-8"), ", ".join(parts))
    writer.refuse_errors(rel, change.after, settings, today, f"the result would have errors in {rel}")
    return change


def write(root: Path, changes: tuple[writer.Change, ...], commit: bool, name: str) -> str:
    """Write every change; with --commit, check git for all first, then commit them together."""
    changes = tuple(c for c in changes if c.before is None or c.after != c.before.data)
    if not changes:
        return "Nothing to write."
    targets = ([writer.prepare_commit(root, c.target, c.rel, c.before is None) for c in changes]
               if commit else [])
    for change in changes:
        writer.save(change)
    done = f"Wrote {len(changes)} note(s)."
    if targets:
        sha = writer.commit_all(targets, f"import {name}: {len(changes)} customer(s)")
        done += f" (committed {sha})"
    return done


def print_plan(file: Path, source: Source, plan: Plan) -> None:
    click.echo(f"{file.name}: {source.layout}, {len(plan.rows)} row(s)")
    for row in plan.rows:
        where = row.customer or "-"
        click.echo(f"  row {row.number:<5} {row.action:<10} {where:<24} {row.detail}")
    click.echo(", ".join(f"{plan.count(a)} {a}" for a in ("new", "update", "unchanged", "skipped")))


def plan_json(file: Path, source: Source, plan: Plan, applied: bool) -> dict[str, object]:
    return {
        "file": file.name,
        "layout": source.layout,
        "applied": applied,
        "rows": [{"row": r.number, "action": r.action, "customer": r.customer, "detail": r.detail}
                 for r in plan.rows],
        "summary": {a: plan.count(a) for a in ("new", "update", "unchanged", "skipped")},
    }


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "vcf", "json"]), default="csv",
              show_default=True, help="csv (for Excel), vcf (vCard 3.0, for phones), json (for scripts).")
@click.option("-o", "--output", default=None, metavar="FILE", type=click.Path(dir_okay=False),
              help="Write to FILE instead of standard output.")
@today_option
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str | None, today: date | None) -> None:
    """Export every customer as CSV, vCard or JSON.

    CSV is UTF-8 with a byte order mark, so Excel shows Chinese correctly
    (the same file as the dashboard's customers.csv). vCard 3.0 has one card
    per contact, with the customer as ORG, its tags as CATEGORIES and its id
    in NOTE; phones and Google Contacts import it, and so does
    `vault-tool import`. JSON has each customer's fields and computed figures.

    \b
    Examples:
      vault-tool export --format csv -o customers.csv
      vault-tool export --format vcf -o contacts.vcf
      vault-tool export --format json | jq '.customers[].id'
    """
    root = vault_root(ctx)
    when = today or date.today()
    vault = load_vault(root, when)
    if fmt == "csv":
        data = customers_csv(vault, when)
    else:
        data = customers_vcf(vault) if fmt == "vcf" else customers_json(vault, when)
    if output is None:
        click.echo(data, nl=False)
        return
    target = ctx.obj["dir"] / output
    target.write_bytes(data)
    click.echo(f"Wrote {len(vault.customers)} customer(s) to {output}", err=True)
