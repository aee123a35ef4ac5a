"""``poam init DIR``: scaffold a compliance repository; never overwrites a file that exists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from verifier import __version__
from verifier.errors import UsageError
from verifier.inputs.poam import parse_poam
from verifier.outputs.new_poam import PoamHeader
from verifier.outputs.scaffold import POAM_FILE, Scaffold, render_scaffold
from verifier.outputs.writer import write_atomic

# A version PyPI can carry: a release, a pre-release or a post-release; never a development build
# (.devN) or a local one (+gHASH), which no index serves.
_RELEASE = re.compile(r"(\d+!)?\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?")
# The requirement lands in a YAML file, a shell command (single-quoted) and a GitHub expression context:
# none of $ ` ' " \ { } or white space but single spaces can reach them.
_SAFE = re.compile(r"[A-Za-z0-9._+\-=<>!~,@:/#%?&\[\]* ]+")
# The project's name (any spelling pip accepts), its extras, then a version specifier or "@ URL".
_NAMED = re.compile(r"poam[-_.]verifier(\[[A-Za-z0-9_,\s-]*\])?\s*(?=[<>=!~@])", re.IGNORECASE)
_SPECIFIERS = re.compile(
    r"(===?|!=|<=?|>=?|~=) ?[A-Za-z0-9.*+!_-]+( ?, ?(===?|!=|<=?|>=?|~=) ?[A-Za-z0-9.*+!_-]+)*"
)
_WHEEL = re.compile(r"https://\S+/poam_verifier-[^/\s]+\.whl(#sha256=[0-9a-f]{64})?", re.IGNORECASE)
_GIT = re.compile(r"git\+https://[^@\s]+@[^@\s/]+\S*")
NO_RELEASE = (
    "poam-verifier {version} is a development build, not a release on PyPI; pin what the workflows and "
    "the hook should install: --install 'poam-verifier @ git+https://github.com/OWNER/poam-verifier@TAG', "
    "a wheel's URL (--install 'https://…/poam_verifier-X.Y.Z-py3-none-any.whl'), or "
    "--install 'poam-verifier==X.Y.Z' for a published release"
)


@dataclass(frozen=True, slots=True)
class InitOptions:
    directory: Path
    header: PoamHeader
    # The pip requirement the workflows and the hook install; None: this verifier's release.
    install: str | None = None
    # The running verifier's version, injected so the default is testable at any commit.
    running_version: str = __version__


def run_init(options: InitOptions) -> tuple[str, tuple[Path, ...]]:
    """Write every scaffold file, or none: an existing file stops the run before anything is written.

    Returns the requirement pinned and the files written.
    """
    install = verifier_requirement(options.install, options.running_version)
    files = render_scaffold(Scaffold(options.header, install))
    targets = {options.directory / name: data for name, data in files.items()}
    existing = sorted(str(path) for path in targets if path.exists() or path.is_symlink())
    if existing:
        raise UsageError(f"refusing to overwrite {', '.join(existing)}; nothing written")
    # The skeleton must load as a POA&M before anything lands on disk.
    parse_poam(files[POAM_FILE], str(options.directory / POAM_FILE))
    for path, data in targets.items():
        write_atomic(path, data)
    return install, tuple(targets)


def is_release(version: str) -> bool:
    """True for a version an index can serve (no development or local part)."""
    return _RELEASE.fullmatch(version) is not None


def verifier_requirement(install: str | None, running_version: str) -> str:
    """The pip requirement to pin: ``install`` checked, else this release; exit 2 for a development build.

    A development build is never pinned as ``poam-verifier==V``: pip would find nothing to install and
    every generated workflow would fail on its first run.
    """
    if install is None:
        if not is_release(running_version):
            raise UsageError(NO_RELEASE.format(version=running_version))
        return f"poam-verifier=={running_version}"
    return parse_requirement(install)


def parse_requirement(text: str) -> str:
    """``text`` if it installs poam-verifier from a place CI can reach and names what it pins; else exit 2."""
    requirement = text.strip()
    if not _SAFE.fullmatch(requirement):
        raise UsageError(
            f"--install {text!r}: a pip requirement of letters, digits and . _ + - = < > ! ~ , @ : / # % ? & [ ] *"
        )
    if _WHEEL.fullmatch(requirement):
        return requirement
    name = _NAMED.match(requirement)
    if name is None:
        raise UsageError(
            f"--install {text!r} does not pin poam-verifier: give 'poam-verifier==X.Y.Z', "
            "'poam-verifier @ URL' or the https URL of a poam_verifier-*.whl"
        )
    pin = requirement[name.end() :]
    if not pin.startswith("@"):
        if not _SPECIFIERS.fullmatch(pin):
            raise UsageError(
                f"--install {text!r}: after the name give a version, e.g. 'poam-verifier==0.2.0'"
            )
        return requirement
    url = pin[1:].strip()
    if not (_WHEEL.fullmatch(url) or _GIT.fullmatch(url)):
        raise UsageError(
            f"--install {text!r}: after '@' give git+https://HOST/OWNER/poam-verifier@TAG (a tag or commit, "
            "so the workflows do not follow a branch) or the https URL of a poam_verifier-*.whl"
        )
    return requirement
