"""Pages of the dashboard: typed page contexts, and one Jinja environment to render them.

Templates only display. Everything they show is computed here, from the
vault and `today`. Autoescape is on everywhere and undefined names are errors;
note bodies go through the one safe Markdown parser.
"""

from __future__ import annotations

import contextlib
import functools
import io
import pickle
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)
from markupsafe import Markup

from . import markdown, paging, views
from .cache import digest
from .exports import export_pages
from .followups import board, due_state, follow_up, is_going_cold, last_contact
from .i18n import label, tr
from .messages import describe
from .model import Contact, Customer, FollowUp, Problem, Settings, Vault
from .output import Page, customer_file, customer_href
from .pieces import Pieces
from .sitedata import customers_script, filter_options

PACKAGE_DIR = Path(__file__).resolve().parent
PAGE_TEMPLATES = ("index.html", "follow_ups.html", "follow_ups_by_owner.html", "pipeline.html",
                  "segments.html", "value.html", "owners.html", "problems.html", "list.html",
                  "customer.html", "base.html", "macros.html", "lists.html")
STATIC_FILES = ("style.css", "app.js")
# The navigation: (word in i18n.UI, page).
NAV = (("home", "index.html"), ("follow_ups", "follow-ups.html"), ("pipeline", "pipeline.html"),
       ("segments", "segments.html"), ("value_churn", "value.html"), ("owners", "owners.html"),
       ("problems", "problems.html"))


def template_dir() -> Path:
    """Installed wheels carry the templates inside the package; a checkout has them beside it."""
    inside = PACKAGE_DIR / "templates"
    return inside if inside.is_dir() else PACKAGE_DIR.parent / "templates"


@dataclass(frozen=True)
class Row:
    """A customer as the tables show it."""

    customer: Customer
    plan: FollowUp | None
    last_contact: date | None
    going_cold: bool
    state: str  # overdue, today, soon, later, none, closed

    @property
    def id(self) -> str:
        return self.customer.id


def make_row(customer: Customer, settings: Settings, today: date) -> Row:
    plan = follow_up(customer, settings, today)
    return Row(customer, plan, last_contact(customer, today),
               is_going_cold(customer, settings, today), due_state(plan, today))


def money(value: Decimal | None, currency: str | None = None) -> str:
    """12000 -> "12,000"; 1250.5 -> "1,250.50"; with the currency code after it."""
    if value is None:
        return ""
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


def tel_href(phone: str) -> str | None:
    digits = re.sub(r"[^\d+]", "", phone)
    return "tel:" + digits if re.fullmatch(r"\+?\d{3,}", digits) else None


def mailto_href(email: str) -> str | None:
    address = email.strip()
    if not re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+", address):
        return None
    return "mailto:" + quote(address, safe="@.+-_")


def contact_links(contact: Contact) -> dict[str, str | None]:
    return {
        "email": mailto_href(contact.email) if contact.email else None,
        "phone": tel_href(contact.phone) if contact.phone else None,
    }


# "package/base.html" always names the package's own template, so a vault's base.html can
# extend it (Jinja cannot extend a template of the same name through a ChoiceLoader).
PACKAGE_PREFIX = "package"


def make_environment(locale: str, overrides: Path | None = None) -> Environment:
    """The one Jinja environment; `overrides` (a vault's templates/ folder) comes first.

    A template there replaces the package's of the same name, for the package's own pages
    too (a vault's macros.html is what every page imports).

    Compiling the templates costs more than rendering a small vault, so `watch` would spend
    most of each rebuild on it: an environment (with its compiled templates) is kept while
    the overrides' names, sizes and mtimes stay the same. Jinja itself notices a changed
    package template.
    """
    return _environment(locale, overrides, _fingerprint(overrides))


def _fingerprint(folder: Path | None) -> tuple[tuple[str, int, int], ...]:
    if folder is None:
        return ()
    found = []
    for path in sorted(folder.rglob("*")):
        try:
            stat = path.stat()
        except OSError:  # gone in between, or a dangling link: the compile check reports it
            continue
        found.append((path.relative_to(folder).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


@functools.lru_cache(maxsize=8)
def _environment(locale: str, overrides: Path | None,
                 fingerprint: tuple[tuple[str, int, int], ...]) -> Environment:
    """A new environment; `fingerprint` is only part of the cache key."""
    package = FileSystemLoader(str(template_dir()))
    loaders: list[BaseLoader] = [PrefixLoader({PACKAGE_PREFIX: package})]
    if overrides is not None:
        loaders.append(FileSystemLoader(str(overrides)))
    loaders.append(package)
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        t=lambda key, **kw: tr(locale, key).format(**kw) if kw else tr(locale, key),
        label=lambda kind, value: label(locale, kind, value),
        customer_href=customer_href,
        contact_links=contact_links,
        describe=lambda problem: describe(problem, locale),
        locale=locale,
        nav=NAV,
        lang="zh-CN" if locale == "zh" else "en",
    )
    env.filters["money"] = money
    env.filters["number"] = lambda n: f"{n:,}"
    env.filters["markdown"] = lambda text: Markup(markdown.render(text))
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    return env


@dataclass(frozen=True)
class Site:
    """Everything the templates of one build share."""

    title: str
    today: date
    currency: str | None
    error_count: int
    warning_count: int


@dataclass(frozen=True)
class Reuse:
    """How a build avoids making a vault-wide page again when its file already holds it.

    A page's key is a digest of everything its template is given, with each of the build's
    customers in it standing for that customer's own page key (which covers the whole
    customer), so the key is cheap to make. Jinja is more than half the work of a rebuild,
    and after a one-note change most list pages show exactly the rows they showed before.
    """

    context: bytes  # what every page depends on: the tool, the day, the settings, templates
    tokens: dict[int, bytes]  # id(customer) -> its page key, for this build's customers
    fresh: Callable[[str, bytes], bool]  # the output's file at `path` was made with this key

    def key(self, path: str, template: str, context: dict[str, object]) -> bytes | None:
        """The page's key; None when something in its context cannot be pickled."""
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        # Only customers go through Python code; every other object is pickled in C.
        pickler.dispatch_table = {Customer: self._reduce_customer}
        try:
            pickler.dump((path, template, context))
        except Exception:  # such a page is simply made every time
            return None
        return digest(self.context + buffer.getvalue())

    def _reduce_customer(self, customer: Customer) -> Any:
        token = self.tokens.get(id(customer))
        if token is None:  # a customer of another vault (the pipeline "then", from git)
            return customer.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        return _customer_token, (token,)


def _customer_token(token: bytes) -> bytes:
    """What a customer becomes in a page key (never unpickled: keys are only compared)."""
    return token


@dataclass(frozen=True)
class Renderer:
    """One build's Jinja environment and shared page data; renders any page of the site."""

    env: Environment
    site: Site
    settings: Settings
    today: date
    history: views.SiteHistory | None
    pieces: Pieces | None = None  # the data files' per-customer pieces, kept by `watch`
    reuse: Reuse | None = None  # set by a build that keeps what it made last time

    def page(self, path: str, template: str, site: Site | None = None, **context: object) -> Page:
        """A vault-wide page, or only its key (`kept`) when the output holds it already."""
        context.update(site=site or self.site, root="../" * path.count("/"), page_path=path)
        key = None if self.reuse is None else self.reuse.key(path, template, context)
        if key is not None and self.reuse is not None and self.reuse.fresh(path, key):
            return Page(path, b"", key, kept=True)
        return Page(path, self._render(template, context), key)

    def compile_templates(self) -> None:
        """Compile every page template now. Jinja keeps compiled templates in the
        environment, which outlives a build in `watch`; but templates first compiled in a
        forked worker are lost with it, and compiling them costs more than a small rebuild."""
        for name in PAGE_TEMPLATES:
            with contextlib.suppress(TemplateError):  # reported when the page is made
                self.env.get_template(name)

    def _render(self, template: str, context: dict[str, object]) -> bytes:
        return self.env.get_template(template).render(**context).encode("utf-8")

    def customer_page(self, customer: Customer, problems: list[Problem]) -> Page:
        """A customer's page: a function of that customer alone (and the build's settings,
        day and templates), so an unchanged customer's page need not be made again. The
        vault-wide problem count is therefore left out of its navigation."""
        path = customer_file(customer.id)
        # Not through `reuse`: the build keys customer pages itself (build.SiteMemo).
        return Page(path, self._render("customer.html", dict(
            site=replace(self.site, error_count=0, warning_count=0), root="../" * path.count("/"),
            page_path=path,
            row=make_row(customer, self.settings, self.today), c=customer, problems=problems,
            log=sorted(customer.log, key=lambda e: (e.date, e.line), reverse=True),
            history=views.customer_history(self.history, customer.path, self.settings.locale)
            if self.history else None, active="home")))


def renderer(vault: Vault, today: date, history: views.SiteHistory | None = None,
             pieces: Pieces | None = None) -> Renderer:
    title = vault.settings.name or tr(vault.settings.locale, "customers")
    site = Site(title, today, vault.settings.currency, vault.error_count, vault.warning_count)
    if pieces is not None:
        pieces.use_context((vault.settings, today))
    return Renderer(make_environment(vault.settings.locale, vault.templates), site,
                    vault.settings, today, history, pieces)


PageMaker = Callable[..., Page]


def render_site(vault: Vault, today: date, history: views.SiteHistory | None = None
                ) -> Iterator[Page]:
    """Every page of the dashboard, in a fixed order, as bytes; `history` adds its sections."""
    r = renderer(vault, today, history)
    yield from site_pages(r, vault)
    by_path = problems_by_path(vault.problems)
    for customer in vault.customers:
        yield r.customer_page(customer, by_path.get(customer.path, []))


Section = Callable[[], Iterable[Page]]


def site_pages(r: Renderer, vault: Vault) -> Iterator[Page]:
    """The pages and files about the whole vault (everything but the customer pages)."""
    kept, anywhere = site_sections(r, vault)
    for section in (*kept, *anywhere):
        yield from section()


def site_sections(r: Renderer, vault: Vault) -> tuple[list[Section], list[Section]]:
    """The vault-wide pages in independent sections, for the build to make side by side.

    The first list's sections must run in this process: they fill `r.pieces`, which `watch`
    keeps for the next rebuild. The second's may run anywhere (in a worker process).
    """
    today, history, page = r.today, r.history, r.page
    follow = board(vault, today)

    def home() -> Iterator[Page]:
        yield page("index.html", "index.html", customer_count=len(vault.customers), board=follow,
                   active="home", filters=filter_options(vault),
                   home=views.home(vault, today, follow))

    def data() -> Iterator[Page]:
        hrefs = {c.id: customer_href(c.id) for c in vault.customers}
        yield Page("data/customers.js", customers_script(vault, today, hrefs, r.pieces))
        yield from export_pages(vault, today, pieces=r.pieces)

    def follow_ups() -> Iterator[Page]:
        f = views.follow_ups_page(vault, follow)
        yield page("follow-ups.html", "follow_ups.html", f=_summary(f), active="follow_ups",
                   dormant_after=str(vault.settings.dormant_after))
        by_owner = views.follow_ups_by_owner(vault, follow)
        for group in paging.split(by_owner.groups, "follow-ups-by-owner",
                                  first="follow-ups-by-owner.html", size=paging.OWNERS_PER_PAGE):
            yield page(group.path, "follow_ups_by_owner.html", groups=group.rows,
                       pager=group.pager, active="follow_ups")
        yield from _list_pages(page, (*f.lists, *by_owner.lists))

    def pipeline() -> Iterator[Page]:
        p = views.pipeline_page(vault, today, history)
        yield page("pipeline.html", "pipeline.html", p=_summary(p), active="pipeline")
        yield from _list_pages(page, p.lists)

    def segments() -> Iterator[Page]:
        found = views.segments_page(vault, today)
        yield page("segments.html", "segments.html", sections=found.sections, active="segments")
        yield from _list_pages(page, found.lists)

    def value() -> Iterator[Page]:
        v = views.value_page(vault, today)
        # Without every scored customer's row, which only value/rfm-N.html show.
        summary = _summary(replace(v, rfm=replace(v.rfm, rows=())))
        yield page("value.html", "value.html", v=summary, active="value_churn",
                   dormant_after=str(vault.settings.dormant_after))
        yield from _list_pages(page, v.lists)

    def owners() -> Iterator[Page]:
        for part in paging.split(views.owners_page(vault, today), "owners", first="owners.html"):
            yield page(part.path, "owners.html", owners=part.rows, pager=part.pager,
                       active="owners")

    def problems() -> Iterator[Page]:
        by_path = problems_by_path(vault.problems)
        flat = [(path, problem) for path, items in _problem_groups(by_path) for problem in items]
        for part in paging.split(flat, "problems", first="problems.html"):
            yield page(part.path, "problems.html", problems=_regroup(part.rows), pager=part.pager,
                       active="problems")
        for name in STATIC_FILES:
            yield Page(f"assets/{name}", (template_dir() / "static" / name).read_bytes())

    return [data], [pipeline, value, segments, follow_ups, home, owners, problems]


SummaryView = TypeVar("SummaryView", views.FollowUpsPage, views.PipelinePage, views.ValuePage)


def _summary(view: SummaryView) -> SummaryView:
    """A summary page's view without its long lists, which only the lists' own pages show:
    its template shows their first parts, and a page's key is made of what it is given."""
    return replace(view, lists=())


def _list_pages(page: PageMaker, lists: Iterable[paging.LongList[Any]]) -> Iterator[Page]:
    for long_list in lists:
        for part in paging.list_pages(long_list):
            # The list with only this page's rows, as `rows`: a page's key is then made of
            # what the page shows, not of the whole list.
            yield page(part.path, "list.html", lst=replace(long_list, rows=part.rows),
                       rows=part.rows, pager=part.pager, active=long_list.active)


def problems_by_path(problems: tuple[Problem, ...]) -> dict[str, list[Problem]]:
    """Each file's problems, found once rather than once per customer page."""
    by_path: dict[str, list[Problem]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(problem)
    return by_path


def _problem_groups(by_path: dict[str, list[Problem]]) -> list[tuple[str, list[Problem]]]:
    """Problems by file, files with errors first, so the worst is on top."""
    return sorted(by_path.items(),
                  key=lambda kv: (not any(p.severity == "error" for p in kv[1]), kv[0]))


def _regroup(rows: tuple[tuple[str, Problem], ...]) -> list[tuple[str, list[Problem]]]:
    """One page's problems by file again; a file cut by a page break is named on both pages."""
    groups: list[tuple[str, list[Problem]]] = []
    for path, problem in rows:
        if not groups or groups[-1][0] != path:
            groups.append((path, []))
        groups[-1][1].append(problem)
    return groups
