"""Findings sources other than files, directories and S3 prefixes, each in its own module.

A source claims a ``--findings`` location by its form (``*.zip``, ``securityhub://REGION``) and returns
the Prowler outputs it holds, each as one source file with its findings, plus any scan manifests. A zip
stored in S3 (named, or found under a prefix) is listed with the other S3 objects and read here too,
from the object's bytes. Also here: finding the scan manifests that lie beside local findings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import TypeGuard

from verifier.inputs.findings.archives import is_zip, read_zip
from verifier.inputs.findings.discover import walk
from verifier.inputs.findings.findings_set import SourceFile
from verifier.inputs.findings.manifest import MANIFEST_NAME, ScanManifest, parse_manifest
from verifier.inputs.findings.s3 import S3Object, S3Store, is_s3_url
from verifier.inputs.findings.securityhub import is_securityhub_url, parse_securityhub_url, read_securityhub
from verifier.inputs.jsondoc import read_bytes
from verifier.model import Finding, SourceError

SourceOutputs = tuple[list[tuple[SourceFile, list[Finding]]], list[ScanManifest]]

# (claims the location, reads it); the first that claims a location reads it.
_SOURCES: tuple[tuple[Callable[[str], bool], Callable[[str], SourceOutputs]], ...] = (
    (is_securityhub_url, read_securityhub),
    # A zip in S3 is an S3 object like any other until it is read: see ``s3_archive``.
    (
        lambda location: is_zip(location) and not is_s3_url(location),
        lambda location: read_zip(str(Path(location)), read_bytes(Path(location), "findings zip")),
    ),
)


def special(location: str | PurePath) -> bool:
    """Whether a source other than the file/directory/S3 readers reads ``location``."""
    return any(claims(str(location)) for claims, _ in _SOURCES)


def s3_archive(item: object) -> TypeGuard[S3Object]:
    """Whether a listed S3 object is a zip, read whole as an archive rather than as one output."""
    return isinstance(item, S3Object) and is_zip(item.url.key)


def read_special(location: str | PurePath | S3Object, store: S3Store | None = None) -> SourceOutputs:
    """The outputs and manifests of a location ``special`` claimed, or of an ``s3_archive`` object."""
    if isinstance(location, S3Object):
        return read_zip(str(location.url), (store or S3Store()).fetch(location))
    text = str(location)
    reader = next(read for claims, read in _SOURCES if claims(text))
    return reader(text)


def source_error(location: str | PurePath | S3Object, reason: str) -> SourceError:
    """An unreadable special source, with the accounts and regions it could hold where its URL says."""
    text = str(location.url) if isinstance(location, S3Object) else str(location)
    if is_securityhub_url(text):
        url = parse_securityhub_url(text)
        return SourceError(str(url), reason, url.accounts, (url.region,))
    return SourceError(text, reason)


def local_archives(paths: Sequence[Path]) -> list[Path]:
    """The zips inside the given directories (a downloaded Prowler App report), read like a named zip."""
    return [file for path in paths if path.is_dir() for file in walk(path, keep=is_zip)]


def local_manifests(paths: Sequence[Path]) -> list[ScanManifest]:
    """The scan manifests inside the given directories, and beside the given files."""
    found: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            for file in walk(path):
                if file.name == MANIFEST_NAME:
                    found.setdefault(str(file), file)
        elif (beside := path.parent / MANIFEST_NAME).is_file():
            found.setdefault(str(beside), beside)
    return [parse_manifest(read_bytes(file, "scan manifest"), str(file)) for file in found.values()]
