"""Long lists cut into pages of a fixed size, so that no page of the dashboard grows with the vault.

Two shapes:

- A page that is one list (problems, owners) is its own first page: `problems.html`,
  then `problems-2.html`, `problems-3.html`, … (`split` with `first`).
- A page with several lists (follow-ups, pipeline, …) shows the first rows of each
  (`first_part`); a list with more rows gets numbered pages of its own in a folder:
  `follow-ups/overdue-1.html`, `follow-ups/overdue-2.html`, … (`list_pages`).

Page numbers are always written in those folders, so a name made from a user's word
(`pipeline/stage-won-2.html`) can never be mistaken for another word's page. The sizes
are read when the pages are cut, so tests can lower them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import quote

PAGE_SIZE = 100  # rows of a long list on one page
BOARD_CARDS = 20  # deals in each stage column of the pipeline board
OWNERS_PER_PAGE = 10  # owners on one page of follow-ups-by-owner.html, each with up to PAGE_SIZE rows
PAGE_LINKS_AROUND = 2  # page numbers linked on each side of the current page

T = TypeVar("T")


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: pages left out ("…")
    href: str | None  # None: the page itself, or a gap


@dataclass(frozen=True)
class Pager:
    """Where a page sits in its list; hrefs are relative to the site's root, like every link."""

    number: int
    count: int  # pages of the list
    first: int  # the first and last row on this page, counted from 1 (0 and 0 when empty)
    last: int
    total: int  # rows of the whole list
    previous: str | None
    next: str | None
    links: tuple[PageLink, ...]


@dataclass(frozen=True)
class Slice(Generic[T]):
    """One page of a list: its file in the site, its rows and its pager."""

    path: str
    rows: tuple[T, ...]
    pager: Pager


@dataclass(frozen=True)
class LongList(Generic[T]):
    """A list that a summary page shows only the start of; the rest goes on pages of its own."""

    prefix: str  # "follow-ups/overdue": its pages are follow-ups/overdue-1.html, -2.html, …
    title: str  # the heading of its pages, in the vault's language
    table: str  # the macro of templates/lists.html that shows its rows
    back: str  # the summary page (and section) it belongs to: "follow-ups.html#overdue"
    back_title: str
    active: str  # the navigation entry its pages highlight
    rows: tuple[T, ...]
    shown: int | None = None  # rows on the summary page; None: PAGE_SIZE


@dataclass(frozen=True)
class Part(Generic[T]):
    """The start of a long list, for its summary page; `pager` only when there is more."""

    rows: tuple[T, ...]
    total: int
    pager: Pager | None
    href: str | None  # the list's own first page, when it has pages


def page_path(prefix: str, number: int, first: str | None = None) -> str:
    """`prefix-N.html`; page 1 is `first` when the list starts on a page of its own name."""
    return first if number == 1 and first is not None else f"{prefix}-{number}.html"


def href(path: str) -> str:
    """A site path as a link: file names may be Chinese or hold spaces."""
    return quote(path, safe="/#")


def page_count(total: int, size: int | None = None) -> int:
    """Pages for `total` rows; an empty list still has its one (empty) page."""
    size = PAGE_SIZE if size is None else size
    return max(1, -(-total // size))


def page_links(number: int, count: int, path_of: dict[int, str]) -> tuple[PageLink, ...]:
    """The first page, the last, and a few around the current one, with gaps between:
    the links stay few however long the list."""
    near = range(max(1, number - PAGE_LINKS_AROUND), min(count, number + PAGE_LINKS_AROUND) + 1)
    wanted = sorted({1, count, *near})
    links: list[PageLink] = []
    for n in wanted:
        if links and links[-1].number is not None and n - links[-1].number > 1:
            links.append(PageLink(None, None))
        links.append(PageLink(n, None if n == number else href(path_of[n])))
    return tuple(links)


def split(rows: Sequence[T], prefix: str, first: str | None = None, size: int | None = None
          ) -> list[Slice[T]]:
    """Every row on exactly one page (of `size` rows, PAGE_SIZE by default), in the list's order."""
    size = PAGE_SIZE if size is None else size
    count = page_count(len(rows), size)
    paths = {n: page_path(prefix, n, first) for n in range(1, count + 1)}
    slices = []
    for n in range(1, count + 1):
        chunk = tuple(rows[(n - 1) * size:n * size])
        start = (n - 1) * size + 1 if chunk else 0
        pager = Pager(n, count, start, start + len(chunk) - 1 if chunk else 0, len(rows),
                      href(paths[n - 1]) if n > 1 else None,
                      href(paths[n + 1]) if n < count else None,
                      page_links(n, count, paths))
        slices.append(Slice(paths[n], chunk, pager))
    return slices


def _shown(long_list: LongList[T]) -> int:
    return PAGE_SIZE if long_list.shown is None else long_list.shown


def list_pages(long_list: LongList[T]) -> list[Slice[T]]:
    """The list's own pages; none when the summary page shows all of it."""
    if len(long_list.rows) <= _shown(long_list):
        return []
    return split(long_list.rows, long_list.prefix)


def first_part(long_list: LongList[T]) -> Part[T]:
    """What the summary page shows: the first rows, with page 1's pager when there is more.

    With the usual size the rows are those of page 1, so the summary page is page 1 to the eye.
    """
    shown = long_list.rows[:_shown(long_list)]
    pages = list_pages(long_list)
    if not pages:
        return Part(shown, len(long_list.rows), None, None)
    pager = pages[0].pager if len(shown) == len(pages[0].rows) else None
    return Part(shown, len(long_list.rows), pager, href(pages[0].path))


def slug(text: str) -> str:
    """A user's word as part of a file name: letters and digits of any script, '.' and '_'."""
    return re.sub(r"[^\w.]+", "-", text.strip().casefold()).strip("-.") or "x"


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """A distinct slug for each name, in order: `Bob Smith` and `bob-smith` get `bob-smith`
    and `bob-smith-2`, because a file system may not tell them apart."""
    taken: set[str] = set()
    result: dict[str, str] = {}
    for name in names:
        base = candidate = slug(name)
        n = 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        result[name] = candidate
    return result
