"""``poam bundle verify``: digests, signature, zip safety and re-evaluation on the example's real bundle.

Each tampering case fails with a message naming the file. The forgeries that recompute every digest
(and re-sign with the attacker's key) show that re-evaluation, not the checksums, catches a changed verdict.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import shutil
import stat
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import ExitCode, InputError, UsageError
from verifier.outputs.signing import ENVELOPE_FILE, closure_predicate, generate_keypair, with_signature
from verifier.pipeline import bundle as bundle_module
from verifier.pipeline.bundle import (
    BundleInvalid,
    SignatureStatus,
    read_bundle,
    verify_bundle,
)
from verifier.pipeline.keys import keygen, read_private_key
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
Files = dict[str, bytes]


def _verify_example(out: Path, poam: Path = REPO / "poam.json") -> tuple[Files, dict[str, Any]]:
    options = VerifyOptions(
        poam=poam,
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(REPO / "examples" / "prowler-output",),
        out=out,
        as_of=date(2026, 11, 25),
        history=out.with_name(f"{out.name}-history.jsonl"),  # not beside the repository's POA&M
    )
    outcome = run_verify(options, clock=lambda: FIXED_CLOCK)
    return read_bundle(out / "evidence"), closure_predicate(outcome.run)


@pytest.fixture
def example(tmp_path: Path) -> tuple[Files, dict[str, Any]]:
    """The example's real bundle (unsigned) and the predicate its run signs."""
    return _verify_example(tmp_path / "out")


@pytest.fixture
def owner_keys(tmp_path: Path) -> tuple[bytes, Path]:
    """The organisation's key pair: the private PEM and the public key file."""
    private_pem, public_pem = generate_keypair()
    public_path = tmp_path / "owner.pub"
    public_path.write_bytes(public_pem)
    return private_pem, public_path


def _write(files: Files, directory: Path) -> Path:
    for name, data in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)
    return directory


def _zip(files: Files, path: Path, extra: Callable[[zipfile.ZipFile], None] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in sorted(files.items()):
            archive.writestr(f"evidence/{name}", data)
        if extra is not None:
            extra(archive)
    return path


def _entry(files: Files, entry_id: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(files[f"entries/{entry_id}.json"])
    return document


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _met_with_every_finding_passing(files: Files, entry_id: str) -> dict[str, dict[str, Any]]:
    """The entry-file changes that forge ``entry_id`` to MET: every recorded finding rewritten as PASS."""
    findings = [{**f, "status": "PASS"} for f in _entry(files, entry_id)["findings"]]
    return {entry_id: {"verdict": "MET", "findings": findings, "reasons": ["forged"]}}


def _forge(files: Files, changes: dict[str, dict[str, Any]], key: bytes | None = None) -> Files:
    """Rewrite entry files and recompute every digest an attacker can: POA&M refs, manifest, SHA256SUMS."""
    forged = dict(files)
    poam = json.loads(forged["poam.json"])
    for entry_id, fields in changes.items():
        document = {**_entry(forged, entry_id), **fields}
        data = (json.dumps(document, indent=2) + "\n").encode()
        forged[f"entries/{entry_id}.json"] = data
        result = next(e for e in poam["entries"] if e["id"] == entry_id)["result"]
        result["verdict"] = document["verdict"]
        result["evidence"]["sha256"] = _sha(data)
    forged["poam.json"] = json.dumps(poam, indent=2).encode()
    forged["verification.json"] = _verification_claiming(forged["verification.json"], changes)
    return _reseal(forged, key)


def _verification_claiming(data: bytes, changes: dict[str, dict[str, Any]]) -> bytes:
    """verification.json with each forged entry's verdict claimed for it and every one of its objectives."""
    document = json.loads(data)
    for item in document["entries"]:
        verdict = changes.get(item["id"], {}).get("verdict")
        if verdict is not None:
            item["verdict"] = verdict
            for objective in item.get("objectives", []):
                objective["verdict"] = verdict
    return json.dumps(document, indent=2).encode()


def _reseal(files: Files, key: bytes | None = None) -> Files:
    sealed = {n: d for n, d in files.items() if n not in ("SHA256SUMS", ENVELOPE_FILE)}
    manifest = json.loads(sealed["manifest.json"])
    manifest["files"] = {n: _sha(d) for n, d in sorted(sealed.items()) if n != "manifest.json"}
    sealed["manifest.json"] = json.dumps(manifest, indent=2).encode()
    sealed["SHA256SUMS"] = "".join(f"{_sha(d)}  {n}\n" for n, d in sorted(sealed.items())).encode()
    if key is None:
        return sealed
    predicate = {"entries": [{"id": e["entry"], "verdict": e["verdict"]} for e in _entries(sealed)]}
    return with_signature(sealed, predicate, key)


def _entries(files: Files) -> list[dict[str, Any]]:
    return [json.loads(d) for n, d in sorted(files.items()) if n.startswith("entries/")]


# --- the happy paths -----------------------------------------------------------------------------


def test_the_example_bundle_verifies_as_a_directory_and_as_the_written_zip(tmp_path: Path) -> None:
    _verify_example(tmp_path / "out")
    for path in (tmp_path / "out" / "evidence", tmp_path / "out" / "evidence.zip"):
        report = verify_bundle(path, None)
        assert report.signature is SignatureStatus.UNSIGNED
        assert dict(report.verdicts)["POAM-001"].value == "NOT_MET"
        assert len(report.verdicts) == 8


def test_a_signed_bundle_verifies_with_its_public_key(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], owner_keys: tuple[bytes, Path]
) -> None:
    files, predicate = example
    signed = with_signature(files, predicate, owner_keys[0])
    directory_report = verify_bundle(_write(signed, tmp_path / "signed"), owner_keys[1])
    zip_report = verify_bundle(_zip(signed, tmp_path / "signed.zip"), owner_keys[1])
    for report in (directory_report, zip_report):
        assert report.signature is SignatureStatus.VERIFIED
        assert len(report.keyid) == 64
        assert "signature verified" in "\n".join(report.lines())


def test_a_signed_bundle_without_pubkey_says_signature_not_checked(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], owner_keys: tuple[bytes, Path]
) -> None:
    files, predicate = example
    report = verify_bundle(_write(with_signature(files, predicate, owner_keys[0]), tmp_path / "b"), None)
    assert report.signature is SignatureStatus.NOT_CHECKED
    assert "signature not checked" in report.lines()[1]


def test_pubkey_given_but_no_envelope_fails(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], owner_keys: tuple[bytes, Path]
) -> None:
    with pytest.raises(BundleInvalid, match=f"{ENVELOPE_FILE}: missing"):
        verify_bundle(_write(example[0], tmp_path / "b"), owner_keys[1])


def test_bundle_invalid_exits_1() -> None:
    assert BundleInvalid("x").exit_code is ExitCode.GATE


# --- digests -------------------------------------------------------------------------------------


def test_a_changed_byte_in_an_entry_file_is_named(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files = dict(example[0])
    data = bytearray(files["entries/POAM-004.json"])
    data[data.index(b"FAIL")] = ord("P")
    files["entries/POAM-004.json"] = bytes(data)
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-004\.json: SHA-256 does not match SHA256SUMS"):
        verify_bundle(_write(files, tmp_path / "b"), None)


def test_a_removed_file_is_named(tmp_path: Path, example: tuple[Files, dict[str, Any]]) -> None:
    files = {n: d for n, d in example[0].items() if n != "entries/POAM-002.json"}
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-002\.json: listed in SHA256SUMS but missing"):
        verify_bundle(_write(files, tmp_path / "b"), None)


def test_an_extra_file_is_named(tmp_path: Path, example: tuple[Files, dict[str, Any]]) -> None:
    files = {**example[0], "entries/POAM-099.json": b"{}"}
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-099\.json: not listed in SHA256SUMS"):
        verify_bundle(_write(files, tmp_path / "b"), None)


def test_manifest_disagreeing_with_sha256sums_is_named(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files = dict(example[0])
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["poam.json"] = "0" * 64
    files["manifest.json"] = json.dumps(manifest).encode()
    files["SHA256SUMS"] = "".join(
        f"{_sha(d)}  {n}\n" for n, d in sorted(files.items()) if n != "SHA256SUMS"
    ).encode()
    with pytest.raises(BundleInvalid, match=r"^poam\.json: SHA-256 does not match manifest\.json"):
        verify_bundle(_write(files, tmp_path / "b"), None)


def test_a_symlink_in_a_bundle_directory_is_refused(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    directory = _write(example[0], tmp_path / "b")
    (directory / "entries" / "POAM-002.json").unlink()
    (directory / "entries" / "POAM-002.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-002\.json: a symbolic link"):
        verify_bundle(directory, None)


# --- signature -----------------------------------------------------------------------------------


def test_wrong_public_key_fails(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], owner_keys: tuple[bytes, Path]
) -> None:
    files, predicate = example
    _, stranger_public = generate_keypair()
    (tmp_path / "stranger.pub").write_bytes(stranger_public)
    signed = _write(with_signature(files, predicate, owner_keys[0]), tmp_path / "b")
    with pytest.raises(BundleInvalid, match=f"^{ENVELOPE_FILE}: no signature verifies"):
        verify_bundle(signed, tmp_path / "stranger.pub")


def test_a_file_changed_after_signing_is_named_even_with_sums_recomputed(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], owner_keys: tuple[bytes, Path]
) -> None:
    files, predicate = example
    signed = with_signature(files, predicate, owner_keys[0])
    envelope = signed[ENVELOPE_FILE]
    poam = json.loads(signed["poam.json"])
    poam["organization"] = "Someone Else, Inc."
    tampered = _reseal({**signed, "poam.json": json.dumps(poam).encode()})
    tampered[ENVELOPE_FILE] = envelope
    with pytest.raises(BundleInvalid, match=r"^poam\.json: SHA-256 does not match the signed statement"):
        verify_bundle(_write(tampered, tmp_path / "b"), owner_keys[1])


def test_swapped_verdicts_re_signed_by_an_attacker_fail_on_the_owners_key(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], owner_keys: tuple[bytes, Path]
) -> None:
    files, _ = example
    attacker_private, _ = generate_keypair()
    forged = _forge(
        files, {"POAM-001": {"verdict": "MET"}, "POAM-002": {"verdict": "NOT_MET"}}, attacker_private
    )
    with pytest.raises(BundleInvalid, match=f"^{ENVELOPE_FILE}: no signature verifies"):
        verify_bundle(_write(forged, tmp_path / "b"), owner_keys[1])


def test_swapped_verdicts_with_every_digest_recomputed_are_caught_by_re_evaluation(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files, _ = example
    attacker_private, attacker_public = generate_keypair()
    (tmp_path / "attacker.pub").write_bytes(attacker_public)
    forged = _forge(
        files, {"POAM-001": {"verdict": "MET"}, "POAM-002": {"verdict": "NOT_MET"}}, attacker_private
    )
    # Digests, manifest and the attacker's own signature all agree: only re-evaluation can object.
    expected = r"^entries/POAM-001\.json: records MET but its findings re-evaluate to NOT_MET"
    with pytest.raises(BundleInvalid, match=expected):
        verify_bundle(_write(forged, tmp_path / "b"), tmp_path / "attacker.pub")
    with pytest.raises(BundleInvalid, match=expected):
        verify_bundle(_write(forged, tmp_path / "unsigned"), None)


# --- re-evaluation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry_id", "forged", "derived"),
    [
        ("POAM-004", "MET", "NOT_MET"),
        ("POAM-007", "MET", "NOT_VERIFIED"),
        ("POAM-008", "MET", "NOT_VERIFIED"),
        ("POAM-002", "NOT_VERIFIED", "MET"),
    ],
)
def test_a_changed_verdict_with_all_digests_recomputed_is_caught(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], entry_id: str, forged: str, derived: str
) -> None:
    tampered = _forge(example[0], {entry_id: {"verdict": forged}})
    expected = rf"^entries/{entry_id}\.json: records {forged} but its findings re-evaluate to {derived}"
    with pytest.raises(BundleInvalid, match=expected):
        verify_bundle(_write(tampered, tmp_path / "b"), None)


def test_a_fail_finding_rewritten_as_pass_is_caught_by_its_quote_and_by_the_signature(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], owner_keys: tuple[bytes, Path]
) -> None:
    files, predicate = example
    changes = _met_with_every_finding_passing(files, "POAM-004")
    # The entry file re-evaluates to MET, but the quoted Prowler JSON still shows the FAIL.
    with pytest.raises(
        BundleInvalid, match=r"^entries/POAM-004\.json: entry POAM-004 records MET, but prowler/"
    ):
        verify_bundle(_write(_forge(files, changes), tmp_path / "unsigned"), None)
    signed = with_signature(files, predicate, owner_keys[0])
    forged = _forge(signed, changes)
    forged[ENVELOPE_FILE] = signed[ENVELOPE_FILE]
    with pytest.raises(BundleInvalid, match="does not match the signed statement"):
        verify_bundle(_write(forged, tmp_path / "signed"), owner_keys[1])


def test_dropping_a_failing_check_from_an_entry_file_is_caught(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    entry = _entry(example[0], "POAM-001")
    kept = "cloudtrail_kms_encryption_enabled"
    changes = {
        "POAM-001": {
            "verdict": "NOT_MET",
            "checks": {kept: entry["checks"][kept]},
            "findings": [f for f in entry["findings"] if f["check_id"] == kept],
        }
    }
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-001\.json: its checks differ"):
        verify_bundle(_write(_forge(example[0], changes), tmp_path / "b"), None)


def test_an_entry_file_for_an_unknown_entry_is_named(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files = dict(example[0])
    files["entries/POAM-009.json"] = files["entries/POAM-008.json"].replace(b"POAM-008", b"POAM-009")
    with pytest.raises(
        BundleInvalid, match=r"^entries/POAM-009\.json: entry 'POAM-009' is not in the bundled"
    ):
        verify_bundle(_write(_reseal(files), tmp_path / "b"), None)


def test_two_entry_files_for_one_entry_are_named(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files = dict(example[0])
    files["entries/POAM-008-2.json"] = files["entries/POAM-008.json"]
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-008\.json: entry POAM-008 already has"):
        verify_bundle(_write(_reseal(files), tmp_path / "b"), None)


def test_an_entry_without_an_evidence_file_is_named(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files = {n: d for n, d in example[0].items() if n != "entries/POAM-006.json"}
    with pytest.raises(BundleInvalid, match=r"no evidence file for POA&M entry POAM-006"):
        verify_bundle(_write(_reseal(files), tmp_path / "b"), None)


def test_a_malformed_finding_is_named(tmp_path: Path, example: tuple[Files, dict[str, Any]]) -> None:
    entry = _entry(example[0], "POAM-003")
    findings = [{**f, "muted": "no"} for f in entry["findings"]]
    tampered = _forge(example[0], {"POAM-003": {"findings": findings}})
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-003\.json: not a valid entry evidence file"):
        verify_bundle(_write(tampered, tmp_path / "b"), None)


def _unscanned_region_bundle(tmp_path: Path) -> dict[str, bytes]:
    """A POA&M scoped to a region the example scan never reached: every checked entry is NOT_VERIFIED."""
    poam = json.loads((REPO / "poam.json").read_text())
    poam["scope"]["regions"] = ["us-east-1", "eu-west-1"]
    (tmp_path / "poam.json").write_text(json.dumps(poam))
    files, _ = _verify_example(tmp_path / "out", tmp_path / "poam.json")
    return files


def test_an_unscanned_region_verdict_re_derives_exactly_from_the_recorded_coverage(tmp_path: Path) -> None:
    files = _unscanned_region_bundle(tmp_path)
    manifest = json.loads(files["manifest.json"])
    assert manifest["account_regions_seen"] == ["123456789012/us-east-1"]
    report = verify_bundle(_write(files, tmp_path / "b"), None)
    assert report.notes == ()
    # A manifest that claims the region was scanned contradicts the recorded NOT_VERIFIED.
    manifest["account_regions_seen"].append("123456789012/eu-west-1")
    forged = _reseal({**files, "manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-002\.json: records NOT_VERIFIED"):
        verify_bundle(_write(forged, tmp_path / "c"), None)
    manifest["account_regions_seen"] = ["123456789012:us-east-1"]
    malformed = _reseal({**files, "manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(BundleInvalid, match="not account/region"):
        verify_bundle(_write(malformed, tmp_path / "d"), None)


def test_an_older_bundle_without_exact_coverage_accepts_an_unscanned_region_with_a_note(
    tmp_path: Path,
) -> None:
    files = _unscanned_region_bundle(tmp_path)
    # Before account_regions_seen, coverage was the flat accounts_seen × regions_seen.
    manifest = json.loads(files["manifest.json"])
    del manifest["account_regions_seen"]
    manifest["regions_seen"] = ["eu-west-1", "us-east-1"]
    widened = _reseal({**files, "manifest.json": json.dumps(manifest).encode()})
    report = verify_bundle(_write(widened, tmp_path / "b"), None)
    assert any("POAM-002.json: NOT_VERIFIED rests on region eu-west-1" in n for n in report.notes)
    # Claiming a region unscanned when a bundled finding proves it was scanned is refused: the claim is
    # the reason's code and parameters, whatever its words say.
    entry = _entry(widened, "POAM-002")
    claims = [_in_region(r, "us-east-1") for r in entry["reason_codes"]]
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-002\.json: records NOT_VERIFIED"):
        verify_bundle(_write(_forge(widened, {"POAM-002": {"reason_codes": claims}}), tmp_path / "c"), None)
    # Words changed alone claim nothing: the codes still name the unscanned eu-west-1.
    words = [r.replace("eu-west-1", "us-east-1") for r in entry["reasons"]]
    report = verify_bundle(_write(_forge(widened, {"POAM-002": {"reasons": words}}), tmp_path / "d"), None)
    assert any("POAM-002.json: NOT_VERIFIED rests on region eu-west-1" in n for n in report.notes)


def _in_region(reason: dict[str, Any], region: str) -> dict[str, Any]:
    if reason["code"] != "region_not_scanned":
        return reason
    return {**reason, "params": {**reason["params"], "region": region}}


def _without_reason_codes(files: Files) -> Files:
    """The bundle as written before reasons carried codes: entry files hold only the reasons' words."""
    entries = [
        name.removeprefix("entries/").removesuffix(".json") for name in files if name.startswith("entries/")
    ]
    changes = {entry_id: {} for entry_id in entries}
    legacy = _forge(files, changes)
    for entry_id in entries:
        document = json.loads(legacy[f"entries/{entry_id}.json"])
        del document["reason_codes"]
        # Nor were verdicts per objective: no reason began with an objective's id.
        document["reasons"] = [re.sub(r"^3\.\d+\.\d+\[[a-z]+\]: ", "", r) for r in document["reasons"]]
        legacy[f"entries/{entry_id}.json"] = (json.dumps(document, indent=2) + "\n").encode()
    verification = json.loads(legacy["verification.json"])
    for item in verification["entries"]:
        del item["objectives"]
    legacy["verification.json"] = json.dumps(verification, indent=2).encode()
    return _forge(legacy, changes)


def test_a_bundle_written_before_reason_codes_still_verifies_from_its_words(tmp_path: Path) -> None:
    files = _unscanned_region_bundle(tmp_path)
    manifest = json.loads(files["manifest.json"])
    del manifest["account_regions_seen"]
    manifest["regions_seen"] = ["eu-west-1", "us-east-1"]
    legacy = _without_reason_codes(_reseal({**files, "manifest.json": json.dumps(manifest).encode()}))
    assert all(
        "reason_codes" not in json.loads(data) for name, data in legacy.items() if name.startswith("entries/")
    )
    report = verify_bundle(_write(legacy, tmp_path / "b"), None)
    assert any("POAM-002.json: NOT_VERIFIED rests on region eu-west-1" in n for n in report.notes)
    # In such a bundle the words are the claim, and one a bundled finding refutes is refused.
    entry = _entry(legacy, "POAM-002")
    claims = [r.replace("eu-west-1", "us-east-1") for r in entry["reasons"]]
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-002\.json: records NOT_VERIFIED"):
        verify_bundle(_write(_forge(legacy, {"POAM-002": {"reasons": claims}}), tmp_path / "c"), None)


def test_an_entry_file_with_an_unknown_or_malformed_reason_code_is_refused(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    entry = _entry(example[0], "POAM-002")
    unknown = [{**entry["reason_codes"][0], "code": "looks_fine_to_me"}]
    with pytest.raises(BundleInvalid, match=r"^entries/POAM-002\.json: not a valid entry evidence file"):
        verify_bundle(
            _write(_forge(example[0], {"POAM-002": {"reason_codes": unknown}}), tmp_path / "a"), None
        )
    # A pair that is not one printable word each (it is printed in a note) is refused.
    for n, region in enumerate([["eu-west-1"], "", "eu-west-1\nsignature verified", "eu-west-1\x1b[2K"]):
        params = {"account": "123456789012", "region": region}
        gap = [{"code": "region_not_scanned", "params": params, "text": ""}]
        forged = _forge(example[0], {"POAM-002": {"reason_codes": gap}})
        with pytest.raises(BundleInvalid, match=r"^entries/POAM-002\.json: not a valid entry evidence file"):
            verify_bundle(_write(forged, tmp_path / f"b{n}"), None)


# --- zip safety ----------------------------------------------------------------------------------


def _with_member(name: str, mode: int = 0o644) -> Callable[[zipfile.ZipFile], None]:
    def add(archive: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        archive.writestr(info, b"payload")

    return add


@pytest.mark.parametrize(
    ("member", "mode", "message"),
    [
        ("evidence/../../etc/cron.d/x", 0o644, "escapes the bundle"),
        ("/evidence/entries/x.json", 0o644, "absolute path"),
        ("C:/evidence/x.json", 0o644, "absolute path"),
        ("evidence\\..\\x.json", 0o644, "backslash"),
        ("evidence/entries/link.json", stat.S_IFLNK | 0o777, "symbolic link"),
        ("elsewhere/x.json", 0o644, "not under evidence/"),
    ],
)
def test_unsafe_zip_members_are_refused_by_name(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], member: str, mode: int, message: str
) -> None:
    archive = _zip(example[0], tmp_path / "b.zip", _with_member(member, mode))
    with pytest.raises(BundleInvalid, match=f"^{re.escape(member)}: .*{message}"):
        verify_bundle(archive, None)


def test_duplicate_zip_members_are_refused(tmp_path: Path, example: tuple[Files, dict[str, Any]]) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive = _zip(example[0], tmp_path / "b.zip", _with_member("evidence/poam.json"))
    with pytest.raises(BundleInvalid, match=r"^evidence/poam\.json: zip member appears twice"):
        verify_bundle(archive, None)


def test_a_zip_bomb_is_refused_before_or_while_inflating(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_module, "MAX_MEMBER_BYTES", 1024 * 1024)
    bomb = b"\0" * (8 * 1024 * 1024)
    files = {**example[0], "entries/bomb.json": bomb}
    with pytest.raises(BundleInvalid, match=r"^evidence/entries/bomb\.json: zip member is larger"):
        verify_bundle(_zip(files, tmp_path / "b.zip"), None)


def test_a_zip_member_lying_about_its_size_is_stopped_while_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_module, "MAX_MEMBER_BYTES", 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("evidence/SHA256SUMS", b"\0" * 4096)
    raw = bytearray(buffer.getvalue())
    # Patch the uncompressed size in both headers down to 10 bytes.
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = raw.index(header) + offset
        raw[at : at + 4] = (10).to_bytes(4, "little")
    (tmp_path / "liar.zip").write_bytes(bytes(raw))
    with pytest.raises(BundleInvalid, match=r"^evidence/SHA256SUMS: "):
        verify_bundle(tmp_path / "liar.zip", None)


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    (tmp_path / "b.zip").write_bytes(b"not a zip")
    with pytest.raises(BundleInvalid, match="not a zip file"):
        verify_bundle(tmp_path / "b.zip", None)


def test_a_missing_bundle_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="bundle not found"):
        verify_bundle(tmp_path / "nothing.zip", None)


# --- keys ----------------------------------------------------------------------------------------


def test_keygen_writes_a_private_key_0600_and_a_public_key(tmp_path: Path) -> None:
    pair = keygen(tmp_path / "keys" / "org.signing")
    assert pair.private_key == tmp_path / "keys" / "org.signing.key"
    assert stat.S_IMODE(pair.private_key.stat().st_mode) == 0o600
    assert pair.public_key.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert read_private_key(pair.private_key).startswith(b"-----BEGIN PRIVATE KEY-----")
    assert not list((tmp_path / "keys").glob(".*"))  # no staging files left behind


def test_keygen_refuses_to_overwrite_a_key(tmp_path: Path) -> None:
    first = keygen(tmp_path / "org")
    before = first.private_key.read_bytes()
    with pytest.raises(UsageError, match="already exists"):
        keygen(tmp_path / "org")
    assert first.private_key.read_bytes() == before


def test_keygen_keys_sign_a_bundle_that_verifies(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    pair = keygen(tmp_path / "org")
    signed = with_signature(example[0], example[1], read_private_key(pair.private_key))
    report = verify_bundle(_write(signed, tmp_path / "b"), pair.public_key)
    assert report.keyid == pair.keyid


def test_a_non_key_signing_key_file_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "x.key").write_text("hello")
    with pytest.raises(InputError, match="x.key: signing key is not an unencrypted PEM private key"):
        read_private_key(tmp_path / "x.key")


# --- credentials ---------------------------------------------------------------------------------

MARKERS = {
    "AWS_ACCESS_KEY_ID": "AKIAPLANTEDMARKER7Q3Z",
    "AWS_SECRET_ACCESS_KEY": "planted-secret-marker-9f8e7d6c5b4a",
    "AWS_SESSION_TOKEN": "planted-session-token-marker-1a2b3c",
}


def test_the_bundle_never_contains_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in MARKERS.items():
        monkeypatch.setenv(name, value)
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    _verify_example(tmp_path / "out", tmp_path / "poam.json")
    blobs = [p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()]
    with zipfile.ZipFile(tmp_path / "out" / "evidence.zip") as archive:
        blobs += [archive.read(name) for name in archive.namelist()]
    assert len(blobs) > 10
    for value in MARKERS.values():
        assert not any(value.encode() in blob for blob in blobs), value


def test_signed_verdicts_that_differ_from_the_entry_files_are_refused(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], owner_keys: tuple[bytes, Path]
) -> None:
    files, predicate = example
    claimed = [{**e, "verdict": "MET"} for e in predicate["entries"]]
    signed = with_signature(files, {**predicate, "entries": claimed}, owner_keys[0])
    with pytest.raises(BundleInvalid, match=f"^{ENVELOPE_FILE}: the signed verdicts differ"):
        verify_bundle(_write(signed, tmp_path / "b"), owner_keys[1])


def test_cli_keygen_sign_and_verify_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    import sys

    from verifier.cli import main

    repo = Path(__file__).resolve().parents[2]
    scan = repo / "examples" / "prowler-output"
    shutil.copy(repo / "poam.json", tmp_path / "poam.json")
    shutil.copytree(repo / "mappings", tmp_path / "mappings")
    monkeypatch.chdir(tmp_path)

    def cli(*args: str) -> int:
        monkeypatch.setattr(sys, "argv", ["poam", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        return int(exited.value.code or 0)

    as_of = (scan / "recorded-on.txt").read_text().strip()
    assert cli("keygen", "ci") == 0
    assert cli("verify", "--findings", str(scan), "--as-of", as_of, "--sign-key", "ci.key") == 0
    assert (tmp_path / "out" / "evidence" / "bundle.dsse.json").exists()
    assert cli("bundle", "verify", "out/evidence.zip", "--pubkey", "ci.pub") == 0
    assert cli("keygen", "other") == 0
    assert cli("bundle", "verify", "out/evidence.zip", "--pubkey", "other.pub") == 1
    assert cli("keygen", "ci") == 2  # never overwrites a key


# --- quoted Prowler JSON -------------------------------------------------------------------------

QUOTES = "prowler/prowler-output-123456789012-example.ocsf.json"
INDEX = "prowler/index.json"


def _index(files: Files) -> dict[str, Any]:
    index: dict[str, Any] = json.loads(files[INDEX])
    return index


def _element_starts(files: Files) -> list[int]:
    """Where each indexed element starts in the quote file: after '[\\n', one ',\\n' between elements."""
    starts, at = [], 2
    for element in _index(files)["sources"][0]["elements"]:
        starts.append(at)
        at += element["length"] + 2
    return starts


def _quoted_fail_as_pass(files: Files) -> tuple[Files, dict[str, Any]]:
    """The bundle with its first quoted FAIL (it decides POAM-001) edited to PASS, and that element's index
    record; the edit keeps every length, so every offset still lands on an element."""
    data = files[QUOTES]
    at = data.index(b'"status_code": "FAIL"')
    changed = data[:at] + data[at:].replace(b'"FAIL"', b'"PASS"', 1)
    number = sum(start <= at for start in _element_starts(files)) - 1
    return {**files, QUOTES: changed}, _index(files)["sources"][0]["elements"][number]


def _second_element_shifted(files: Files) -> Files:
    data = files[QUOTES]
    second = _element_starts(files)[1]
    return {**files, QUOTES: data[: second - 1] + b" " + data[second - 1 :]}


def test_an_untouched_bundle_verifies_its_quotes_and_shows_its_dates(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], owner_keys: tuple[bytes, Path]
) -> None:
    files, predicate = example
    report = verify_bundle(_write(files, tmp_path / "b"), None)
    lines = report.lines()
    assert (report.as_of, report.created) == ("2026-11-25", "2026-11-25T12:00:00Z")
    assert "bundle as of 2026-11-25, created 2026-11-25T12:00:00Z" in lines
    # Replayed twelve days later, the bundle says how old it is.
    later = report.lines(now=FIXED_CLOCK + timedelta(days=12, hours=1))
    assert "bundle as of 2026-11-25, created 2026-11-25T12:00:00Z (12 days ago)" in later
    assert "unsigned: integrity only, no authenticity" in lines
    elements = len(_index(files)["sources"][0]["elements"])
    assert (report.quotes.elements, report.quotes.files, report.quotes.problem) == (elements, 1, "")
    assert f"{elements} quoted Prowler elements in 1 file(s) match prowler/index.json" in lines[4]
    signed = verify_bundle(
        _write(with_signature(files, predicate, owner_keys[0]), tmp_path / "s"), owner_keys[1]
    )
    assert not any("unsigned" in line for line in signed.lines())
    assert "bundle as of 2026-11-25, created 2026-11-25T12:00:00Z" in signed.lines()


def test_an_entry_forged_to_met_everywhere_is_caught_by_the_fail_its_quote_still_shows(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files, _ = example
    changes = _met_with_every_finding_passing(files, "POAM-004")
    forged = _forge(files, changes)
    verification = json.loads(forged["verification.json"])
    next(e for e in verification["entries"] if e["id"] == "POAM-004")["verdict"] = "MET"
    forged = _reseal({**forged, "verification.json": json.dumps(verification).encode()})
    # Entry file, POA&M, verification.json, manifest and SHA256SUMS all agree, and re-evaluate to MET.
    assert _index(forged) == _index(files)
    expected = (
        rf"^entries/POAM-004\.json: entry POAM-004 records MET, but {re.escape(QUOTES)} quotes "
        r"finding prowler-aws-kms_cmk_rotation_enabled-\S+ as a FAIL deciding it$"
    )
    with pytest.raises(BundleInvalid, match=expected) as raised:
        verify_bundle(_write(forged, tmp_path / "b"), None)
    assert raised.value.exit_code is ExitCode.GATE


def test_a_quoted_fail_edited_to_pass_is_caught_by_its_element_digest(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    tampered, element = _quoted_fail_as_pass(example[0])
    expected = (
        rf"^{re.escape(QUOTES)}: quoted finding {re.escape(element['finding_uid'])} \(entry POAM-001\): "
        r"its text does not match the SHA-256 prowler/index\.json records for it$"
    )
    with pytest.raises(BundleInvalid, match=expected):
        verify_bundle(_write(_reseal(tampered), tmp_path / "b"), None)


@pytest.mark.parametrize(
    ("index_status", "expected"),
    [
        (
            "FAIL",
            r"^prowler/index\.json: .*\(entry POAM-001\): the index says \S+/FAIL but the quoted text holds \S+/PASS$",
        ),
        (
            "PASS",
            r"^entries/POAM-001\.json: entry POAM-001 records finding \S+ unlike prowler/\S+ quotes it \(status differ\)$",
        ),
    ],
)
def test_a_quoted_fail_edited_to_pass_with_its_index_digest_recomputed_is_caught(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], index_status: str, expected: str
) -> None:
    tampered, element = _quoted_fail_as_pass(example[0])
    index = _index(tampered)
    source = index["sources"][0]
    at = source["elements"].index(element)
    start = _element_starts(tampered)[at]
    text = tampered[QUOTES][start : start + element["length"]]
    source["elements"][at] = {**element, "sha256": _sha(text), "status": index_status}
    tampered[INDEX] = json.dumps(index).encode()
    with pytest.raises(BundleInvalid, match=expected):
        verify_bundle(_write(_reseal(tampered), tmp_path / "b"), None)


def test_an_entry_file_without_the_finding_its_quote_decides_is_named(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    entry = _entry(example[0], "POAM-001")
    renamed = [{**f, "finding_uid": f"{f['finding_uid']}-other"} for f in entry["findings"]]
    tampered = _forge(example[0], {"POAM-001": {"findings": renamed}})
    with pytest.raises(
        BundleInvalid,
        match=r"^entries/POAM-001\.json: entry POAM-001 does not hold finding \S+, which prowler/",
    ):
        verify_bundle(_write(tampered, tmp_path / "b"), None)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda f: {n: d for n, d in f.items() if n != INDEX},
            rf"^{re.escape(QUOTES)}: a quote file, but the bundle has no prowler/index\.json$",
        ),
        (
            lambda f: {**f, "prowler/extra.ocsf.json": f[QUOTES]},
            r"^prowler/extra\.ocsf\.json: in prowler/ but not listed in prowler/index\.json$",
        ),
        (
            lambda f: {**f, QUOTES: f[QUOTES][:-3] + b",\n{}\n]\n"},
            rf"^{re.escape(QUOTES)}: holds more than the elements prowler/index\.json lists",
        ),
        (
            _second_element_shifted,
            rf"^{re.escape(QUOTES)}: quoted finding \S+ \(entry \S+\) is not where prowler/index\.json puts it",
        ),
    ],
    ids=["index removed", "unlisted quote file", "element appended", "element shifted"],
)
def test_quote_files_that_do_not_hold_exactly_what_the_index_lists_are_named(
    tmp_path: Path, example: tuple[Files, dict[str, Any]], change: Callable[[Files], Files], expected: str
) -> None:
    with pytest.raises(BundleInvalid, match=expected):
        verify_bundle(_write(_reseal(change(example[0])), tmp_path / "b"), None)


def test_a_bundle_without_a_creation_time_is_refused(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    manifest = json.loads(example[0]["manifest.json"])
    del manifest["created"]
    tampered = _reseal({**example[0], "manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(BundleInvalid, match=r"^manifest\.json: created is not a timestamp$"):
        verify_bundle(_write(tampered, tmp_path / "b"), None)


def _without_element(files: Files, entry_id: str) -> Files:
    """The bundle with the quote of ``entry_id``'s deciding finding cut from quote file and index alike."""
    index = _index(files)
    elements = index["sources"][0]["elements"]
    starts = _element_starts(files)
    kept = [n for n, e in enumerate(elements) if e["entries"] != [entry_id]]
    texts = [files[QUOTES][starts[n] : starts[n] + elements[n]["length"]] for n in kept]
    index["sources"][0]["elements"] = [elements[n] for n in kept]
    quotes = b"[\n" + b",\n".join(texts) + b"\n]\n"
    return {**files, QUOTES: quotes, INDEX: json.dumps(index).encode()}


def test_a_forged_met_whose_quote_was_cut_out_is_caught_as_unquoted(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files, _ = example
    forged = _forge(files, _met_with_every_finding_passing(files, "POAM-004"))
    cut = _reseal(_without_element(forged, "POAM-004"))
    with pytest.raises(
        BundleInvalid,
        match=rf"^entries/POAM-004\.json: entry POAM-004's deciding finding \S+ is not quoted in {re.escape(QUOTES)}",
    ):
        verify_bundle(_write(cut, tmp_path / "b"), None)
    index = _index(cut)
    index["excerpts_per_entry"] = 0  # "nothing needed quoting"
    lowered = _reseal({**cut, INDEX: json.dumps(index).encode()})
    with pytest.raises(BundleInvalid, match=r"^prowler/index\.json: excerpts_per_entry is 0, not 20$"):
        verify_bundle(_write(lowered, tmp_path / "c"), None)


def _verify_scan(tmp_path: Path, findings: Path) -> Path:
    options = VerifyOptions(
        poam=REPO / "poam.json",
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(findings,),
        out=tmp_path / "out",
        as_of=date(2026, 11, 25),
        history=tmp_path / "poam-history.jsonl",  # not beside the repository's POA&M
    )
    run_verify(options, clock=lambda: FIXED_CLOCK)
    return tmp_path / "out" / "evidence.zip"


def _scan_copy(tmp_path: Path, shape: str) -> Path:
    """The example scan as a user may hand it in: as recorded, gzipped JSON, zipped, or its CSV only."""
    scan = shutil.copytree(REPO / "examples" / "prowler-output", tmp_path / "scan")
    if shape == "gzipped":
        for source in scan.glob("*.json"):
            source.with_name(source.name + ".gz").write_bytes(gzip.compress(source.read_bytes()))
            source.unlink()
    if shape == "zipped":
        with zipfile.ZipFile(tmp_path / "scan.zip", "w") as archive:
            for file in sorted(scan.iterdir()):
                archive.write(file, file.name)
        return tmp_path / "scan.zip"
    if shape == "csv only":
        for source in scan.glob("*.json"):
            source.unlink()
    return scan


@pytest.mark.parametrize(
    ("shape", "quoted"),
    [
        ("gzipped", ["14 quoted Prowler elements in 1 file(s) match prowler/index.json and the entry files"]),
        (
            "zipped",
            [
                "0 quoted Prowler elements in 0 file(s) match prowler/index.json and the entry files",
                "note: not quoted, findings recorded in the entry files only: ",
                "scan.zip!/prowler-output-123456789012-example.ocsf.json (a member of a zip: not read again",
            ],
        ),
        ("csv only", ["no Prowler JSON quoted (no prowler/index.json)"]),
    ],
)
def test_bundles_of_every_scan_shape_verify_with_their_quotes(
    tmp_path: Path, shape: str, quoted: list[str]
) -> None:
    lines = verify_bundle(_verify_scan(tmp_path, _scan_copy(tmp_path, shape)), None).lines()
    for expected in quoted:
        assert any(expected in line for line in lines), lines


def test_a_source_claimed_not_read_again_leaves_its_verdicts_unquoted_and_says_so(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files, _ = example
    forged = _forge(files, _met_with_every_finding_passing(files, "POAM-004"))
    index = _index(forged)
    [source] = index.pop("sources")
    index["sources"] = []
    index["not_read_again"] = [{"path": source["path"], "reason": "not a file on this machine now"}]
    claimed = {n: d for n, d in forged.items() if n != QUOTES}
    claimed[INDEX] = json.dumps(index).encode()
    # Without a signature this cannot be told from a scan file deleted mid-run; the report names it.
    lines = verify_bundle(_write(_reseal(claimed), tmp_path / "b"), None).lines()
    assert (
        "note: not quoted, findings recorded in the entry files only: "
        f"{source['path']} (not a file on this machine now)"
    ) in lines
    assert "unsigned: integrity only, no authenticity" in lines
    index["not_read_again"] = [{"path": source["path"], "reason": "gone"}]
    both = {**forged, INDEX: json.dumps({**index, "sources": [source]}).encode()}
    with pytest.raises(
        BundleInvalid, match=r"^prowler/index\.json: .* is listed as quoted and as not read again$"
    ):
        verify_bundle(_write(_reseal(both), tmp_path / "c"), None)


def _with_objective(files: Files, entry_id: str, objective_id: str, **fields: Any) -> Files:
    """The bundle with one objective of verification.json rewritten, every digest recomputed."""
    document = json.loads(files["verification.json"])
    entry = next(e for e in document["entries"] if e["id"] == entry_id)
    next(o for o in entry["objectives"] if o["id"] == objective_id).update(fields)
    return _reseal({**files, "verification.json": json.dumps(document, indent=2).encode()})


def test_every_objective_verdict_is_re_derived(tmp_path: Path, example: tuple[Files, dict[str, Any]]) -> None:
    files, _ = example
    assert verify_bundle(_write(files, tmp_path / "a"), None).verdicts
    forged = _with_objective(files, "POAM-006", "3.4.3[d]", verdict="NOT_MET")
    with pytest.raises(
        BundleInvalid, match=r"records 3\.4\.3\[d\] NOT_MET but its findings re-evaluate to MET"
    ):
        verify_bundle(_write(forged, tmp_path / "b"), None)


def test_a_check_dropped_from_every_objective_is_refused(
    tmp_path: Path, example: tuple[Files, dict[str, Any]]
) -> None:
    files, _ = example
    forged = _with_objective(files, "POAM-001", "3.3.8[b]", checks=[])
    with pytest.raises(BundleInvalid, match="objective checks differ from its checks"):
        verify_bundle(_write(forged, tmp_path / "b"), None)
