"""Prowler outputs stored in S3: ``s3://bucket/prefix/`` (every output under it) or ``s3://bucket/key``.

boto3 finds credentials, region and endpoint the usual way (so ``AWS_ENDPOINT_URL`` points it at a
moto server in tests). Keys are listed with a paginator and read one object at a time; the same name
rules as a directory walk decide which keys are Prowler outputs. Every AWS failure becomes a
one-line ``EnvError`` naming the ``s3://`` URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from verifier.errors import EnvError, UsageError
from verifier.inputs.findings.archives import is_zip
from verifier.inputs.findings.discover import is_gzip, output_name

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

S3_SCHEME = "s3://"
# pathlib collapses "s3://bucket/key" into "s3:/bucket/key", so a Path-typed option arrives like that.
_COLLAPSED_SCHEME = "s3:/"

# Error codes S3 answers with, in words a user can act on.
_REASONS = {
    "NoSuchBucket": "no such bucket",
    "NoSuchKey": "no such object",
    "404": "not found",
    "AccessDenied": "access denied",
    "403": "access denied",
    "AllAccessDisabled": "access denied",
    "InvalidAccessKeyId": "AWS credentials rejected",
    "SignatureDoesNotMatch": "AWS credentials rejected",
    "ExpiredToken": "AWS credentials expired",
    "InvalidBucketName": "invalid bucket name",
    "InvalidObjectState": "archived (Glacier): restore the object first",
}


@dataclass(frozen=True, slots=True)
class S3Url:
    """A parsed ``s3://bucket/key`` location; ``key`` may be empty (the whole bucket)."""

    bucket: str
    key: str

    def __str__(self) -> str:
        return f"{S3_SCHEME}{self.bucket}/{self.key}"

    @property
    def names_prefix(self) -> bool:
        """Whether the URL can only mean a prefix (``s3://b/`` or ``s3://b/scans/``)."""
        return not self.key or self.key.endswith("/")

    def child(self, key: str) -> S3Url:
        return S3Url(self.bucket, key)


@dataclass(frozen=True, slots=True)
class S3Object:
    """One object to read; ``named`` when the user named it, so it must be a Prowler output."""

    url: S3Url
    named: bool

    @property
    def name(self) -> Path:
        """The key as a path, for the same name rules as local files (``x.ocsf.json.gz``)."""
        return Path(self.url.key)

    @property
    def gzipped(self) -> bool:
        return is_gzip(self.name)


def is_s3_url(location: str | PurePath) -> bool:
    """Whether a ``--findings``/``--out`` value is an S3 location (as a string or a collapsed Path)."""
    return str(location).startswith(_COLLAPSED_SCHEME)


def parse_s3_url(location: str | PurePath) -> S3Url:
    """Parse ``s3://bucket/key``; also accepts pathlib's collapsed ``s3:/bucket/key``."""
    text = str(location)
    if not is_s3_url(text):
        raise UsageError(f"not an s3:// URL: {text}")
    bucket, _, key = text.removeprefix("s3:").lstrip("/").partition("/")
    if not bucket:
        raise UsageError(f"no bucket in s3 URL: {text}")
    return S3Url(bucket, key)


def s3_error(action: str, url: S3Url | str, exc: Exception) -> EnvError:
    """A one-line ``EnvError`` for a failed S3 call: ``cannot read s3://b/k: access denied``."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        reason = _REASONS.get(code) or f"{code} {error.get('Message', '')}".strip() or str(exc)
    elif isinstance(exc, NoCredentialsError):
        reason = "no AWS credentials found"
    else:
        reason = str(exc)
    return EnvError(f"cannot {action} {url}: {reason}")


def s3_client() -> S3Client:
    """A client configured from the environment (credentials, region, ``AWS_ENDPOINT_URL``)."""
    import boto3  # deferred: boto3 is slow to import and only S3 locations need it

    try:
        # A new session, not boto3's cached default one: credentials are read from the environment now.
        return boto3.session.Session().client("s3")
    except BotoCoreError as exc:
        raise EnvError(f"cannot set up the S3 client: {exc}") from exc


class S3Store:
    """Lists and reads findings objects with one client, translating every failure to ``EnvError``."""

    def __init__(self, client: S3Client | None = None) -> None:
        self._client = client

    @property
    def client(self) -> S3Client:
        if self._client is None:
            self._client = s3_client()
        return self._client

    def objects(self, url: S3Url) -> list[S3Object]:
        """The object ``url`` names, else the candidate Prowler outputs under it as a prefix, sorted.

        A key that names no object is read as a prefix (``s3://b/scans`` is ``s3://b/scans/``), since
        a Path-typed option drops the trailing slash. Nothing at all under it is an ``EnvError``.
        """
        keys = self.keys(url)
        if not url.names_prefix and url.key in keys:
            return [S3Object(url, named=True)]
        prefix = url.key if url.names_prefix else url.key + "/"
        under = [key for key in keys if key.startswith(prefix)]
        if not under:
            raise EnvError(f"cannot read {url}: no such object or prefix")
        return [S3Object(url.child(key), named=False) for key in under if _candidate(key, prefix)]

    def fetch(self, item: S3Object) -> bytes:
        """The whole object, read into memory."""
        try:
            response = self.client.get_object(Bucket=item.url.bucket, Key=item.url.key)
            return response["Body"].read()
        except (BotoCoreError, ClientError) as exc:
            raise s3_error("read", item.url, exc) from exc

    def keys(self, url: S3Url) -> list[str]:
        """Every key under ``url.key`` as a plain prefix, sorted; a failure is an ``EnvError``."""
        try:
            return sorted(self._list(url))
        except (BotoCoreError, ClientError) as exc:
            raise s3_error("list", url, exc) from exc

    def _list(self, url: S3Url) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=url.bucket, Prefix=url.key):
            yield from (entry["Key"] for entry in page.get("Contents", []) if "Key" in entry)


def _candidate(key: str, prefix: str) -> bool:
    """The directory-walk rules (no hidden parts, Prowler output names, no OCSF compliance copies), plus
    zips: Prowler App stores each scan's report as ``<tenant>/<scan>/prowler-output-….zip``."""
    relative = key[len(prefix) :]
    if not relative or key.endswith("/") or any(part.startswith(".") for part in relative.split("/")):
        return False
    return is_zip(key) or output_name(Path(key))
