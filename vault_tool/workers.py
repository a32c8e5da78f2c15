"""Spreading independent per-note work over the machine's cores.

A cold build of 10,000 notes is mostly per-note work (parse, validate, render a
page) that needs nothing from the other notes, so it splits into chunks that
worker processes do side by side. Workers are forked, so they start in
milliseconds and inherit the data they need (`Background` puts it in a module
global before forking) instead of receiving it pickled. Where fork is not
available (Windows, macOS's default) or the job is small, the chunks run one
after another in this process, giving the same results.

The pool lives only for one call: after it, no child process is left behind.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 400  # below this many items a pool costs more than it saves
_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off for a batch of work, then back as it was.

    Loading 10,000 notes makes millions of small objects and no cycles worth collecting
    mid-way; the collector would walk the growing heap again and again (a quarter of a
    cold build), and in forked workers it would touch, and so copy, the parent's pages.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def worth_forking(items: int, min_parallel: int | None = None) -> bool:
    """Whether work of this size goes to worker processes here (MIN_PARALLEL by default)."""
    least = MIN_PARALLEL if min_parallel is None else min_parallel
    return items >= least and cores() >= 2 and can_fork()


def run_chunks(work: Callable[[Sequence[T]], list[R]], items: Sequence[T],
               min_parallel: int | None = None) -> list[R]:
    """`work` applied to chunks of `items`, results concatenated in the items' order.

    `work` must be a pure function of its chunk (and of what the process held when the
    pool forked): each worker returns its results, and nothing else it did is kept.
    """
    with Background(work, items, min_parallel) as job:
        return job.results()


class Background:
    """`run_chunks` started in worker processes while this process goes on with other work.

    Use as a context manager: leaving it waits for the workers and ends them, whatever
    happened, so no child process outlives it. Without a pool the work runs in
    `results()`, in this process.
    """

    def __init__(self, work: Callable[[Sequence[T]], list[R]], items: Sequence[T],
                 min_parallel: int | None = None, *, alone: int = 0,
                 parallel: bool | None = None) -> None:
        """`alone`: the first so many items are big tasks, each a chunk of its own (started
        first, so that they do not end up last); `parallel` overrides the size rule."""
        self.work, self.items = work, items
        self.pool: ProcessPoolExecutor | None = None
        self.parts: Any = None
        if parallel is None:
            parallel = worth_forking(len(items), min_parallel)
        if not items or not parallel or not worth_forking(1, 1):
            return
        workers = min(cores(), 8)
        # Several chunks per worker, so a worker that finishes early takes another.
        rest = len(items) - alone
        size = max(1, -(-rest // (workers * 4)))
        bounds = [(i, i + 1) for i in range(alone)] + [
            (start, min(start + size, len(items))) for start in range(alone, len(items), size)]
        global _JOB
        _JOB = (work, items)
        try:
            self.pool = ProcessPoolExecutor(max_workers=workers,
                                            mp_context=multiprocessing.get_context("fork"))
            self.parts = [self.pool.submit(_run_bounds, b) for b in bounds]
        finally:
            _JOB = None  # the workers have their own copy, forked on the first submit

    def results(self) -> list[Any]:
        if self.pool is None:
            return list(self.work(self.items))
        return [result for part in self.parts for result in part.result()]

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _run_bounds(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None, "a worker runs only inside Background"
    work, items = _JOB
    return list(work(items[bounds[0]:bounds[1]]))
