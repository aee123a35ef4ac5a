"""Upload a rendered evidence bundle to ``s3://bucket/prefix/``, with a ``COMPLETE`` marker written last.

Only called once every output has been rendered in memory, so a rendering failure uploads nothing.
S3 has no atomic rename: a reader tells a complete upload by the marker, which lists every key of
this run with its SHA-256 (and the evidence manifest's digest). A previous run's marker is deleted
before the first upload, so an interrupted run never looks complete.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from verifier.errors import UsageError
from verifier.inputs.bundle_format import COMPLETE_MARKER, S3_MANIFEST_KEY
from verifier.inputs.findings.s3 import S3Store, S3Url, s3_client, s3_error
from verifier.outputs.serialize import dumps
from verifier.outputs.writer import OutputPlan

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def split_plan(plan: OutputPlan, out: Path) -> tuple[dict[str, bytes], OutputPlan]:
    """The plan's outputs under ``out`` (relative key → bytes) and the rest (in-place POA&M, ledger)."""
    remote: dict[str, bytes] = {}
    for directory, files in plan.directories.items():
        base = directory.relative_to(out).as_posix()
        remote.update({f"{base}/{name}": data for name, data in files.items()})
    local: dict[Path, bytes] = {}
    for path, data in plan.files.items():
        if path.is_relative_to(out):
            remote[path.relative_to(out).as_posix()] = data
        else:
            local[path] = data
    return remote, OutputPlan(files=local)


def upload_bundle(
    destination: S3Url, files: Mapping[str, bytes], client: S3Client | None = None
) -> list[str]:
    """Upload ``files`` (relative key → bytes) under ``destination``, then the marker; return the URLs.

    Files go in the order given (the bundle directory first, then the zip and reports); any failure is an
    ``EnvError`` naming the object, and leaves no marker. A prefix holding objects this run would not
    replace is refused before anything is written (``UsageError``): they would sit beside the new bundle
    and read as part of it, and deleting them is not this tool's call.
    """
    s3 = client or s3_client()
    prefix = destination.key if destination.names_prefix else destination.key + "/"
    marker = destination.child(prefix + COMPLETE_MARKER)
    _refuse_stale_objects(s3, destination.child(prefix), prefix, files)
    _call(
        "delete the previous marker", marker, lambda: s3.delete_object(Bucket=marker.bucket, Key=marker.key)
    )
    urls = [_put(s3, destination.child(prefix + name), data) for name, data in files.items()]
    urls.append(_put(s3, marker, completion_marker(files)))
    return urls


def _refuse_stale_objects(s3: S3Client, where: S3Url, prefix: str, files: Mapping[str, bytes]) -> None:
    expected = {prefix + name for name in files} | {prefix + COMPLETE_MARKER}
    stale = sorted(set(S3Store(s3).keys(where)) - expected)
    if stale:
        shown = ", ".join(key[len(prefix) :] for key in stale[:3]) + (", ..." if len(stale) > 3 else "")
        raise UsageError(
            f"{where} already holds {len(stale)} object(s) this run would not replace ({shown}); they would "
            "read as part of this bundle: write to a new prefix (e.g. one per run date) or remove them first"
        )


def completion_marker(files: Mapping[str, bytes]) -> bytes:
    """The marker's JSON: the evidence manifest's SHA-256 and every uploaded key's SHA-256."""
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    return dumps({"manifest_sha256": digests.get(S3_MANIFEST_KEY, ""), "objects": digests})


def _put(s3: S3Client, url: S3Url, data: bytes) -> str:
    # S3 checks the SHA-256 on arrival, so a corrupted upload fails instead of landing.
    checksum = base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")
    _call(
        "write",
        url,
        lambda: s3.put_object(Bucket=url.bucket, Key=url.key, Body=data, ChecksumSHA256=checksum),
    )
    return str(url)


def _call(action: str, url: S3Url, request: Callable[[], object]) -> None:
    try:
        request()
    except (BotoCoreError, ClientError) as exc:
        raise s3_error(action, url, exc) from exc
