"""``poam migrate``: rewrite a POA&M, or a mapping, in the current schema version, losslessly and atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from verifier.inputs.mapping import (
    MAPPING_SCHEMA_VERSION,
    load_mapping,
    migrated_mapping_document,
    parse_mapping,
    read_mapping_document,
)
from verifier.inputs.poam import CURRENT_SCHEMA_VERSION, load_poam, migrated_document, parse_poam
from verifier.outputs.serialize import dumps
from verifier.outputs.transaction import file_domain, recover
from verifier.outputs.writer import exclusive_lock, write_atomic


@dataclass(frozen=True, slots=True)
class MigrateOptions:
    """Which POA&M to migrate (in place)."""

    poam: Path


@dataclass(frozen=True, slots=True)
class MigrateResult:
    """What migration did: the versions before and after, and whether the file was rewritten."""

    path: Path
    from_version: int
    to_version: int

    @property
    def rewritten(self) -> bool:
        return self.from_version != self.to_version


def migrate_poam(options: MigrateOptions) -> MigrateResult:
    """Rewrite ``options.poam`` as the current version; a current file is left untouched.

    The migrated bytes are parsed and validated as a POA&M before anything is written, so a file the
    migration could not express is never replaced; the write is one atomic rename under the run lock.
    """
    with exclusive_lock(options.poam):
        recover(file_domain(options.poam))  # an interrupted `verify --in-place` is finished before reading
        loaded = load_poam(options.poam)
        version = loaded.schema_version
        if version == CURRENT_SCHEMA_VERSION:
            return MigrateResult(options.poam, version, version)
        data = dumps(migrated_document(loaded.document))
        parse_poam(data, str(options.poam), options.poam)
        write_atomic(options.poam, data)
        return MigrateResult(options.poam, version, CURRENT_SCHEMA_VERSION)


def migrate_mapping(path: Path) -> MigrateResult:
    """Rewrite a mapping file as schema 3 (every objective ``{}``); a version 3 file is left untouched.

    The rewritten bytes are validated as a mapping (schema and objective rules) before they replace
    the original, so a mapping the migration could not express is never written.
    """
    with exclusive_lock(path):
        document = read_mapping_document(path)
        version = int(document["schema_version"])
        if version == MAPPING_SCHEMA_VERSION:
            load_mapping(path)  # untouched, but still only if it is valid
            return MigrateResult(path, version, version)
        data = dumps(migrated_mapping_document(document))
        parse_mapping(data, path)
        write_atomic(path, data)
        return MigrateResult(path, version, MAPPING_SCHEMA_VERSION)
