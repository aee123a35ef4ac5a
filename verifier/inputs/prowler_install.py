"""The installed Prowler CLI: where it is, its version, its check list and its framework files.

Prowler is only ever run as a subprocess; its Python internals are never imported here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson

from verifier.errors import EnvError

INSTALL_HINT = "install it with `make prowler` (a separate virtual environment) or `pip install 'poam-verifier[prowler]'`"
_TIMEOUT_S = 300
_LISTING_TIMEOUT_S = 1200
_VERSION = re.compile(r"^Prowler (\S+)")

REDACTED = "[REDACTED]"
# Environment variables whose values are credentials (or may be): a failing Prowler can echo them.
_CREDENTIAL_VARIABLE = re.compile(r"^(?:AWS_|AZURE_|GOOGLE_|M365_)|TOKEN|SECRET|PASSWORD|KEY", re.IGNORECASE)
# Names whose values are not secret and appear in useful messages (us-east-1, a profile name).
_PLAIN_VARIABLE = re.compile(r"(?:REGION|PROFILE)$", re.IGNORECASE)
_MIN_SECRET_LENGTH = 6  # shorter values ("1", "true") would blank common words, and guess no secret
# Text shaped like a secret, whatever variable (if any) it came from.
_SECRET_SHAPES = (
    re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b"),  # AWS access key id
    re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*"),  # a JSON Web Token
    re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])"),  # an AWS secret access key
    re.compile(r"\b[0-9a-fA-F]{32,}\b"),  # a long hex token
)
# A long base64-like run mixing upper and lower case and digits (a module path or a word has no digits).
_TOKEN = re.compile(r"(?<![\w+~.-])[\w+~.-]{32,}={0,2}")
_ASSIGNED = re.compile(
    r"(?i)\b([\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?))"
    r"(\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[\w.~+/=-]{8,}")


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
            raise EnvError(
                f"`prowler {' '.join(args)}` failed (exit {done.returncode}): {redact_secrets(tail[0])}"
            )
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
    """``--prowler-bin``, then ``POAM_PROWLER_BIN``, then ``prowler`` on PATH, then ``./.venv-prowler``.

    The binary is made absolute here (``~`` expanded), before it is checked: run as given, ``./prowler``
    (which ``Path`` shortens to ``prowler``) would be looked up on PATH, so another program than the one
    checked would run.
    """
    candidates = [explicit] if explicit else [os.environ.get("POAM_PROWLER_BIN"), shutil.which("prowler")]
    if not explicit:
        candidates.append(str(Path(".venv-prowler/bin/prowler")))
    for candidate in candidates:
        binary = Path(candidate).expanduser().absolute() if candidate else None
        if binary is not None and binary.is_file() and os.access(binary, os.X_OK):
            return ProwlerInstall(binary=binary)
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


def redact_secrets(text: str, environ: Mapping[str, str] | None = None) -> str:
    """``text`` (Prowler's words, bound for a manifest or the console) with every credential blanked out:
    the values of credential environment variables, and anything shaped like a secret."""
    values = {
        value
        for name, value in (os.environ if environ is None else environ).items()
        if _CREDENTIAL_VARIABLE.search(name)
        and not _PLAIN_VARIABLE.search(name)
        and len(value) >= _MIN_SECRET_LENGTH
    }
    for value in sorted(values, key=len, reverse=True):  # a value inside a longer one goes with it
        text = text.replace(value, REDACTED)
    text = _ASSIGNED.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    for shape in _SECRET_SHAPES:
        text = shape.sub(REDACTED, text)
    return _TOKEN.sub(lambda m: REDACTED if _mixed(m.group(0)) else m.group(0), text)


def _mixed(token: str) -> bool:
    return (
        any(c.isupper() for c in token)
        and any(c.islower() for c in token)
        and any(c.isdigit() for c in token)
    )
