"""Page contexts of the dashboard's analysis pages: computed here, only displayed by templates.

Each function takes the vault and `today` and returns plain data (and charts,
already drawn as SVG) for one page, in the vault's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from markupsafe import Markup

from . import analytics, paging, pipeline
from .changes import describe_changes
from .charts import Bar, bar_chart, donut_chart
from .followups import Board, DueItem
from .history import HistoryEntry, git_time
from .i18n import label, tr, tr_or
from .model import Customer, Vault
from .paging import LongList, Part, first_part
from .stages import StageStats

T = TypeVar("T")


def _money(value: Decimal | int) -> str:
    """Whole units for charts and key figures: 1234567.5 -> 1,234,568."""
    return f"{Decimal(value).quantize(Decimal(1)):,}"


def _t(vault: Vault, key: str, **params: object) -> str:
    text = tr(vault.settings.locale, key)
    return text.format(**params) if params else text


def _long(vault: Vault, prefix: str, title: str, table: str, back: str, rows: Iterable[T],
          shown: int | None = None) -> LongList[T]:
    """A long list of the page `back` (its file, then maybe "#section") and its own pages."""
    page = re.sub(r"-\d+\.html$", ".html", back.split("#")[0])
    back_key, active = BACK_WORDS[page]
    return LongList(prefix, title, table, paging.href(back), _t(vault, back_key), active, tuple(rows),
                    shown)


# A summary page: (its title in i18n.UI, its entry in the navigation).
BACK_WORDS = {"follow-ups.html": ("follow_ups", "follow_ups"),
              "follow-ups-by-owner.html": ("follow_ups_by_owner", "follow_ups"),
              "pipeline.html": ("pipeline", "pipeline"), "segments.html": ("segments", "segments"),
              "value.html": ("value_churn", "value_churn")}


@dataclass(frozen=True)
class ListSection:
    """A section of a summary page that shows the start of a long list."""

    anchor: str  # its id on the page, and the name of its list's own pages
    key: str  # its heading: a word of i18n.UI
    part: Part[Any]


@dataclass(frozen=True)
class FollowUpsPage:
    dated: tuple[ListSection, ...]  # overdue, due today, this week, later: tables
    undated: tuple[ListSection, ...]  # no plan, going cold: lists of customers
    lists: tuple[LongList[Any], ...]


def follow_ups_page(vault: Vault, follow: Board) -> FollowUpsPage:
    """Each group of the board, the first page of it here and the rest on pages of its own."""
    groups: list[tuple[str, str, tuple[Any, ...]]] = [
        ("overdue", "overdue", follow.overdue), ("today", "due_today", follow.today),
        ("week", "this_week", follow.this_week), ("later", "later", follow.later),
        ("no-plan", "no_plan", follow.no_plan), ("going-cold", "going_cold", follow.going_cold)]
    lists = [_long(vault, f"follow-ups/{anchor}", _t(vault, key),
                   "customer_list" if index >= 4 else "due_table", f"follow-ups.html#{anchor}", rows)
             for index, (anchor, key, rows) in enumerate(groups)]
    sections = [ListSection(anchor, key, first_part(lst))
                for (anchor, key, _), lst in zip(groups, lists, strict=True)]
    return FollowUpsPage(tuple(sections[:4]), tuple(sections[4:]), tuple(lists))


@dataclass(frozen=True)
class HomeFigures:
    status: analytics.StatusCounts
    status_chart: Markup
    open_pipeline: pipeline.Totals
    quarters: pipeline.QuarterForecast
    won_this_month: pipeline.Totals
    done_this_week: int
    activity_chart: Markup
    overdue: tuple[DueItem, ...]
    due_today: tuple[DueItem, ...]
    going_cold: tuple[Customer, ...]


def home(vault: Vault, today: date, follow: Board) -> HomeFigures:
    status = analytics.status_counts(vault)
    slices = [Bar(label(vault.settings.locale, "status", s.status), s.count, s.status)
              for s in status.statuses if s.count]
    if status.without_status:
        slices.append(Bar(_t(vault, "no_status"), status.without_status, "none"))
    month_start = today.replace(day=1)
    return HomeFigures(
        status=status,
        status_chart=donut_chart(slices, title=_t(vault, "customers_by_status"),
                                 description=_t(vault, "customers_by_status_desc"),
                                 empty_text=_t(vault, "no_data"), ident="chart-status"),
        open_pipeline=pipeline.open_pipeline_value(vault),
        quarters=pipeline.quarter_forecast(vault, today),
        won_this_month=pipeline.totals(pipeline.won_in(vault, month_start, today)),
        done_this_week=analytics.follow_ups_done(vault, analytics.week_start(today), today),
        activity_chart=activity_chart(vault, today),
        overdue=follow.overdue,
        due_today=follow.today,
        going_cold=follow.going_cold,
    )


def activity_chart(vault: Vault, today: date) -> Markup:
    weeks = analytics.activity_by_week(vault, today)
    bars = [Bar(w.monday.strftime("%m-%d"), w.count) for w in weeks]
    return bar_chart(bars, title=_t(vault, "activity_title"),
                     description=_t(vault, "activity_desc", weeks=len(weeks)),
                     label_every=4, empty_text=_t(vault, "no_data"), ident="chart-activity")


@dataclass(frozen=True)
class BoardColumn:
    """A column of the board: its totals over all its deals, its biggest deals as cards."""

    stage: str | None
    default_probability: Decimal | None
    totals: pipeline.Totals
    deals: tuple[pipeline.DealRef, ...]  # the biggest (paging.BOARD_CARDS), soonest to close first
    more: int  # deals of the stage not on the board
    href: str | None  # the stage's own list of deals, biggest first, when some are not here


@dataclass(frozen=True)
class PipelinePage:
    board: tuple[BoardColumn, ...]
    open_total: pipeline.Totals
    stage_chart: Markup
    forecast: pipeline.Forecast
    forecast_chart: Markup
    quarters: pipeline.QuarterForecast
    past_close: Part[pipeline.DealRef]
    stale: Part[pipeline.StaleDeal]
    won_90: pipeline.Totals
    lists: tuple[LongList[Any], ...]
    history: PipelineHistory | None = None


@dataclass(frozen=True)
class SiteHistory:
    """What git's history adds to the dashboard (build.gather_history reads it)."""

    stats: StageStats
    then: Vault | None  # the vault at the last commit on or before the quarter's start
    then_commit: str = ""  # its short hash
    then_day: date | None = None  # its day
    notes: Mapping[str, tuple[HistoryEntry, ...]] = field(default_factory=dict)  # by path
    uncommitted: frozenset[str] = frozenset()  # paths of notes with uncommitted edits


@dataclass(frozen=True)
class StageRow:
    stage: str
    reached: int
    median_days: str  # "12", "12.5" or "" when no deal has left the stage yet
    onward: str  # "3/5 (60%)": went on to the next stage in vault.yml's order, ever
    won: str  # "2/5 (40%)": at a won stage later


@dataclass(frozen=True)
class StuckRow:
    customer: Customer
    title: str
    stage: str
    since: date
    days: int
    median_days: str


@dataclass(frozen=True)
class ThenVsNow:
    quarter: str  # "2026-Q4"
    start: date
    commit: str
    commit_day: date | None
    weighted_then: Decimal
    weighted_now: Decimal
    quarter_then: Decimal  # the weighted forecast of the quarter, then and now
    quarter_now: Decimal


@dataclass(frozen=True)
class PipelineHistory:
    win_rate: str  # "50%", or "" with no closed deal
    won: int
    lost: int
    rows: tuple[StageRow, ...]
    stuck: Part[StuckRow]
    then: ThenVsNow | None
    stuck_list: LongList[StuckRow]


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else ""


def pipeline_history(vault: Vault, today: date, history: SiteHistory) -> PipelineHistory:
    stats = history.stats
    order = [f.stage for f in stats.stages]
    ever = {(c.source, c.target): c.ever for c in stats.conversions}
    rows = []
    for index, fig in enumerate(stats.stages):
        following = order[index + 1] if index + 1 < len(order) else None
        is_open = pipeline.stage_state(fig.stage, vault.settings) == "open"
        onward = _share(ever.get((fig.stage, following), 0), fig.reached) if following and is_open else ""
        median_days = "" if fig.median_days is None else f"{fig.median_days:g}"
        rows.append(StageRow(fig.stage, fig.reached, median_days, onward,
                             _share(fig.won_later, fig.reached) if is_open else ""))
    by_id = {c.id: c for c in vault.customers}
    stuck = _long(vault, "pipeline/stuck", _t(vault, "stuck_deals"), "stuck_table",
                  "pipeline.html#stage-analytics",
                  (StuckRow(by_id[s.customer_id], s.title, s.stage, s.since, s.days, f"{s.median_days:g}")
                   for s in stats.stuck if s.customer_id in by_id))
    rate = "" if stats.win_rate is None else f"{stats.win_rate:.0%}"
    return PipelineHistory(rate, stats.won, stats.lost, tuple(rows), first_part(stuck),
                           _then_vs_now(vault, today, history), stuck)


def _then_vs_now(vault: Vault, today: date, history: SiteHistory) -> ThenVsNow | None:
    if history.then is None:
        return None
    start = pipeline.quarter_start(today)
    then_quarter = pipeline.quarter_forecast(history.then, start).this_quarter.totals.weighted
    now_quarter = pipeline.quarter_forecast(vault, today).this_quarter.totals.weighted
    return ThenVsNow(pipeline.quarter_label(start), start, history.then_commit, history.then_day,
                     pipeline.open_pipeline_value(history.then).weighted,
                     pipeline.open_pipeline_value(vault).weighted, then_quarter, now_quarter)


@dataclass(frozen=True)
class ChangeView:
    short: str
    author: str
    when: str  # "2026-11-12 14:03 +08:00": the author's own clock
    message: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CustomerHistoryView:
    last_author: str  # "" when no commit has the note yet
    last_when: str
    uncommitted: bool
    entries: tuple[ChangeView, ...]


def customer_history(history: SiteHistory, path: str, locale: str) -> CustomerHistoryView:
    """A customer page's history: its latest commits, and whether it has uncommitted edits."""
    entries = tuple(ChangeView(e.short or "", e.author or "", git_time(e.date), e.message.split("\n")[0],
                               tuple(describe_changes(e.changes, locale)))
                    for e in history.notes.get(path, ()) if not e.uncommitted)
    last = entries[0] if entries else None
    return CustomerHistoryView(last.author if last else "", last.when if last else "",
                               path in history.uncommitted, entries)


def board_columns(vault: Vault, columns: tuple[pipeline.StageColumn, ...]
                  ) -> tuple[tuple[BoardColumn, ...], list[LongList[pipeline.DealRef]]]:
    """The biggest deals of each stage on the board; a stage with more gets a list of its own."""
    slugs = paging.unique_slugs(c.stage for c in columns if c.stage is not None)
    board, lists = [], []
    for col in columns:
        name = label(vault.settings.locale, "stage", col.stage) if col.stage else _t(vault, "no_stage")
        prefix = f"pipeline/stage-{slugs[col.stage]}" if col.stage is not None else "pipeline/no-stage"
        deals = _long(vault, prefix, _t(vault, "stage_deals", stage=name), "deal_table",
                      "pipeline.html#h-board", pipeline.by_value(col.deals), paging.BOARD_CARDS)
        part = first_part(deals)
        board.append(BoardColumn(col.stage, col.default_probability, col.totals,
                                 pipeline.by_expected_close(part.rows), part.total - len(part.rows),
                                 part.href))
        lists.append(deals)
    return tuple(board), lists


def pipeline_page(vault: Vault, today: date, history: SiteHistory | None = None) -> PipelinePage:
    columns = pipeline.stage_board(vault)
    board, lists = board_columns(vault, columns)
    past = _long(vault, "pipeline/past-close", _t(vault, "past_expected_close"), "deal_table",
                 "pipeline.html#h-past", pipeline.past_expected_close(vault, today))
    stale = _long(vault, "pipeline/stale", _t(vault, "stale_deals"), "stale_table",
                  "pipeline.html#h-stale", pipeline.stale_deals(vault, today))
    more_history = pipeline_history(vault, today, history) if history else None
    locale = vault.settings.locale
    stage_bars = [Bar(label(locale, "stage", c.stage) if c.stage else _t(vault, "no_stage"),
                      c.totals.value.quantize(Decimal(1)), c.stage or "none") for c in columns]
    forecast = pipeline.forecast_by_month(vault, today)
    buckets = [forecast.overdue, *forecast.months, forecast.later, forecast.undated]
    forecast_bars = [Bar(_bucket_label(vault, b.label), b.totals.weighted.quantize(Decimal(1)))
                     for b in buckets]
    return PipelinePage(
        board=board,
        open_total=pipeline.open_pipeline_value(vault),
        stage_chart=bar_chart(stage_bars, title=_t(vault, "pipeline_by_stage"),
                              description=_t(vault, "pipeline_by_stage_desc"), value_format=_money,
                              horizontal=True, empty_text=_t(vault, "no_data"), ident="chart-stages"),
        forecast=forecast,
        forecast_chart=bar_chart(forecast_bars, title=_t(vault, "forecast_title"),
                                 description=_t(vault, "forecast_desc"), value_format=_money,
                                 empty_text=_t(vault, "no_data"), ident="chart-forecast"),
        quarters=pipeline.quarter_forecast(vault, today),
        past_close=first_part(past),
        stale=first_part(stale),
        won_90=pipeline.totals(pipeline.won_in(vault, today - timedelta(days=89), today)),
        lists=(*lists, past, stale, *([more_history.stuck_list] if more_history else [])),
        history=more_history,
    )


def _bucket_label(vault: Vault, name: str) -> str:
    return _t(vault, f"bucket_{name}") if name in ("overdue", "undated", "later") else name


@dataclass(frozen=True)
class SegmentSection:
    key: str
    title: str
    rows: Part[analytics.SegmentRow]  # the biggest groups; a field with many values has pages
    chart: Markup


@dataclass(frozen=True)
class SegmentsPage:
    sections: tuple[SegmentSection, ...]
    lists: tuple[LongList[Any], ...]


def segments_page(vault: Vault, today: date) -> SegmentsPage:
    sections, lists = [], []
    keys = analytics.segment_keys(vault.settings)
    slugs = paging.unique_slugs(keys)
    for key in keys:
        table = analytics.segment_table(vault, key, today)
        title = tr_or(vault.settings.locale, key, key)
        bars = [Bar(r.value if r.value is not None else _t(vault, "not_set"), r.customers)
                for r in table.rows[:12]]
        chart = bar_chart(bars, title=_t(vault, "customers_by", what=title),
                          description=_t(vault, "customers_by_desc", what=title), horizontal=True,
                          empty_text=_t(vault, "no_data"), ident=f"chart-segment-{key}")
        groups = _long(vault, f"segments/{slugs[key]}", title, "segment_table",
                       f"segments.html#seg-{key}", table.rows)
        sections.append(SegmentSection(key, title, first_part(groups), chart))
        lists.append(groups)
    return SegmentsPage(tuple(sections), tuple(lists))


@dataclass(frozen=True)
class ValuePage:
    rfm: analytics.Rfm
    segment_chart: Markup
    rfm_rows: Part[analytics.RfmRow]
    churn: Part[analytics.ChurnRow]
    lists: tuple[LongList[Any], ...]


def value_page(vault: Vault, today: date) -> ValuePage:
    result = analytics.rfm(vault, today)
    bars = [Bar(_t(vault, f"rfm_{s.segment}"), s.customers, s.segment) for s in result.segments]
    rfm_rows = _long(vault, "value/rfm", _t(vault, "rfm_title"), "rfm_table", "value.html#h-rfm",
                     result.rows)
    churn = _long(vault, "value/churn", _t(vault, "churn_title"), "churn_table",
                  "value.html#h-churn", analytics.churn_list(vault, today))
    return ValuePage(
        rfm=result,
        segment_chart=bar_chart(bars, title=_t(vault, "rfm_chart_title"),
                                description=_t(vault, "rfm_chart_desc"), horizontal=True,
                                empty_text=_t(vault, "no_data"), ident="chart-rfm"),
        rfm_rows=first_part(rfm_rows),
        churn=first_part(churn),
        lists=(rfm_rows, churn),
    )


def owners_page(vault: Vault, today: date) -> tuple[analytics.OwnerRow, ...]:
    return analytics.owner_summary(vault, today)


@dataclass(frozen=True)
class OwnerGroup:
    owner: str | None
    items: Part[DueItem]


@dataclass(frozen=True)
class ByOwnerPage:
    groups: tuple[OwnerGroup, ...]
    lists: tuple[LongList[Any], ...]


def follow_ups_by_owner(vault: Vault, follow: Board) -> ByOwnerPage:
    """Overdue and this week's follow-ups, one group per owner (the owners' order of vault.yml).

    The groups themselves go OWNERS_PER_PAGE to a page (see render), so a firm with many
    owners does not get one huge page; each owner's list links back to its group.
    """
    mine: dict[str | None, list[DueItem]] = {}
    for item in [*follow.overdue, *follow.today, *follow.this_week]:
        mine.setdefault(item.customer.owner, []).append(item)
    owners = [o for o in analytics.owner_order(vault) if o in mine]
    slugs = paging.unique_slugs(o for o in owners if o is not None)
    groups, lists = [], []
    for index, owner in enumerate(owners):
        prefix = f"follow-ups/owner-{slugs[owner]}" if owner is not None else "follow-ups/no-owner"
        number, place = divmod(index, paging.OWNERS_PER_PAGE)
        back = paging.page_path("follow-ups-by-owner", number + 1, first="follow-ups-by-owner.html")
        items = _long(vault, prefix, owner or _t(vault, "no_owner"), "due_table",
                      f"{back}#h-owner-{place + 1}", mine[owner])
        groups.append(OwnerGroup(owner, first_part(items)))
        lists.append(items)
    return ByOwnerPage(tuple(groups), tuple(lists))
