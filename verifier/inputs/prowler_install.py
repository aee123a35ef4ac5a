"""The installed Prowler CLI: where it is, its version, its check list and its framework files.

Prowler is only ever run as a subprocess; its Python internals are never imported here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import orjson

from verifier.errors import EnvError

INSTALL_HINT = "install it with `make prowler` (a separate virtual environment) or `pip install 'poam-verifier[prowler]'`"
_TIMEOUT_S = 300
_LISTING_TIMEOUT_S = 1200
_VERSION = re.compile(r"^Prowler (\S+)")


@dataclass(frozen=True, slots=True)
class ProwlerInstall:
    """A located Prowler executable."""

    binary: Path

    def run(self, *args: str, timeout_s: int = _TIMEOUT_S) -> str:
        """Run Prowler with ``args`` and return its standard output; any failure is an ``EnvError``."""
        try:
            done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [str(self.binary), *args], capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EnvError(f"could not run {self.binary}: {exc}") from exc
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise EnvError(f"`prowler {' '.join(args)}` failed (exit {done.returncode}): {tail[0]}")
        return done.stdout

    def version(self) -> str:
        """``5.46.0`` from ``prowler --version``.

        With network access Prowler appends a remark on the latest release (``Prowler 5.46.0 (You are
        running the latest version, yay!)``), so the version is the word after ``Prowler``, not the last one.
        """
        printed = self.run("--version").strip()
        match = _VERSION.match(printed)
        if match is None:
            raise EnvError(f"`{self.binary} --version` printed {printed[:80]!r}, not `Prowler <version>`")
        return match.group(1)

    def package_version(self) -> str:
        """The installed package's version, read by Prowler's own interpreter (``prowler --version``
        loads every check and framework first, ~20 s); "" when it cannot be read."""
        code = "import importlib.metadata as m; print(m.version('prowler'))"
        try:
            done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [_interpreter(self.binary), "-c", code],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
        except (EnvError, OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    def aws_checks(self) -> frozenset[str]:
        """Every AWS check id the installed Prowler knows."""
        return self.checks("aws")

    def checks(self, provider: str) -> frozenset[str]:
        """Every check id the installed Prowler knows for ``provider`` (``prowler <provider> --list-checks-json``).

        Listing needs no credentials, but Prowler loads every compliance framework first: half a minute of
        CPU, many minutes on a busy machine, hence the longer limit. A provider Prowler does not have is an
        ``EnvError`` from ``run``.
        """
        listing = orjson.loads(self.run(provider, "--list-checks-json", timeout_s=_LISTING_TIMEOUT_S))
        return frozenset(listing.get(provider, ()))

    def compliance_dir(self) -> Path:
        """Prowler's ``compliance/`` package directory, found through its own interpreter."""
        python = _interpreter(self.binary)
        code = "import os, prowler; print(os.path.dirname(prowler.__file__))"
        try:
            done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [python, "-c", code], capture_output=True, text=True, timeout=60, check=True
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise EnvError(f"cannot locate Prowler's compliance files via {python}: {exc}") from exc
        return Path(done.stdout.strip()) / "compliance"


def find_prowler(explicit: str | None = None) -> ProwlerInstall:
    """``--prowler-bin``, then ``POAM_PROWLER_BIN``, then ``prowler`` on PATH, then ``./.venv-prowler``."""
    candidates = [explicit] if explicit else [os.environ.get("POAM_PROWLER_BIN"), shutil.which("prowler")]
    if not explicit:
        candidates.append(str(Path(".venv-prowler/bin/prowler")))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return ProwlerInstall(binary=Path(candidate))
    if explicit:
        raise EnvError(f"--prowler-bin {explicit} is not an executable file; {INSTALL_HINT}")
    raise EnvError(f"Prowler not found on PATH; {INSTALL_HINT}")


def _interpreter(binary: Path) -> str:
    """The Python a console script runs with, read from its shebang."""
    try:
        first = binary.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    except OSError as exc:
        raise EnvError(f"cannot read {binary}: {exc.strerror or exc}") from exc
    if not first.startswith("#!"):
        raise EnvError(f"{binary} is not a Python console script; pass --compliance-dir")
    return first[2:].strip().split()[0]
