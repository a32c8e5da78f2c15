"""Commands about git (history, init, hooks): registered on the main group.

Thin: history.py, scaffold.py and hooks.py do the work and return plain data;
this module words it, in the vault's language, and picks the exit status.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from .changes import describe_changes
from .ciscaffold import CI, REQUIREMENTS, ci_files
from .cli import EXIT_OK, EXIT_PROBLEMS, cli, format_option, today_option, vault_root
from .config import CONFIG_FILE, load_settings
from .convert import nearest
from .history import (
    CustomerHistory,
    HistoryEntry,
    RepoState,
    customer_history,
    git,
    git_time,
    repo_state,
)
from .hooks import install_hook
from .i18n import text_table, width
from .model import Settings
from .scaffold import Locale, Outcome, init_files
from .stages import StageStats

__all__ = ["cli"]

MESSAGES: dict[str, tuple[str, str]] = {
    "no-git": ("history needs git, and git is not installed (or not on the PATH).",
               "查看历史需要 git，但没有安装 git（或不在 PATH 中）。"),
    "no-repo": ("{root} is not in a git repository, so it has no history. Run `vault-tool init` "
                "(or `git init`) there and commit your notes.",
                "{root} 不在 git 仓库中，因此没有历史。"
                "请在那里运行 `vault-tool init`（或 `git init`）并提交笔记。"),
    "no-commits": ("the repository at {top} has no commits yet, so there is no history. Commit the "
                   "vault first: git add . && git commit -m 'Customers'",
                   "{top} 的仓库还没有任何提交，因此没有历史。"
                   "请先提交客户库：git add . && git commit -m '客户'"),
    "error": ("git could not read the history: {detail}", "git 无法读取历史：{detail}"),
    "not-found": ("no customer '{id}', neither now nor in the history.",
                  "没有客户 '{id}'，当前和历史中都没有。"),
    "did-you-mean": (" Did you mean '{suggestion}'?", "您是不是想找 '{suggestion}'？"),
    "shallow": ("note: this is a shallow clone; its history goes back only to {since}. Run "
                "`git fetch --unshallow` for all of it.",
                "注意：这是浅克隆，历史只到 {since} 为止。运行 `git fetch --unshallow` 获取完整历史。"),
    "detached": ("note: HEAD is detached at {head}; this is the history up to that commit.",
                 "注意：HEAD 处于分离状态（{head}）；以下是截至该提交的历史。"),
    "uncommitted": ("uncommitted (working tree)", "未提交（工作区）"),
    "boundary": ("the first commit of this shallow clone: the note may be older",
                 "浅克隆的第一个提交：这份笔记可能更早就有"),
    "no-history": ("{id}: no change to {path} in the history.", "{id}：历史中没有 {path} 的修改。"),
}


def say(locale: str, key: str, **values: object) -> str:
    return MESSAGES[key][1 if locale == "zh" else 0].format(**values)


def _locale(root: Path) -> str:
    try:
        data: bytes | None = (root / CONFIG_FILE).read_bytes()
    except OSError:
        data = None
    return load_settings(data)[0].locale


@cli.command()
@click.argument("customer_id", metavar="ID")
@format_option
@today_option
@click.pass_context
def history(ctx: click.Context, customer_id: str, fmt: str, today: date | None) -> None:
    """Show every change to one customer's note, newest first, from git.

    Each change gives the commit, author, date and message, and what changed
    field by field: `status: prospect → active`, a deal's stage, log entries
    added, the file renamed. Renames are followed: ID is the file name now, and
    the history goes on under older names. Edits not committed yet come first,
    flagged as uncommitted. JSON is a list of {commit, short, author, email,
    date, message, path, uncommitted, boundary, changes: [{field, old, new,
    kind, item}]}. Exit status: 0, or 1 when there is no history (no git
    repository, no commits) or no such customer.

    \b
    Examples:
      vault-tool history acme
      vault-tool history 上海华联 --format json
    """
    root = vault_root(ctx)
    locale = _locale(root)
    result = customer_history(root, customer_id, today or date.today())
    if not result.state.available:
        _fail(ctx, locale, result.state.state, root=root, top=result.state.top,
              detail=result.state.detail)
    if not result.found:
        _not_found(ctx, locale, result)
    for note in _state_notes(result.state, locale):
        click.echo(f"vault-tool: {note}", err=True)
    if fmt == "json":
        _print_json([entry_dict(e) for e in result.entries])
    elif not result.entries:
        click.echo(say(locale, "no-history", id=result.customer_id, path=result.path))
    else:
        click.echo("\n\n".join(_entry_text(e, locale) for e in result.entries))


def _fail(ctx: click.Context, locale: str, key: str, **values: object) -> None:
    click.echo(f"vault-tool: {say(locale, key, **values)}", err=True)
    ctx.exit(EXIT_PROBLEMS)


def _not_found(ctx: click.Context, locale: str, result: CustomerHistory) -> None:
    message = say(locale, "not-found", id=result.customer_id)
    suggestion = nearest(result.customer_id, result.known_ids)
    if suggestion:
        message += say(locale, "did-you-mean", suggestion=suggestion)
    click.echo(f"vault-tool: {message}", err=True)
    ctx.exit(EXIT_PROBLEMS)


def _state_notes(state: RepoState, locale: str) -> list[str]:
    notes = []
    if state.shallow:
        notes.append(say(locale, "shallow", since=git_time(state.shallow_since)))
    if state.detached:
        notes.append(say(locale, "detached", head=state.head[:state.abbrev]))
    return notes


def entry_dict(entry: HistoryEntry) -> dict[str, Any]:
    """One element of `history --format json`."""
    return {
        "commit": entry.commit,
        "short": entry.short,
        "author": entry.author,
        "email": entry.email,
        "date": entry.date,
        "message": entry.message,
        "path": entry.path,
        "uncommitted": entry.uncommitted,
        "boundary": entry.boundary,
        "changes": [{"field": c.field, "old": c.old, "new": c.new, "kind": c.kind, "item": c.item}
                    for c in entry.changes],
    }


def _entry_text(entry: HistoryEntry, locale: str) -> str:
    if entry.uncommitted:
        lines = [say(locale, "uncommitted")]
    else:
        lines = [f"{entry.short}  {git_time(entry.date)}  {entry.author} <{entry.email}>"]
        lines.append(f"    {entry.message.splitlines()[0] if entry.message else ''}")
    if entry.boundary:
        lines.append(f"    ({say(locale, 'boundary')})")
    for line in describe_changes(entry.changes, locale):
        lines.append(f"      {line}" if line.startswith("  ") else f"    - {line}")
    return "\n".join(lines)


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))



# -- stats ---------------------------------------------------------------------------------------


@cli.command()
@format_option
@today_option
@click.pass_context
def stats(ctx: click.Context, fmt: str, today: date | None) -> None:
    """Stage analytics from the git history of every deal's `stage`.

    Days spent in each stage (the median over deals that moved on), how many
    deals that reached a stage went on to another (next: the very next stage;
    ever: at any later commit), the win rate (won / (won + lost), by each deal's
    last stage), and open deals stuck in their stage longer than its median.
    Dates are commit dates: a deal first committed at `negotiation` starts
    there. Exit status: 0, or 1 when there is no history. JSON: {deals, won,
    lost, win_rate, stages: [{stage, reached, stays, median_days}],
    conversions: [{from, to, reached, next, next_rate, ever, ever_rate}],
    stuck: [{id, title, stage, since, days, median_days}]}.

    \b
    Examples:
      vault-tool stats
      vault-tool stats --format json --today 2026-11-23
    """
    from .history import note_timeline
    from .stages import deal_tracks, stage_stats

    root = vault_root(ctx)
    settings = _settings(root)
    state = repo_state(root)
    if not state.available:
        _fail(ctx, settings.locale, state.state, root=root, top=state.top, detail=state.detail)
    for note in _state_notes(state, settings.locale):
        click.echo(f"vault-tool: {note}", err=True)
    result = stage_stats(deal_tracks(note_timeline(state)), settings, today or date.today())
    if fmt == "json":
        _print_json(stats_dict(result))
    else:
        click.echo(stats_text(result))


def _settings(root: Path) -> Settings:
    try:
        data: bytes | None = (root / CONFIG_FILE).read_bytes()
    except OSError:
        data = None
    return load_settings(data)[0]


def stats_dict(result: StageStats) -> dict[str, Any]:
    """`stats --format json`."""
    return {
        "deals": result.deals, "won": result.won, "lost": result.lost, "win_rate": result.win_rate,
        "stages": [{"stage": f.stage, "reached": f.reached, "stays": f.stays,
                    "median_days": f.median_days} for f in result.stages],
        "conversions": [{"from": c.source, "to": c.target, "reached": c.reached, "next": c.next,
                         "next_rate": round(c.next_rate, 4), "ever": c.ever,
                         "ever_rate": round(c.ever_rate, 4)} for c in result.conversions],
        "stuck": [{"id": s.customer_id, "title": s.title, "stage": s.stage,
                   "since": s.since.isoformat(), "days": s.days, "median_days": s.median_days}
                  for s in result.stuck],
    }


def stats_text(result: StageStats) -> str:
    rate = "-" if result.win_rate is None else f"{result.win_rate:.0%}"
    lines = [f"{result.deals} deals with a stage in the history; win rate {rate} "
             f"({result.won} won, {result.lost} lost)", ""]
    rows = [[f.stage, str(f.reached), _days(f.median_days), str(f.stays)] for f in result.stages]
    lines.append(text_table(["stage", "reached", "median days", "stays"], rows))
    if result.conversions:
        lines.append("")
        rows = [[f"{c.source} → {c.target}", f"{c.next}/{c.reached} ({c.next_rate:.0%})",
                 f"{c.ever}/{c.reached} ({c.ever_rate:.0%})"] for c in result.conversions]
        lines.append(text_table(["conversion", "next", "ever"], rows))
    lines += ["", f"stuck longer than their stage's median: {len(result.stuck)}"]
    lines += [f"  {s.customer_id}: {s.title} at {s.stage} since {s.since} ({s.days} days; median "
              f"{_days(s.median_days)})" for s in result.stuck]
    return "\n".join(lines)


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


# -- init and hooks ------------------------------------------------------------------------------

OUTCOME_WORDS: dict[str, tuple[str, str]] = {
    "created": ("created", "已创建"),
    "kept": ("kept", "已保留"),
    "skipped": ("skipped", "已跳过"),
    "updated": ("updated", "已更新"),
    "refused": ("not written", "未写入"),
    "exists": ("already there", "已存在"),
    "has-notes": ("has {detail} note(s) already; no example added", "已有 {detail} 份笔记，未添加示例"),
    "gitignore-missing": ("add {detail} to it", "请在其中加入 {detail}"),
    "git-init": ("git init", "git init"),
    "in-repo": ("the vault is in the git repository at {detail}", "客户库位于 {detail} 的 git 仓库中"),
    "no-git": ("git is not installed: no repository, no hook", "没有安装 git：不创建仓库和钩子"),
    "hook-foreign": ("a pre-commit hook that vault-tool did not write is there; to replace it: "
                     "vault-tool hooks install --force",
                     "已有一个不是 vault-tool 写的 pre-commit 钩子；"
                     "如需替换：vault-tool hooks install --force"),
    "hook-current": ("already up to date", "已是最新"),
    "hook-refreshed": ("rewritten for this Python and vault", "已按当前 Python 和客户库重写"),
    "hook-replaced": ("the old hook is kept as {detail}", "原钩子保存为 {detail}"),
    "next": ("Next: check it with `vault-tool -C {path} check`, then commit it: "
             "git add . && git commit -m 'New vault'",
             "下一步：用 `vault-tool -C {path} check` 检查，然后提交：git add . && git commit -m '新客户库'"),
    "hook-no-repo": ("{root} is not in a git repository; run `git init` (or `vault-tool init`) first.",
                     "{root} 不在 git 仓库中；请先运行 `git init`（或 `vault-tool init`）。"),
    "ci-edit": ("edit its line to say where to install vault-tool from",
                "请修改其中一行，写明从哪里安装 vault-tool"),
    "init-failed": ("cannot create the vault in {path}: {reason}", "无法在 {path} 创建客户库：{reason}"),
}


def outcome_line(outcome: Outcome, locale: str) -> str:
    index = 1 if locale == "zh" else 0
    action = OUTCOME_WORDS[outcome.action][index]
    line = f"{action}{' ' * max(1, 11 - width(action))}{outcome.path}"
    if outcome.reason:
        line += f"  ({OUTCOME_WORDS[outcome.reason][index].format(detail=outcome.detail)})"
    return line


@cli.command()
@click.argument("path", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--locale", "lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of vault.yml's comments and of the example customer; zh also sets "
                   "`locale: zh` and `log_heading: 沟通记录`.")
@click.option("--ci", type=click.Choice(["github", "gitlab"]), default=None,
              help="Also write a CI workflow that checks the vault and publishes its dashboard: "
                   "GitHub Actions + Pages, or GitLab CI + Pages (see docs/sharing.md).")
@today_option
@click.pass_context
def init(ctx: click.Context, path: str, lang: str, ci: str | None, today: date | None) -> None:
    """Create a vault in PATH (default: here), or adopt an existing folder.

    Writes vault.yml with every setting shown, commented out, with its default;
    customers/ with one example customer (unless it has notes already);
    .gitignore for site/ and .vault-tool-cache/; runs `git init` when PATH is not
    in a git repository; and installs the pre-commit hook (see `hooks install`).
    With --ci, also a workflow in the repository's top folder
    (.github/workflows/vault-tool.yml or .gitlab-ci.yml) and the
    vault-tool-requirements.txt it installs from, whose one line you edit.
    Never overwrites a file: each one is reported as created or kept.

    \b
    Examples:
      vault-tool init my-customers
      vault-tool init --locale zh 客户库
      vault-tool -C ~/customers init      # adopt an existing folder
      vault-tool init --ci github my-customers
    """
    locale: Locale = "zh" if lang == "zh" else "en"
    root = ctx.obj["dir"] / path
    try:
        root.mkdir(parents=True, exist_ok=True)
        outcomes = init_files(root, locale, today or date.today())
        outcomes += _init_git(root)
        if ci is not None:
            outcomes += _init_ci(root, "github" if ci == "github" else "gitlab")
    except OSError as exc:
        _fail_with(ctx, locale, "init-failed", path=root, reason=exc.strerror or exc)
    for outcome in outcomes:
        click.echo(outcome_line(outcome, locale))
    click.echo(OUTCOME_WORDS["next"][1 if locale == "zh" else 0].format(path=root))


def _init_git(root: Path) -> list[Outcome]:
    """`git init` unless the folder is in a repository already; then the hook."""
    state = repo_state(root)
    if state.state == "no-git":
        return [Outcome("git", "skipped", "no-git")]
    outcomes = []
    if state.state == "no-repo":
        git(root, "init", "-q")
        outcomes.append(Outcome(".git/", "created", "git-init"))
    elif state.prefix:
        outcomes.append(Outcome(".git/", "kept", "in-repo", state.top))
    _, hook = install_hook(root, sys.executable)
    if hook is not None:
        outcomes.append(hook if hook.action != "refused" else Outcome(hook.path, "kept", hook.reason))
    return outcomes


def _init_ci(root: Path, ci: CI) -> list[Outcome]:
    """In the repository's top folder, where CI reads it; named relative to the vault, as init's others."""
    state = repo_state(root)
    top, prefix = (Path(state.top), state.prefix) if state.top else (root, "")
    outcomes = []
    for outcome in ci_files(top, ci, prefix or "."):
        shown = Path(os.path.relpath(top / outcome.path, root)).as_posix()
        if outcome.path == REQUIREMENTS and outcome.action == "created":
            outcome = Outcome(outcome.path, "created", "ci-edit")
        outcomes.append(Outcome(shown, outcome.action, outcome.reason, outcome.detail))
    return outcomes


def _fail_with(ctx: click.Context, locale: str, key: str, **values: object) -> None:
    click.echo(f"vault-tool: {OUTCOME_WORDS[key][1 if locale == 'zh' else 0].format(**values)}", err=True)
    ctx.exit(EXIT_PROBLEMS)


@cli.group()
def hooks() -> None:
    """Git hooks that keep a shared vault clean.

    \b
    Examples:
      vault-tool hooks install
      vault-tool -C ~/customers hooks install --force
    """


@hooks.command("install")
@click.option("--force", is_flag=True,
              help="Replace a pre-commit hook that vault-tool did not write (kept as pre-commit.orig).")
@click.pass_context
def hooks_install(ctx: click.Context, force: bool) -> None:
    """Install a pre-commit hook that checks the vault as staged.

    Before each commit, the hook checks the notes as they are staged (what the
    commit will hold, not the working tree) and refuses the commit when a note
    it adds or changes has an error, printing the problems. Installing again is
    safe; a hook that vault-tool did not write is left alone unless --force.
    `core.hooksPath` is respected, and the vault may be a subfolder of the
    repository. The hook runs this Python; install it again after moving or
    re-creating your virtual environment. Skip it once: git commit --no-verify.
    Exit status: 0 when the hook is in place, 1 when it could not be installed.

    \b
    Examples:
      vault-tool hooks install
      vault-tool hooks install --force
      git commit --no-verify            # commit once without the check
    """
    root = vault_root(ctx)
    locale = _locale(root)
    state, outcome = install_hook(root, sys.executable, force)
    if outcome is None:
        key = state.state if state.state in ("no-git", "error") else "hook-no-repo"
        if key == "hook-no-repo":
            _fail_with(ctx, locale, key, root=root)
        _fail(ctx, locale, key, detail=state.detail)
        return
    click.echo(outcome_line(outcome, locale))
    ctx.exit(EXIT_PROBLEMS if outcome.action == "refused" else EXIT_OK)
