"""Reading many findings sources on every core, with results handed back in the order given.

The pool knows nothing about files: it runs one picklable ``read`` over picklable sources (local files,
S3 objects, archive members alike) in worker processes and yields the results in source order, so
everything merged from them is byte-for-byte what a one-process run produces. The first failing
source in that order raises its error, as it would have in one process; the work still queued is
cancelled.

Workers are forked from a ``forkserver``: a clean process that has imported the reading code once, so
a worker starts in milliseconds and inherits none of the parent's threads (the progress bar runs one).
The server is started on first use and keeps the environment of that moment (AWS settings).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

Source = TypeVar("Source")
Result = TypeVar("Result")

# Below this much local data a pool costs more to start (an interpreter per worker) than it saves.
POOL_MIN_BYTES = 64 * 1024 * 1024


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def ordered_map(
    read: Callable[[Source], Result],
    sources: Sequence[Source],
    jobs: int,
    started: Callable[[int], None] | None = None,
) -> Iterator[Result]:
    """``read(source)`` for each source, in order, on up to ``jobs`` processes (in this one when 1).

    ``started(index)`` is called before waiting for the result of ``sources[index]``.
    """
    if jobs <= 1 or len(sources) <= 1:
        for index, source in enumerate(sources):
            if started is not None:
                started(index)
            yield read(source)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([read.__module__])
    with ProcessPoolExecutor(max_workers=min(jobs, len(sources)), mp_context=context) as pool:
        futures = [pool.submit(read, source) for source in sources]
        try:
            yield from _in_order(futures, started)
        finally:
            for future in futures:
                future.cancel()


def _in_order(futures: Sequence[Future[Result]], started: Callable[[int], None] | None) -> Iterator[Result]:
    for index, future in enumerate(futures):
        if started is not None:
            started(index)
        yield future.result()
