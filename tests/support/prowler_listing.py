"""A Prowler that answers ``--version`` and ``<provider> --list-checks-json`` once per session.

Each of those runs loads every check and compliance framework first (~12 s of CPU); ``mapping sync`` and
``mapping check`` ask them again and again with the same answer. ``listing_prowler`` writes a small console
script, run by Prowler's own interpreter (so ``compliance_dir()`` still finds Prowler's package), that runs the
real Prowler the first time it is asked one of them, keeps the real output, and replays it afterwards. Any
other command line, and any failed run, goes straight to the real Prowler. The xdist workers of one run share
the answers (a lock per answer: the first asker runs Prowler, the others wait and replay).
"""

from __future__ import annotations

import os
from pathlib import Path

_SCRIPT = """#!{python}
import fcntl, os, subprocess, sys
from pathlib import Path

REAL = {real!r}
CACHE = Path({cache!r})
args = sys.argv[1:]
listing = args == ["--version"] or (len(args) == 2 and args[1] == "--list-checks-json")
if not listing:
    os.execv(REAL, [REAL, *args])
kept = CACHE / ("_".join(a.strip("-") for a in args) + ".out")
# One asker at a time per answer: another worker asking the same question waits for it, then replays it.
with open(kept.with_name(kept.name + ".lock"), "w") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    if kept.is_file():
        sys.stdout.write(kept.read_text(encoding="utf-8"))
        sys.exit(0)
    done = subprocess.run([REAL, *args], capture_output=True, text=True, check=False)
    if done.returncode == 0:
        partial = kept.with_name(kept.name + f".{{os.getpid()}}")
        partial.write_text(done.stdout, encoding="utf-8")
        partial.replace(kept)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
sys.exit(done.returncode)
"""


def prowler_interpreter(prowler_bin: str) -> str:
    """The Python a Prowler console script runs with, read from its shebang."""
    first = Path(prowler_bin).read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    if not first.startswith("#!"):
        raise ValueError(f"{prowler_bin} is not a Python console script")
    return first[2:].strip().split()[0]


def listing_prowler(prowler_bin: str, directory: Path) -> str:
    """Write the caching Prowler into ``directory``; return its path. Callers that share ``directory`` (the
    xdist workers of one run) share its answers."""
    cache = directory / "answers"
    cache.mkdir(parents=True, exist_ok=True)
    script = directory / "prowler"
    real = str(Path(prowler_bin).resolve())
    text = _SCRIPT.format(python=prowler_interpreter(real), real=real, cache=str(cache))
    # Written aside and renamed: another worker may be running the script this one replaces.
    partial = script.with_name(f"prowler.{os.getpid()}")
    partial.write_text(text, encoding="utf-8")
    partial.chmod(0o755)
    partial.replace(script)
    return str(script)
