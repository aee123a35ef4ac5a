"""Run the real ``poam`` CLI with a fault at its Nth publishing step: ``python -m tests.support.faults``.

``python -m tests.support.faults MODE N ARGS...`` counts every rename (``os.replace``, ``os.rename``) and
every removal of a run journal, in call order, and at the Nth one:

- ``kill``: the process SIGKILLs itself before the step (nothing after it runs, no cleanup, no ``finally``);
- ``fail``: the step raises ``OSError(EIO)``, as a full disk or a dying drive would;
- ``count``: nothing happens; the number of steps is printed on stderr as ``steps=K`` when the run ends.

A real process, so a kill is a kill: the lock dies with it and the next run sees what a crash leaves.
"""

from __future__ import annotations

import atexit
import errno
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

STEPS = 0


def _faulty(real: Callable[..., Any], mode: str, at: int, journal_only: bool) -> Callable[..., Any]:
    def step(*args: Any, **kwargs: Any) -> Any:
        global STEPS
        if journal_only and not os.fspath(args[0]).endswith(".journal"):
            return real(*args, **kwargs)
        STEPS += 1
        if at == STEPS and mode == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if at == STEPS and mode == "fail":
            raise OSError(errno.EIO, "injected I/O error", os.fspath(args[-1]))
        return real(*args, **kwargs)

    return step


def main() -> None:
    mode, at, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    os.replace = _faulty(os.replace, mode, at, journal_only=False)
    os.rename = _faulty(os.rename, mode, at, journal_only=False)
    os.unlink = _faulty(os.unlink, mode, at, journal_only=True)
    if mode == "count":
        atexit.register(lambda: print(f"steps={STEPS}", file=sys.stderr))
    from verifier.cli import main as poam

    sys.argv = ["poam", *args]
    poam()


if __name__ == "__main__":
    main()
