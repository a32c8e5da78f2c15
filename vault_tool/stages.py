"""Stage analytics from history: how deals move through the pipeline, with nothing extra to type.

Pure: the input is history.note_timeline's versions (oldest first) and `today`.

Definitions (docs/dashboard.md repeats them for readers of the pipeline page):

- A deal is a customer (followed through renames) and a deal title. Its *steps* are the
  stages it had, each from the day of the first commit that showed it there; a deal first
  seen already at `negotiation` starts there. A commit that leaves the stage alone adds
  no step; a deal that goes back to an earlier stage gets a new step.
- A *stay* is a step followed by another: it lasted from its day to the next step's day.
  The median days of a stage are over finished stays only; a deal still at a stage is
  compared with that median instead, and is *stuck* when it has been there longer.
  Only deals still in the vault now, at an open stage, can be stuck.
- *Reached X*: deals with a step at X. *X → Y next*: deals whose step right after an X
  step was Y. *X → Y ever*: deals with a Y step anywhere after their first X step.
  Rates are over the deals that reached X.
- *Won later*: deals that reached X and were at a won stage at a later commit, over the
  deals that reached X.
- *Win rate*: of the deals whose last stage is won or lost (a stage with default
  probability 1 or 0), the share won. Deals removed from their note count by their
  last stage too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from statistics import median

from .history import NoteVersion
from .model import Settings
from .pipeline import stage_state
from .vault import customer_id


@dataclass(frozen=True)
class DealTrack:
    customer_id: str  # the id it has now, or had when last seen
    title: str
    steps: tuple[tuple[str, date], ...]  # (stage, since), oldest first
    current: bool  # still in the vault at the last commit


@dataclass
class _Track:
    customer_id: str
    title: str
    steps: list[tuple[str, date]]
    current: bool = True


def deal_tracks(versions: Iterable[NoteVersion]) -> tuple[DealTrack, ...]:
    """Every deal's steps, from the note versions oldest first."""
    live: dict[str, dict[str, _Track]] = {}
    everything: list[_Track] = []
    for version in versions:
        deals = live.pop(version.old_path, {}) if version.old_path else {}
        if version.old_path and version.new_path is None:
            for track in deals.values():
                track.current = False
            continue
        path = version.new_path or ""
        deals = deals or live.pop(path, {})
        live[path] = deals
        for track in deals.values():
            track.customer_id = customer_id(path)
        if version.deals is None:  # unreadable then: keep what was known
            continue
        _observe(deals, version, path, everything)
    return tuple(DealTrack(t.customer_id, t.title, tuple(t.steps), t.current) for t in everything)


def _observe(deals: dict[str, _Track], version: NoteVersion, path: str, everything: list[_Track]
             ) -> None:
    seen = set()
    for title, stage in version.deals or ():
        if title in seen:  # two deals of one name in one note: the first one counts
            continue
        seen.add(title)
        track = deals.get(title)
        if track is None:
            track = deals[title] = _Track(customer_id(path), title, [])
            everything.append(track)
        track.current = True
        if stage and (not track.steps or track.steps[-1][0] != stage):
            track.steps.append((stage, version.day))
    for title, track in deals.items():
        if title not in seen:
            track.current = False


@dataclass(frozen=True)
class StageFigure:
    stage: str
    reached: int
    stays: int  # finished stays, which the median is over
    median_days: float | None
    won_later: int = 0  # deals that reached it and were at a won stage at a later commit

    @property
    def won_rate(self) -> float:
        return self.won_later / self.reached if self.reached else 0.0


@dataclass(frozen=True)
class Conversion:
    source: str
    target: str
    reached: int  # deals that reached `source`
    next: int
    ever: int

    @property
    def next_rate(self) -> float:
        return self.next / self.reached if self.reached else 0.0

    @property
    def ever_rate(self) -> float:
        return self.ever / self.reached if self.reached else 0.0


@dataclass(frozen=True)
class StuckDeal:
    customer_id: str
    title: str
    stage: str
    since: date
    days: int
    median_days: float


@dataclass(frozen=True)
class StageStats:
    deals: int
    won: int
    lost: int
    stages: tuple[StageFigure, ...]
    conversions: tuple[Conversion, ...]
    stuck: tuple[StuckDeal, ...]

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None


def stage_stats(tracks: Iterable[DealTrack], settings: Settings, today: date) -> StageStats:
    """Durations, conversions, win rate and stuck deals (see the module's definitions)."""
    tracks = tuple(t for t in tracks if t.steps)
    stays: dict[str, list[int]] = {}
    for track in tracks:
        for (stage, since), (_, until) in zip(track.steps, track.steps[1:], strict=False):
            stays.setdefault(stage, []).append((until - since).days)
    order = stage_order(tracks, settings)
    reached = {s: sum(1 for t in tracks if any(st == s for st, _ in t.steps)) for s in order}
    medians = {s: float(median(days)) for s, days in stays.items()}
    won_later = {s: sum(1 for t in tracks if _won_after(t, s, settings)) for s in order}
    figures = tuple(StageFigure(s, reached[s], len(stays.get(s, ())), medians.get(s), won_later[s])
                    for s in order)
    last = [stage_state(t.steps[-1][0], settings) for t in tracks]
    return StageStats(len(tracks), last.count("won"), last.count("lost"), figures,
                      _conversions(tracks, order, reached), _stuck(tracks, medians, settings, today))


def _won_after(track: DealTrack, stage: str, settings: Settings) -> bool:
    stages = [s for s, _ in track.steps]
    if stage not in stages:
        return False
    return any(stage_state(s, settings) == "won" for s in stages[stages.index(stage) + 1:])


def stage_order(tracks: Iterable[DealTrack], settings: Settings) -> list[str]:
    """vault.yml's stages in its order, then any other stage seen, alphabetically."""
    configured = [name for name, _ in settings.stages]
    seen = {stage for t in tracks for stage, _ in t.steps}
    return [s for s in configured if s in seen] + sorted(seen - set(configured))


def _conversions(tracks: tuple[DealTrack, ...], order: list[str], reached: dict[str, int]
                 ) -> tuple[Conversion, ...]:
    nexts: dict[tuple[str, str], int] = {}
    evers: dict[tuple[str, str], int] = {}
    for track in tracks:
        stages = [s for s, _ in track.steps]
        for pair in set(pairwise(stages)):
            nexts[pair] = nexts.get(pair, 0) + 1
        ever = {(s, t) for i, s in enumerate(stages) for t in stages[i + 1:]
                if s != t and stages.index(s) == i}
        for pair in ever:
            evers[pair] = evers.get(pair, 0) + 1
    rank = {s: i for i, s in enumerate(order)}
    pairs = sorted(set(nexts) | set(evers), key=lambda p: (rank[p[0]], rank[p[1]]))
    return tuple(Conversion(a, b, reached[a], nexts.get((a, b), 0), evers.get((a, b), 0))
                 for a, b in pairs)


def _stuck(tracks: tuple[DealTrack, ...], medians: dict[str, float], settings: Settings,
           today: date) -> tuple[StuckDeal, ...]:
    stuck = []
    for track in tracks:
        stage, since = track.steps[-1]
        if not track.current or stage_state(stage, settings) != "open" or stage not in medians:
            continue
        days = (today - since).days
        if days > medians[stage]:
            stuck.append(StuckDeal(track.customer_id, track.title, stage, since, days, medians[stage]))
    return tuple(sorted(stuck, key=lambda s: (-s.days, s.customer_id, s.title)))
