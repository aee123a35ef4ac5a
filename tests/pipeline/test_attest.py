"""``poam attest`` and attestation-based verdicts end to end on the built-in example (POAM-008 is attestation-only)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import ExitCode, InputError, UsageError
from verifier.inputs.attestations import load_attestations
from verifier.outputs.reasons import rendered
from verifier.pipeline.attest import AttestOptions, run_attest
from verifier.pipeline.bundle import BundleInvalid, verify_bundle
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
AS_OF = date.fromisoformat((REPO / "examples" / "prowler-output" / "recorded-on.txt").read_text().strip())
ATTESTED = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC).replace(hour=9)
PLAN = b"Security awareness training: insider threat module, completed by all 14 staff.\n"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example inputs plus one training record to attest with."""
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    shutil.copytree(REPO / "examples" / "prowler-output", tmp_path / "examples" / "prowler-output")
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "training-roster.txt").write_bytes(PLAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _attest(**overrides: Any) -> AttestOptions:
    values: dict[str, Any] = {
        "entry": "POAM-008",
        "by": "Dana Reyes",
        "role": "ISSO",
        "artifacts": (Path("records/training-roster.txt"),),
        "statement": "Insider threat awareness training delivered to all staff.",
        "expires": None,
        "poam": Path("poam.json"),
    }
    values.update(overrides)
    return AttestOptions(**values)


def _verify(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "poam": Path("poam.json"),
        "mapping": Path("mappings/cmmc-l2-aws.json"),
        "findings": (Path("examples/prowler-output"),),
        "out": Path("out"),
        "as_of": AS_OF,
    }
    values.update(overrides)
    outcome = run_verify(VerifyOptions(**values), clock=lambda: ATTESTED)
    return {r.entry_id: r for r in outcome.run.results}


def test_attest_writes_a_record_with_the_artifact_digest(workdir: Path) -> None:
    run_attest(_attest(expires=date(2027, 11, 1)), clock=lambda: ATTESTED)
    records = json.loads((workdir / "poam-attestations.json").read_text(encoding="utf-8"))
    assert records == [
        {
            "entry": "POAM-008",
            "practice_id": "AT.L2-3.2.3",
            "by": "Dana Reyes",
            "role": "ISSO",
            "statement": "Insider threat awareness training delivered to all staff.",
            "attested_at": ATTESTED.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "expires": "2027-11-01",
            "artifacts": [
                {
                    "path": "records/training-roster.txt",
                    "sha256": hashlib.sha256(PLAN).hexdigest(),
                    "bytes": len(PLAN),
                }
            ],
            # The entry's one open objective no check evidences, examined by default.
            "objectives": ["3.2.3[b]"],
            "method": "examine",
        }
    ]


def test_attest_records_the_objectives_and_method_named(workdir: Path) -> None:
    record = run_attest(
        _attest(objectives=("3.2.3[b]", "3.2.3[a]"), method="interview"), clock=lambda: ATTESTED
    )
    assert (record.objectives, record.method) == (("3.2.3[a]", "3.2.3[b]"), "interview")


@pytest.mark.parametrize(
    ("objective", "message"),
    [
        ("3.3.8[c]", r"3\.3\.8\[c\] belongs to AU\.L2-3\.3\.8"),
        ("3.2.3[q]", "not a NIST SP 800-171A objective"),
    ],
)
def test_attest_refuses_an_objective_of_another_practice_and_writes_nothing(
    workdir: Path, objective: str, message: str
) -> None:
    with pytest.raises(InputError, match=message) as raised:
        run_attest(_attest(objectives=(objective,)), clock=lambda: ATTESTED)
    assert raised.value.exit_code == ExitCode.INVALID_INPUT
    assert not (workdir / "poam-attestations.json").exists()


def test_attest_refuses_an_unknown_method(workdir: Path) -> None:
    with pytest.raises(UsageError, match="--method 'observe'"):
        run_attest(_attest(method="observe"), clock=lambda: ATTESTED)


def test_attestations_of_different_objectives_of_one_entry_all_count(workdir: Path) -> None:
    document = json.loads((workdir / "poam.json").read_text())
    del document["entries"][7]["objectives"]  # POAM-008 judged on both of AT.L2-3.2.3's objectives
    (workdir / "poam.json").write_text(json.dumps(document))
    run_attest(_attest(objectives=("3.2.3[a]",)), clock=lambda: ATTESTED)
    one = _verify()["POAM-008"]
    assert [(o.objective_id, o.verdict.value) for o in one.objectives] == [
        ("3.2.3[a]", "MET"),
        ("3.2.3[b]", "NOT_VERIFIED"),
    ]
    run_attest(_attest(objectives=("3.2.3[b]",), method="interview"), clock=lambda: ATTESTED)
    assert _verify()["POAM-008"].verdict.value == "MET"


def test_attest_appends_and_keeps_existing_records(workdir: Path) -> None:
    run_attest(_attest(), clock=lambda: ATTESTED)
    run_attest(_attest(by="Sam Ortiz"), clock=lambda: ATTESTED)
    assert [r.by for r in load_attestations(workdir / "poam-attestations.json").records] == [
        "Dana Reyes",
        "Sam Ortiz",
    ]


def test_attest_refuses_an_unknown_entry_and_a_missing_artifact(workdir: Path) -> None:
    with pytest.raises(InputError, match="POAM-999"):
        run_attest(_attest(entry="POAM-999"), clock=lambda: ATTESTED)
    with pytest.raises(InputError, match="not found"):
        run_attest(_attest(artifacts=(Path("records/nope.pdf"),)), clock=lambda: ATTESTED)
    with pytest.raises(InputError, match="directory"):
        run_attest(_attest(artifacts=(Path("records"),)), clock=lambda: ATTESTED)
    with pytest.raises(UsageError, match="--artifact"):
        run_attest(_attest(artifacts=()), clock=lambda: ATTESTED)
    assert not (workdir / "poam-attestations.json").exists()


def test_attest_refuses_an_artifact_outside_the_attestations_folder(workdir: Path) -> None:
    (workdir / "secret.txt").write_bytes(PLAN)
    (workdir / "records" / "link.txt").symlink_to(workdir / "secret.txt")
    for artifact in (Path("secret.txt"), Path("records/link.txt"), (workdir / "secret.txt").resolve()):
        with pytest.raises(InputError, match="outside") as refused:
            run_attest(
                _attest(artifacts=(artifact,), attestations=Path("records/att.json")), clock=lambda: ATTESTED
            )
        assert str(artifact) in refused.value.message
    assert not (workdir / "records" / "att.json").exists()


def test_verify_refuses_an_attestations_file_reaching_out_of_its_folder(workdir: Path) -> None:
    run_attest(_attest(), clock=lambda: ATTESTED)
    recorded = json.loads((workdir / "poam-attestations.json").read_text(encoding="utf-8"))
    (workdir / "elsewhere").mkdir()
    (workdir / "elsewhere" / "roster.txt").write_bytes(PLAN)
    for path in ("../elsewhere/roster.txt", str(workdir / "elsewhere" / "roster.txt")):
        (workdir / "records" / "attestations.json").write_text(
            json.dumps([{**recorded[0], "artifacts": [{**recorded[0]["artifacts"][0], "path": path}]}]),
            encoding="utf-8",
        )
        with pytest.raises(InputError, match=re.escape(repr(path))) as refused:
            _verify(attestations=Path("records/attestations.json"))
        assert refused.value.exit_code is ExitCode.INVALID_INPUT
    assert not (workdir / "out").exists()


def test_an_attestation_only_entry_is_met_with_a_valid_attestation(workdir: Path) -> None:
    assert _verify()["POAM-008"].verdict.value == "NOT_VERIFIED"
    run_attest(_attest(), clock=lambda: ATTESTED)
    result = _verify()["POAM-008"]
    assert result.verdict.value == "MET"
    assert "Dana Reyes (ISSO)" in rendered(result)[0]


def test_an_expired_attestation_is_not_verified_naming_the_expiry(workdir: Path) -> None:
    run_attest(_attest(expires=AS_OF), clock=lambda: ATTESTED)
    assert _verify()["POAM-008"].verdict.value == "MET"  # valid through its expiry date
    result = _verify(as_of=date(AS_OF.year + 1, 1, 1))["POAM-008"]
    assert result.verdict.value == "NOT_VERIFIED"
    assert f"expired on {AS_OF.isoformat()}" in rendered(result)[0]


def test_an_artifact_changed_after_attesting_is_not_verified_naming_it(workdir: Path) -> None:
    run_attest(_attest(), clock=lambda: ATTESTED)
    (workdir / "records" / "training-roster.txt").write_bytes(PLAN + b"edited\n")
    result = _verify()["POAM-008"]
    assert result.verdict.value == "NOT_VERIFIED"
    assert "artifact records/training-roster.txt changed" in rendered(result)[0]


def test_a_missing_artifact_is_not_verified_naming_it(workdir: Path) -> None:
    run_attest(_attest(), clock=lambda: ATTESTED)
    (workdir / "records" / "training-roster.txt").unlink()
    result = _verify()["POAM-008"]
    assert result.verdict.value == "NOT_VERIFIED"
    assert "artifact records/training-roster.txt is missing" in rendered(result)[0]


def test_an_attestation_never_beats_a_fail(workdir: Path) -> None:
    # POAM-001's checks FAIL in the recorded scan.
    run_attest(_attest(entry="POAM-001"), clock=lambda: ATTESTED)
    assert _verify()["POAM-001"].verdict.value == "NOT_MET"


def test_an_explicit_attestations_file_must_exist(workdir: Path) -> None:
    with pytest.raises(InputError, match="attestations file not found"):
        _verify(attestations=Path("elsewhere.json"))


def test_attestations_are_read_from_an_explicit_path(workdir: Path) -> None:
    run_attest(_attest(attestations=Path("records/attestations.json")), clock=lambda: ATTESTED)
    stored = json.loads((workdir / "records" / "attestations.json").read_text(encoding="utf-8"))
    assert stored[0]["artifacts"][0]["path"] == "training-roster.txt"
    assert _verify()["POAM-008"].verdict.value == "NOT_VERIFIED"
    assert _verify(attestations=Path("records/attestations.json"))["POAM-008"].verdict.value == "MET"


def test_the_bundle_holds_the_attestation_and_verifies(workdir: Path) -> None:
    run_attest(_attest(), clock=lambda: ATTESTED)
    _verify()
    bundle = workdir / "out" / "evidence"
    artifact = f"attestations/artifacts/{hashlib.sha256(PLAN).hexdigest()}-training-roster.txt"
    assert (bundle / artifact).read_bytes() == PLAN
    sums = (bundle / "SHA256SUMS").read_text(encoding="utf-8")
    assert artifact in sums
    assert "attestations/attestations.json" in sums
    report = verify_bundle(bundle, None)
    assert ("POAM-008", "MET") in [(e, v.value) for e, v in report.verdicts]
    verify_bundle(workdir / "out" / "evidence.zip", None)


def test_a_bundle_with_a_changed_artifact_still_verifies_as_not_verified(workdir: Path) -> None:
    run_attest(_attest(), clock=lambda: ATTESTED)
    (workdir / "records" / "training-roster.txt").write_bytes(b"replaced\n")
    _verify()
    bundle = workdir / "out" / "evidence"
    assert not (bundle / "attestations" / "artifacts").exists()
    report = verify_bundle(bundle, None)
    assert ("POAM-008", "NOT_VERIFIED") in [(e, v.value) for e, v in report.verdicts]


def test_a_bundle_whose_attestation_is_removed_no_longer_reproduces_met(workdir: Path) -> None:
    run_attest(_attest(), clock=lambda: ATTESTED)
    _verify()
    bundle = workdir / "out" / "evidence"
    (bundle / "attestations" / "attestations.json").write_text("[]\n", encoding="utf-8")
    _rewrite_digests(bundle)
    with pytest.raises(BundleInvalid, match="records MET but its findings re-evaluate to NOT_VERIFIED"):
        verify_bundle(bundle, None)


def _rewrite_digests(bundle: Path) -> None:
    """A forger's fix-up: recompute the manifest and SHA256SUMS so only re-evaluation can object."""
    files = {p.relative_to(bundle).as_posix(): p for p in bundle.rglob("*") if p.is_file()}
    manifest = json.loads(files["manifest.json"].read_text(encoding="utf-8"))
    digests = {n: hashlib.sha256(p.read_bytes()).hexdigest() for n, p in files.items()}
    manifest["files"] = {n: d for n, d in digests.items() if n not in ("manifest.json", "SHA256SUMS")}
    files["manifest.json"].write_text(json.dumps(manifest), encoding="utf-8")
    digests["manifest.json"] = hashlib.sha256(files["manifest.json"].read_bytes()).hexdigest()
    lines = [f"{d}  {n}\n" for n, d in sorted(digests.items()) if n != "SHA256SUMS"]
    files["SHA256SUMS"].write_text("".join(lines), encoding="utf-8")
