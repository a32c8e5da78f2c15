"""The vault's own look: HTML templates in its templates/ folder replace the dashboard's.

A vault's templates/ folder already holds customer.md, the note template of `vault-tool
new`. Beside it, any NAME.html replaces the dashboard's template of that name (base.html,
customer.html, macros.html, ...), and "package/NAME.html" always names the original, so an
override can extend it and change a few blocks, as MkDocs themes' custom_dir allows.

The vault's owner writes these templates, so they are trusted code; but they are files a
person edits, and one with a mistake must not stop the dashboard. Every override is
compiled before the build, so each broken file is reported at its line; a mistake that only
shows while rendering (an undefined name) is traced to the override's line in Jinja's
traceback. Either becomes a `template-error` problem (on the problems page, and printed by
`build` and `watch`), and the site is built with the standard templates until it is fixed.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import replace
from datetime import date
from pathlib import Path

from jinja2 import TemplateNotFound, TemplateSyntaxError

from .build import BuildResult, SiteMemo, build_site
from .model import Problem, Vault
from .render import PACKAGE_PREFIX, make_environment, render_site, template_dir
from .views import SiteHistory

OVERRIDES_DIR = "templates"


class BrokenTemplates(Exception):
    """`build --strict` refuses a vault whose template overrides have mistakes."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"{len(problems)} broken template(s)")
        self.problems = problems


def overrides_folder(root: Path) -> Path | None:
    """The vault's templates/ folder if it holds any HTML template; else None."""
    folder = root / OVERRIDES_DIR
    return folder if folder.is_dir() and any(folder.rglob("*.html")) else None


def build_with_look(vault: Vault, out: Path, today: date, root: Path,
                    history: SiteHistory | None = None, *, strict: bool = False,
                    memo: SiteMemo | None = None) -> tuple[BuildResult, tuple[Problem, ...]]:
    """`build_site` with the vault's template overrides; the problems found in them.

    With a broken override the site is built with the standard templates and the problems
    are added to the vault's, so the problems page shows them; `strict` raises
    BrokenTemplates instead, before anything is written. If the standard templates fail
    too, the mistake was vault-tool's, and that error is raised.
    """
    folder = overrides_folder(root)
    if folder is None:
        return build_site(vault, out, today, root, history, memo), ()
    problems = compile_problems(folder, vault.settings.locale)
    if not problems:
        try:
            return build_site(replace(vault, templates=folder), out, today, root, history,
                              memo), ()
        except Exception as exc:  # raised again below unless it came from rendering a template
            problem = render_problem(exc, folder)
            if problem is None:
                raise
            problems = (problem,)
    plain = replace(vault, problems=(*vault.problems, *problems))
    if strict:
        list(render_site(plain, today, history))  # vault-tool's own error would raise here
        raise BrokenTemplates(problems)
    return build_site(plain, out, today, root, history, memo), problems


def compile_problems(folder: Path, locale: str) -> tuple[Problem, ...]:
    """Every override compiled once: each broken file is reported, not just the first used."""
    env = make_environment(locale, folder)
    problems = []
    for path in sorted(folder.rglob("*.html")):
        name = path.relative_to(folder).as_posix()
        try:
            env.compile(path.read_text(encoding="utf-8"), name, str(path))
        except TemplateSyntaxError as exc:
            problems.append(_problem(path, folder, exc.lineno, exc.message or str(exc)))
        except UnicodeDecodeError:
            problems.append(_problem(path, folder, 1, "the file is not UTF-8 text; re-save it as UTF-8"))
        except OSError as exc:
            problems.append(_problem(path, folder, 1, f"cannot read it ({exc.strerror or exc})"))
    return tuple(problems)


def render_problem(exc: BaseException, folder: Path) -> Problem | None:
    """The override to blame for an exception raised while rendering, at its line.

    Jinja puts each template's file and line into the traceback, and the innermost
    override there is the mistake. None when no template is in the traceback (a full disk
    while writing): that is not a template's mistake.
    """
    if isinstance(exc, TemplateSyntaxError) and exc.filename and _within(exc.filename, folder):
        return _problem(exc.filename, folder, exc.lineno, exc.message or str(exc))
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if _within(f.filename, folder) or _within(f.filename, template_dir())]
    if not frames:
        return None
    if _within(frames[-1].filename, folder):
        return _problem(frames[-1].filename, folder, frames[-1].lineno or 1,
                        _detail(exc, frames[-1].filename))
    # Raised in a standard template: vault-tool's mistake (then the standard look fails too
    # and build_with_look raises), or an override's, as a macros.html lacking a macro the
    # standard pages import. Jinja's message names the templates.
    return Problem.error(OVERRIDES_DIR, 1, 1, "template-error", detail=_detail(exc, ""))


def _detail(exc: BaseException, filename: str) -> str:
    if isinstance(exc, TemplateNotFound):
        return f"there is no template {exc.name!r}"
    if isinstance(exc, RecursionError) and filename:
        name = Path(filename).name
        return (f"it extends or includes itself; to build on the standard {name}, write "
                f"{{% extends \"{PACKAGE_PREFIX}/{name}\" %}}")
    text = str(exc).replace("\n", " ")
    return text if type(exc).__module__.startswith("jinja2") else f"{type(exc).__name__}: {text}"


def _within(filename: str | Path, folder: Path) -> bool:
    """Compared as Jinja names its files (folder + name, normalised), links not followed, so
    an override that is a link to a file elsewhere is still the vault's."""
    return Path(os.path.abspath(filename)).is_relative_to(os.path.abspath(folder))


def _problem(filename: str | Path, folder: Path, line: int, detail: str) -> Problem:
    rel = Path(os.path.abspath(filename)).relative_to(os.path.abspath(folder)).as_posix()
    return Problem.error(f"{OVERRIDES_DIR}/{rel}", max(line, 1), 1, "template-error",
                         detail=detail.strip().rstrip("."))
