"""IaC inputs: Prowler's ``prowler iac`` OCSF findings, the practice → Trivy check table, Trivy's built-in checks.

``prowler iac`` findings differ from cloud findings: no account or region, a Trivy id (AVD id or long id) as
the check, and file and line numbers under ``resources[0].data.metadata.CauseMetadata``. PASS findings are
one per check, with no file. The generic OCSF reader wants cloud fields, so IaC findings get this reader.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.catalog import practices
from verifier.errors import FindingsFormatError, InputError
from verifier.inputs.jsondoc import parse_json, read_bytes, sha256_hex, validate

_AVD_ID = re.compile(r"^AVD-[A-Z0-9]+-[0-9]{4}$")
# Trivy embeds its built-in Rego checks as text; each carries a METADATA block whose ``custom`` section
# names the check. Reading them from the binary lists the checks offline, without running a scan.
_CHECK_BLOCK = re.compile(rb"#   id: (\S+)\n#   avd_id: (AVD-[A-Z0-9]+-[0-9]{4})\n((?:#  .*\n){0,16})")
_BLOCK_FIELD = re.compile(rb"^#   (provider|service|short_code): (\S+)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class IacFinding:
    """One Trivy result as Prowler reports it; ``check_id`` is always the AVD id."""

    check_id: str
    long_id: str
    status: str
    muted: bool
    title: str
    severity: str
    message: str
    file: str
    resource: str
    start_line: int
    end_line: int

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies a failure across commits: line numbers move when unrelated code changes."""
        return (self.check_id, self.file, self.resource)


@dataclass(frozen=True, slots=True)
class TrivyPairing:
    """One AWS check and the Trivy check that tests the same setting in Terraform.

    ``resource_types`` are what the Trivy check examines: its PASS means something only where the code
    declares one. ``related_types`` configure an examined resource and are reported beside it.
    """

    aws_check: str
    trivy_id: str
    trivy_long_id: str
    resource_types: tuple[str, ...] = ()
    related_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IacMapping:
    """Practice → Trivy checks, each paired with the AWS check it stands in for."""

    practices: Mapping[str, tuple[TrivyPairing, ...]]
    sha256: str = ""
    path: str = ""

    def checks_for(self, practice_id: str) -> tuple[str, ...]:
        return tuple(sorted({p.trivy_id for p in self.practices.get(practice_id, ())}))

    def practices_for(self, check_id: str) -> tuple[str, ...]:
        return tuple(
            sorted(pid for pid, ps in self.practices.items() if any(p.trivy_id == check_id for p in ps))
        )

    def all_checks(self) -> frozenset[str]:
        return frozenset(p.trivy_id for ps in self.practices.values() for p in ps)

    def pairing(self, check_id: str) -> TrivyPairing | None:
        """The first pairing of this Trivy check (all agree on its names and types: the loader checks)."""
        return next((p for ps in self.practices.values() for p in ps if p.trivy_id == check_id), None)


def read_iac_findings(path: Path) -> tuple[IacFinding, ...]:
    """Read a ``prowler iac`` OCSF file; anything else is a ``FindingsFormatError``."""
    document = parse_json(read_bytes(path, "findings"), str(path))
    if not isinstance(document, list):
        raise FindingsFormatError(f"{path}: not an OCSF findings array")
    return tuple(_finding(raw, path, n) for n, raw in enumerate(document))


def _finding(raw: Any, path: Path, n: int) -> IacFinding:
    try:
        metadata = raw["resources"][0]["data"]["metadata"]
        cause = metadata.get("CauseMetadata") or {}
        avd_id = metadata["AVDID"]
        status = raw["status_code"]
    except (KeyError, IndexError, TypeError) as exc:
        raise FindingsFormatError(
            f"{path}: finding {n} is not a `prowler iac` finding (missing {exc})"
        ) from exc
    if not isinstance(avd_id, str) or not _AVD_ID.match(avd_id) or status not in {"PASS", "FAIL", "MANUAL"}:
        raise FindingsFormatError(f"{path}: finding {n} has no Trivy AVD id or an unknown status")
    resource_file = raw["resources"][0].get("name") or ""
    return IacFinding(
        check_id=avd_id,
        long_id=str(metadata.get("ID") or avd_id),
        status=status,
        muted=raw.get("status") == "Suppressed",
        title=str(metadata.get("Title") or ""),
        severity=str(metadata.get("Severity") or "UNKNOWN"),
        message=str(raw.get("status_detail") or metadata.get("Message") or ""),
        file="" if resource_file == "." else resource_file,
        resource=str(cause.get("Resource") or ""),
        start_line=int(cause.get("StartLine") or 0),
        end_line=int(cause.get("EndLine") or cause.get("StartLine") or 0),
    )


def load_iac_mapping(path: Path) -> IacMapping:
    """Read ``mappings/cmmc-l2-iac.json``: ``practices.<id>.pairs`` = [{aws_check, trivy_id, trivy_long_id,
    terraform_resource_types, terraform_related_types?}]."""
    data = read_bytes(path, "IaC mapping")
    document = parse_json(data, str(path))
    validate(document, "iac-mapping.schema.json", str(path))
    unknown = sorted(set(document["practices"]) - set(practices()))
    if unknown:
        raise InputError(f"{path}: unknown CMMC Level 2 practice ids: {', '.join(unknown)}")
    pairings = {pid: tuple(_pairing(p) for p in body["pairs"]) for pid, body in document["practices"].items()}
    _refuse_disagreements(pairings, path)
    return IacMapping(practices=pairings, sha256=sha256_hex(data), path=str(path))


def _pairing(raw: Mapping[str, Any]) -> TrivyPairing:
    return TrivyPairing(
        raw["aws_check"],
        raw["trivy_id"],
        raw["trivy_long_id"],
        tuple(raw["terraform_resource_types"]),
        tuple(raw.get("terraform_related_types", ())),
    )


def _refuse_disagreements(pairings: Mapping[str, tuple[TrivyPairing, ...]], path: Path) -> None:
    """One Trivy check examines the same resources wherever it is paired; two answers mean a typo."""
    seen: dict[str, tuple[object, ...]] = {}
    for pairing in (p for ps in pairings.values() for p in ps):
        facts = (pairing.trivy_long_id, pairing.resource_types, pairing.related_types)
        if seen.setdefault(pairing.trivy_id, facts) != facts:
            raise InputError(f"{path}: {pairing.trivy_id} is given different long ids or resource types")


def builtin_trivy_checks(trivy_binary: Path) -> dict[str, frozenset[str]]:
    """AVD id → every name of that check (custom id, ``provider-service-short_code``) built into Trivy."""
    try:
        blob = trivy_binary.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {trivy_binary}: {exc.strerror or exc}") from exc
    names: dict[str, set[str]] = {}
    for match in _CHECK_BLOCK.finditer(blob):
        custom_id, avd_id, rest = (g.decode("utf-8", "replace") for g in match.groups())
        fields = {k.decode(): v.decode() for k, v in _BLOCK_FIELD.findall(match.group(3))}
        entry = names.setdefault(avd_id, set())
        entry.add(custom_id)
        if {"provider", "service", "short_code"} <= fields.keys():
            entry.add(f"{fields['provider']}-{fields['service']}-{fields['short_code']}")
    return {avd: frozenset(n) for avd, n in names.items()}
