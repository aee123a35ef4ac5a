"""A verify run's outputs as one transaction: staged, committed by its ledger line, then published.

A run writes in up to three places, each guarded by its own lock: the output folder, the POA&M itself
(``--in-place``) and the history ledger, which the runs of other POA&Ms may share. The ledger is the one
record every run agrees on, so it is the commit point:

1. Stage: every output is written whole beside its target (``.NAME.*.tmp``, ``.evidence.staging.*``), and
   so is the new ledger (the old one plus this run's lines, under the ledger lock held since its head was read).
2. Journal: each output place gets a journal, written atomically, naming its staged parts and the digest
   of the run's last ledger line.
3. Commit: the staged ledger is renamed over the old one. The run happened if and only if the ledger
   holds that line.
4. Publish: the staged parts are renamed into place, then the journal is removed.

The next run in a place (and ``poam history verify --bundle`` in the bundle's folder) first finishes a
journal it finds: forward if the ledger holds the line, else back (the staged parts removed); then, still
holding the lock every writer there holds, it removes the temporaries no live run owns. So the POA&M is
valid JSON at every instant, a bundle is never visible before its ledger lines are, and once the next run
has ended nothing of an interrupted one is left half-visible. A run with no ledger line (a POA&M with no
entries) commits when its journal is written.
"""

from __future__ import annotations

import contextlib
import enum
import fnmatch
import glob
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from verifier.errors import EnvError
from verifier.inputs.ledger import line_digest
from verifier.outputs.writer import (
    discard,
    exclusive_lock,
    final_path,
    fsync_dir,
    stage_directory,
    stage_file,
    staged_directory_patterns,
    staged_file_pattern,
    swap_directory,
    write_atomic,
)

JOURNAL_VERSION = 1


class MoveKind(enum.StrEnum):
    """How a staged part is put in place: a file is renamed over, a directory swapped in."""

    FILE = "file"
    DIRECTORY = "directory"


@dataclass(frozen=True, slots=True)
class Domain:
    """Outputs in one folder under one lock: ``lock`` goes to ``exclusive_lock``, ``journal`` names staged parts.

    ``files`` and ``directories`` are the names this place's runs write; their stale temporaries are removed.
    """

    folder: Path
    lock: Path
    journal: Path
    files: tuple[str, ...]
    directories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DomainOutputs:
    """What a run writes in one domain, by name: whole files and whole directories."""

    domain: Domain
    files: Mapping[str, bytes] = field(default_factory=dict)
    directories: Mapping[str, Mapping[str, bytes]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LedgerAppend:
    """The whole new ledger and the digest of its last line, the line whose presence commits the run."""

    path: Path
    data: bytes
    head: str | None  # None: the run adds no line, its journals commit it


@dataclass(frozen=True, slots=True)
class Move:
    staged: str
    target: str
    kind: MoveKind


@dataclass(frozen=True, slots=True)
class Staged:
    """One domain's staged parts, journaled and waiting to be published."""

    domain: Domain
    moves: tuple[Move, ...]


def file_domain(path: Path) -> Domain:
    """The domain of one file written in place (the POA&M with ``--in-place``): locked as ``PATH.lock``."""
    path = final_path(path)
    return Domain(path.parent, path, path.with_name(f".{path.name}.journal"), (path.name,))


def commit(outputs: Sequence[DomainOutputs], ledger: LedgerAppend | None) -> tuple[Staged, ...]:
    """Stage everything, journal it, then commit by replacing the ledger; undone whole if any step fails.

    The caller holds every domain's lock and the ledger's. Returns the staged parts for ``publish``.
    """
    staged: list[Staged] = []
    journals: list[Path] = []
    ledger_tmp: Path | None = None
    try:
        staged.extend(_stage(part) for part in outputs)  # a half-staged part removes its own temporaries
        if ledger is not None:
            ledger_tmp = stage_file(ledger.path, ledger.data)
        for done in staged:
            journals.append(done.domain.journal)
            write_atomic(done.domain.journal, _journal_bytes(done, ledger))
        if ledger is not None and ledger_tmp is not None:
            _replace_ledger(ledger_tmp, ledger.path)
    except BaseException:
        _roll_back(staged, journals, ledger_tmp)
        raise
    return tuple(staged)


def publish(staged: Sequence[Staged]) -> None:
    """Rename every committed part into place, then drop the journals. The caller holds the domains' locks."""
    for done in staged:
        try:
            _move_all(done.domain.folder, done.moves)
            discard(done.domain.journal)
            fsync_dir(done.domain.folder)
        except OSError as exc:
            raise EnvError(
                f"cannot publish this run's outputs in {done.domain.folder}: {exc.strerror or exc}; the run is "
                "recorded in the ledger and the next run there finishes publishing it"
            ) from exc


def recover(domain: Domain) -> None:
    """Finish or undo an interrupted run's journal in ``domain``, then remove temporaries no live run owns.

    The caller holds ``domain.lock``, which every run writing there holds.
    """
    if domain.journal.exists():
        moves, head, ledger_path = _read_journal(domain)
        try:
            if head is None or _ledger_holds(ledger_path, head):
                _move_all(domain.folder, moves)
            discard(domain.journal)
            fsync_dir(domain.folder)
        except OSError as exc:
            raise EnvError(
                f"cannot finish the interrupted run in {domain.journal}: {exc.strerror or exc}"
            ) from exc
    _remove_stale(domain.folder, (*domain.files, domain.journal.name), domain.directories)


def recover_ledger(ledger: Path) -> None:
    """Remove the ledger's stale staged copies; the caller holds the ledger's lock, which every writer holds.

    The ledger itself needs no journal: it is only ever replaced whole, by one rename.
    """
    ledger = final_path(ledger)
    _remove_stale(ledger.parent, (ledger.name,), ())


def recover_pending(domain: Domain) -> None:
    """``recover`` only when a journal waits there: a reader needs no lock, nor write access, otherwise."""
    if domain.journal.exists():
        with exclusive_lock(domain.lock):
            recover(domain)


def _stage(part: DomainOutputs) -> Staged:
    unknown = set(part.files) - set(part.domain.files) | set(part.directories) - set(part.domain.directories)
    if unknown:  # its journal would be refused: every output a domain stages must be one of its names
        raise ValueError(f"{part.domain.folder}: outputs {sorted(unknown)} are not among the domain's names")
    moves: list[Move] = []
    try:
        for name, data in part.files.items():
            moves.append(Move(stage_file(part.domain.folder / name, data).name, name, MoveKind.FILE))
        for name, files in part.directories.items():
            moves.append(
                Move(stage_directory(part.domain.folder / name, files).name, name, MoveKind.DIRECTORY)
            )
    except BaseException:
        _discard_moves(part.domain.folder, moves)
        raise
    return Staged(part.domain, tuple(moves))


def _replace_ledger(staged: Path, path: Path) -> None:
    try:
        staged.replace(path)
    except OSError as exc:
        raise EnvError(f"cannot write {path}: {exc.strerror or exc}") from exc
    fsync_dir(path.parent)


def _roll_back(staged: Sequence[Staged], journals: Sequence[Path], ledger_tmp: Path | None) -> None:
    for journal in journals:
        discard(journal)
    for done in staged:
        _discard_moves(done.domain.folder, done.moves)
    if ledger_tmp is not None:
        discard(ledger_tmp)


def _discard_moves(folder: Path, moves: Sequence[Move]) -> None:
    for move in moves:
        if move.kind is MoveKind.DIRECTORY:
            shutil.rmtree(folder / move.staged, ignore_errors=True)
        else:
            discard(folder / move.staged)


def _move_all(folder: Path, moves: Sequence[Move]) -> None:
    """Put each staged part in place; a part already moved (a run killed part-way) is skipped."""
    for move in moves:
        staged, target = folder / move.staged, folder / move.target
        if not staged.exists():
            continue
        if move.kind is MoveKind.DIRECTORY:
            swap_directory(staged, target)
        else:
            staged.replace(target)
    fsync_dir(folder)


def _journal_bytes(staged: Staged, ledger: LedgerAppend | None) -> bytes:
    record = {
        "version": JOURNAL_VERSION,
        "ledger": str(ledger.path.absolute()) if ledger is not None and ledger.head is not None else None,
        "head": ledger.head if ledger is not None else None,
        "moves": [{"staged": m.staged, "target": m.target, "kind": m.kind.value} for m in staged.moves],
    }
    return orjson.dumps(record) + b"\n"


def _read_journal(domain: Domain) -> tuple[tuple[Move, ...], str | None, Path | None]:
    """The journal's moves and commit condition, each name checked to be one this domain writes."""
    try:
        record: Any = orjson.loads(domain.journal.read_bytes())
        moves = tuple(Move(str(m["staged"]), str(m["target"]), MoveKind(m["kind"])) for m in record["moves"])
        head, ledger = record["head"], record["ledger"]
        if record["version"] != JOURNAL_VERSION or not all(_belongs(domain, m) for m in moves):
            raise ValueError("names a file this run does not write")
        if (head is None) != (ledger is None):
            raise ValueError("a ledger without a head")
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise EnvError(
            f"{domain.journal}: not a run journal this tool wrote ({exc}); remove it to discard the run it names"
        ) from exc
    return moves, (str(head) if head is not None else None), (Path(ledger) if ledger is not None else None)


def _belongs(domain: Domain, move: Move) -> bool:
    """The move renames a temporary of one of the domain's outputs onto it, inside its folder."""
    if move.kind is MoveKind.FILE:
        names, patterns = domain.files, (staged_file_pattern(move.target),)
    else:
        names, patterns = domain.directories, staged_directory_patterns(move.target)[:1]
    return (
        move.target in names
        and "/" not in move.staged
        and any(fnmatch.fnmatchcase(move.staged, p) for p in patterns)
    )


def _ledger_holds(ledger: Path | None, head: str) -> bool:
    """Whether the run's last line reached the ledger: the commit point. A missing ledger holds nothing."""
    if ledger is None:
        return True
    try:
        data = ledger.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False
    except OSError as exc:
        raise EnvError(f"cannot read {ledger} to finish an interrupted run: {exc.strerror or exc}") from exc
    return any(line_digest(raw) == head for raw in data.splitlines())


def _remove_stale(folder: Path, files: Sequence[str], directories: Sequence[str]) -> None:
    """Remove the temporaries of ``files`` and ``directories`` in ``folder``: the caller's lock says nobody owns them."""
    for name in files:
        for stale in folder.glob(_escaped(staged_file_pattern(name), name)):
            discard(stale)
    for name in directories:
        for pattern in staged_directory_patterns(name):
            for stale in folder.glob(_escaped(pattern, name)):
                with contextlib.suppress(OSError):
                    if stale.is_dir() and not stale.is_symlink():
                        shutil.rmtree(stale)
                    else:
                        stale.unlink()


def _escaped(pattern: str, name: str) -> str:
    """``pattern`` with ``name``'s own glob characters (a ``[`` in a file name) taken literally."""
    return pattern.replace(name, glob.escape(name), 1)
