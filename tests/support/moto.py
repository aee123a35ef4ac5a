"""Run real Prowler against a simulated AWS account: a moto server on loopback, seeded with boto3.

Used by the live tests (``tests/live``) and by ``examples/record.py``. Every AWS call made here, and by the
Prowler subprocesses started here, goes to the moto server on 127.0.0.1; real credentials are never passed on.

The example account mirrors ``poam.json`` (account 123456789012, region us-east-1):

* CloudTrail trail ``org-trail`` writes to ``cui-audit-logs`` without log-file validation or KMS (POAM-001);
* a compliant IAM password policy (POAM-002, POAM-003);
* KMS key ``alias/cui-data`` rotates, the legacy key ``alias/legacy-docproc`` does not (POAM-004);
* buckets ``cui-data`` and ``cui-audit-logs`` with default SSE-KMS and an encrypted EBS volume (POAM-005);
* an AWS Config recorder with a delivery channel, recording (POAM-006);
* no customer-managed IAM policies, so ``iam_policy_no_full_access_to_cloudtrail`` has nothing to report (POAM-007).

``remediate_example_account`` fixes POAM-001 and POAM-004 in place, as the live closure test does between scans.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
AVAILABILITY_ZONE = "us-east-1a"

TRAIL_NAME = "org-trail"
AUDIT_BUCKET = "cui-audit-logs"
DATA_BUCKET = "cui-data"
DATA_KEY_ALIAS = "alias/cui-data"
LEGACY_KEY_ALIAS = "alias/legacy-docproc"
TRAIL_KEY_ALIAS = "alias/cui-audit-trail"
CONFIG_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/aws-config-recorder"

TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

PROWLER_OUTPUT_FORMATS = ("json-ocsf", "csv", "json-asff")
# Prowler exits 3 when at least one non-muted check FAILs: a normal scan result, not an error.
PROWLER_SUCCESS_CODES = frozenset({0, 3})

REPO_ROOT = Path(__file__).resolve().parents[2]

_MOTO_START_TIMEOUT_S = 30.0
_MOTO_STOP_TIMEOUT_S = 10.0
_PROWLER_TIMEOUT_S = 900.0
_TAIL_CHARS = 3000


class HarnessError(RuntimeError):
    """The moto/Prowler harness could not do its job (the message says what to look at)."""


class MotoServerError(HarnessError):
    """moto_server is missing, did not start, or did not answer in time."""


class ProwlerRunError(HarnessError):
    """Prowler exited with a code other than 0 (all PASS) or 3 (some FAIL)."""


# --- moto server --------------------------------------------------------------------------------------------


def find_moto_server() -> str | None:
    """Return the ``moto_server`` next to the running interpreter, else the one on PATH, else None."""
    beside_python = Path(sys.executable).parent / "moto_server"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    return shutil.which("moto_server")


def _free_loopback_port() -> int:
    """Ask the kernel for a free TCP port on 127.0.0.1 (released again before moto binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(text: str) -> str:
    return text[-_TAIL_CHARS:].strip()


# Loopback never goes through an HTTP proxy, whatever *_proxy variables the environment sets.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(endpoint: str) -> bool:
    """True once the server returns any HTTP response (moto answers ``/`` with an error page)."""
    try:
        with _DIRECT.open(endpoint + "/", timeout=1):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _wait_until_answering(endpoint: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + _MOTO_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = _tail(log_path.read_text(errors="replace"))
            raise MotoServerError(f"moto_server exited with code {process.returncode} on start-up:\n{log}")
        if _answers(endpoint):
            return
        time.sleep(0.1)
    log = _tail(log_path.read_text(errors="replace"))
    raise MotoServerError(
        f"moto_server did not answer at {endpoint} within {_MOTO_START_TIMEOUT_S:.0f} s:\n{log}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=_MOTO_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def start_moto_server() -> Iterator[str]:
    """Start ``moto_server`` on a free loopback port, yield its endpoint URL, and always stop it.

    Raises ``MotoServerError`` if moto_server is not installed or does not answer within 30 seconds.
    """
    executable = find_moto_server()
    if executable is None:
        raise MotoServerError("moto_server not found next to the Python interpreter or on PATH")
    port = _free_loopback_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="moto-") as tmp:
        # moto logs every request; a file (not a pipe nobody reads) keeps it from blocking on a full buffer.
        log_path = Path(tmp) / "moto_server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [executable, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
            )
        try:
            _wait_until_answering(endpoint, process, log_path)
            yield endpoint
        finally:
            _stop(process)


def reset_moto_server(endpoint: str) -> None:
    """Forget every resource the server holds (moto's ``/moto-api/reset``), e.g. between tests sharing it."""
    # S310: the URL is the loopback endpoint built by start_moto_server, never a file: or custom scheme.
    request = urllib.request.Request(endpoint + "/moto-api/reset", method="POST")  # noqa: S310
    with _DIRECT.open(request, timeout=10):
        pass


def aws_env(endpoint: str) -> dict[str, str]:
    """The environment for boto3 or Prowler against ``endpoint``: no real AWS settings, test credentials only.

    Every inherited ``AWS_*`` variable (keys, session token, profile, role, per-service endpoints) is dropped,
    and the shared config/credentials files are pointed at the null device so no profile can leak in.
    """
    env = {name: value for name, value in os.environ.items() if not name.upper().startswith("AWS_")}
    env.update(TEST_CREDENTIALS)
    env.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    # botocore honours HTTP(S)_PROXY; the moto endpoint is loopback and must be reached directly.
    bypass = ",".join(filter(None, [env.get("NO_PROXY", env.get("no_proxy", "")), "127.0.0.1", "localhost"]))
    env["NO_PROXY"] = env["no_proxy"] = bypass
    return env


# --- Prowler ------------------------------------------------------------------------------------------------


def find_prowler() -> str | None:
    """Locate the Prowler CLI: ``$POAM_PROWLER_BIN``, else ``<repo>/.venv-prowler/bin/prowler``, else PATH.

    An explicit ``POAM_PROWLER_BIN`` that is not executable is a configuration error, not a reason to skip.
    """
    configured = os.environ.get("POAM_PROWLER_BIN")
    if configured:
        resolved = shutil.which(configured)
        if resolved is None:
            raise HarnessError(f"POAM_PROWLER_BIN={configured!r} is not an executable file")
        return resolved
    bundled = REPO_ROOT / ".venv-prowler" / "bin" / "prowler"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    return shutil.which("prowler")


def prowler_command(
    prowler: str, checks: Sequence[str], out_dir: Path, output_filename: str, extra_args: Sequence[str] = ()
) -> list[str]:
    """The argument vector of one scan of ``checks`` in the example region, writing OCSF, CSV and ASFF."""
    if not checks:
        # An empty --checks list would make Prowler run every check it has (minutes, not seconds).
        raise ValueError("run_prowler needs at least one check id")
    return [
        prowler,
        "aws",
        "-f",
        REGION,
        "--checks",
        *checks,
        "-M",
        *PROWLER_OUTPUT_FORMATS,
        "-o",
        str(out_dir),
        "--output-filename",
        output_filename,
        "--no-banner",
        *extra_args,
    ]


def run_prowler(
    prowler: str,
    env: dict[str, str],
    checks: Sequence[str],
    out_dir: Path,
    output_filename: str,
    extra_args: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run one Prowler scan; exit codes 0 and 3 are success, anything else raises ``ProwlerRunError``.

    The outputs are ``out_dir/<output_filename>.ocsf.json``, ``.csv`` and ``.asff.json``.
    """
    command = prowler_command(prowler, checks, out_dir, output_filename, extra_args)
    completed = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=_PROWLER_TIMEOUT_S, check=False
    )
    if completed.returncode not in PROWLER_SUCCESS_CODES:
        raise ProwlerRunError(
            f"prowler exited with code {completed.returncode}: {' '.join(command)}\n"
            f"--- stderr (tail) ---\n{_tail(completed.stderr)}\n--- stdout (tail) ---\n{_tail(completed.stdout)}"
        )
    return completed


# --- the example account ------------------------------------------------------------------------------------


def aws_client(endpoint: str, service: str) -> Any:
    """A boto3 client for ``service`` bound to the moto endpoint with the test credentials."""
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(proxies={}),  # an explicit empty mapping: ignore *_proxy, loopback is reached directly
    )


def seed_example_account(endpoint: str, fixed: bool = False) -> None:
    """Create the example account's resources (see the module docstring).

    ``fixed=False`` is the state recorded in ``examples/prowler-output`` (POAM-001 and POAM-004 failing);
    ``fixed=True`` additionally applies ``remediate_example_account``, so those checks pass too.
    """
    _seed_password_policy(endpoint)
    data_key_arn = _create_key(endpoint, DATA_KEY_ALIAS, "CUI data at rest", rotate=True)
    _create_key(endpoint, LEGACY_KEY_ALIAS, "legacy document-processing key", rotate=False)
    for bucket in (DATA_BUCKET, AUDIT_BUCKET):
        _create_encrypted_bucket(endpoint, bucket, data_key_arn)
    _seed_trail(endpoint)
    _create_encrypted_volume(endpoint, data_key_arn)
    _seed_config_recorder(endpoint)
    if fixed:
        remediate_example_account(endpoint)


def remediate_example_account(endpoint: str) -> None:
    """Fix POAM-001 and POAM-004 in place: validation + SSE-KMS on the trail, rotation on every key."""
    trail_key_arn = _key_arn_for_alias(endpoint, TRAIL_KEY_ALIAS) or _create_key(
        endpoint, TRAIL_KEY_ALIAS, "CloudTrail log encryption", rotate=True
    )
    aws_client(endpoint, "cloudtrail").update_trail(
        Name=TRAIL_NAME, EnableLogFileValidation=True, KmsKeyId=trail_key_arn
    )
    kms = aws_client(endpoint, "kms")
    for key_id in _customer_key_ids(endpoint):
        kms.enable_key_rotation(KeyId=key_id)


def _seed_password_policy(endpoint: str) -> None:
    aws_client(endpoint, "iam").update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True,
        MaxPasswordAge=90,
        PasswordReusePrevention=24,
    )


def _create_key(endpoint: str, alias: str, description: str, *, rotate: bool) -> str:
    """Create a symmetric customer-managed key with an alias; return its ARN."""
    kms = aws_client(endpoint, "kms")
    metadata = kms.create_key(Description=description)["KeyMetadata"]
    kms.create_alias(AliasName=alias, TargetKeyId=metadata["KeyId"])
    if rotate:
        kms.enable_key_rotation(KeyId=metadata["KeyId"])
    arn: str = metadata["Arn"]
    return arn


def _key_arn_for_alias(endpoint: str, alias: str) -> str | None:
    kms = aws_client(endpoint, "kms")
    for page in kms.get_paginator("list_aliases").paginate():
        for entry in page["Aliases"]:
            if entry["AliasName"] == alias and "TargetKeyId" in entry:
                arn: str = kms.describe_key(KeyId=entry["TargetKeyId"])["KeyMetadata"]["Arn"]
                return arn
    return None


def _customer_key_ids(endpoint: str) -> list[str]:
    """Ids of the enabled customer-managed symmetric keys (the ones rotation applies to)."""
    kms = aws_client(endpoint, "kms")
    key_ids: list[str] = []
    for page in kms.get_paginator("list_keys").paginate():
        for key in page["Keys"]:
            metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            if (
                metadata["KeyManager"] == "CUSTOMER"
                and metadata["KeyState"] == "Enabled"
                and metadata.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            ):
                key_ids.append(metadata["KeyId"])
    return key_ids


def _create_encrypted_bucket(endpoint: str, bucket: str, key_arn: str) -> None:
    s3 = aws_client(endpoint, "s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )


def _seed_trail(endpoint: str) -> None:
    """The POAM-001 trail as the old template made it: no log-file validation, no KMS key."""
    cloudtrail = aws_client(endpoint, "cloudtrail")
    cloudtrail.create_trail(
        Name=TRAIL_NAME,
        S3BucketName=AUDIT_BUCKET,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=False,
    )
    cloudtrail.start_logging(Name=TRAIL_NAME)


def _create_encrypted_volume(endpoint: str, key_arn: str) -> None:
    ec2 = aws_client(endpoint, "ec2")
    ec2.enable_ebs_encryption_by_default()
    ec2.create_volume(
        AvailabilityZone=AVAILABILITY_ZONE,
        Size=100,
        VolumeType="gp3",
        Encrypted=True,
        KmsKeyId=key_arn,
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "cui-processing-data"}]}
        ],
    )


def _seed_config_recorder(endpoint: str) -> None:
    """An AWS Config recorder for all resource types with a delivery channel, started."""
    config = aws_client(endpoint, "config")
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": CONFIG_ROLE_ARN,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(
        DeliveryChannel={"name": "default", "s3BucketName": AUDIT_BUCKET, "s3KeyPrefix": "config"}
    )
    config.start_configuration_recorder(ConfigurationRecorderName="default")
