"""``--findings securityhub://REGION``: Prowler's real ASFF findings imported into moto's Security Hub."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.inputs.findings.recorded import signatures
from tests.support.cli import run_cli
from tests.support.moto import aws_client
from verifier.errors import ExitCode, UsageError
from verifier.inputs.findings import load_findings
from verifier.inputs.findings.securityhub import is_active_prowler, parse_securityhub_url

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "prowler"
PLAIN_ASFF = FIXTURES / "plain" / "plain.asff.json"
HUB = "securityhub://us-east-1"


def _records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(PLAIN_ASFF.read_text())
    return records


def _import(client: Any, records: list[dict[str, Any]]) -> None:
    for start in range(0, len(records), 100):
        done = client.batch_import_findings(Findings=records[start : start + 100])
        assert done["FailedCount"] == 0, done


@pytest.fixture
def hub(moto_aws: str) -> Any:
    return aws_client(moto_aws, "securityhub")


def test_active_prowler_findings_read_like_the_asff_file(hub: Any) -> None:
    _import(hub, _records())
    loaded = load_findings([HUB])
    assert signatures(loaded.findings) == signatures(load_findings([PLAIN_ASFF]).findings)
    (source,) = loaded.files
    assert (source.path, source.format, source.findings) == (HUB, "securityhub-asff", len(_records()))


def test_archived_and_foreign_records_are_never_read(hub: Any) -> None:
    records = _records()
    archived = copy.deepcopy(records[0])
    archived |= {"Id": archived["Id"] + "-archived", "RecordState": "ARCHIVED"}
    archived["Compliance"]["Status"] = "PASSED"
    archived["Resources"][0]["Id"] = "arn:aws:s3:::archived-bucket"
    foreign = copy.deepcopy(records[0])
    foreign |= {
        "Id": "guardduty-1",
        "GeneratorId": "guardduty-check",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
    }
    foreign["ProductFields"] = {"ProviderName": "GuardDuty"}
    _import(hub, [*records, archived, foreign])
    resources = {f.resource_uid for f in load_findings([HUB]).findings}
    assert "arn:aws:s3:::archived-bucket" not in resources
    assert len(load_findings([HUB]).findings) == len(records)


def test_every_page_is_read(hub: Any) -> None:
    template = _records()[0]
    many = []
    for number in range(230):
        record = copy.deepcopy(template)
        record["Id"] = f"{template['Id']}-{number}"
        record["Resources"][0]["Id"] = f"arn:aws:s3:::bucket-{number}"
        many.append(record)
    _import(hub, many)
    assert len(load_findings([HUB]).findings) == 230


def test_accounts_narrow_the_hub(hub: Any) -> None:
    _import(hub, _records())
    assert load_findings([f"{HUB}?accounts=111111111111"]).findings == ()
    assert len(load_findings([f"{HUB}?accounts=123456789012,111111111111"]).findings) == len(_records())


def test_verify_reads_the_hub_from_the_command_line(
    hub: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(hub, _records())
    poam = tmp_path / "poam.json"
    poam.write_bytes((Path(__file__).resolve().parents[3] / "poam.json").read_bytes())
    code, _ = run_cli(
        capsys,
        "verify",
        "--poam",
        str(poam),
        "--findings",
        HUB,
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        "2026-11-26",
    )
    assert code == ExitCode.OK
    inputs = json.loads((tmp_path / "out" / "verification.json").read_text())["inputs"]["findings"]
    assert [(f["path"], f["format"]) for f in inputs] == [(HUB, "securityhub-asff")]


@pytest.mark.parametrize(
    "location",
    [
        "securityhub://",
        "securityhub://nowhere",
        "securityhub://us-east-1/x",
        f"{HUB}?accounts=12",
        f"{HUB}?region=x",
    ],
)
def test_bad_urls_are_usage_errors(location: str) -> None:
    with pytest.raises(UsageError):
        parse_securityhub_url(location)


def test_the_filters_hold_on_our_side() -> None:
    record = _records()[0]
    assert is_active_prowler(record, ())
    assert not is_active_prowler({**record, "RecordState": "ARCHIVED"}, ())
    assert not is_active_prowler({**record, "GeneratorId": "other"}, ())
    assert not is_active_prowler(record, ("111111111111",))
    assert not is_active_prowler({**record, "ProductArn": "x", "ProductFields": {}}, ())
