"""The practice → Prowler check mapping as an OSCAL ``component-definition`` (valid against NIST's 1.2.3 schema).

It is the link an assessor follows between a POA&M entry's practice and the scan result: which automated
checks stand for which NIST SP 800-171 Rev. 2 requirement. Rules and checks use compliance-trestle's
convention (OSCAL Compass), so trestle-based tooling reads them: a ``service`` component (the AWS accounts)
carries ``Rule_Id``/``Rule_Description`` properties and lists each rule under the requirements it implements;
a ``validation`` component (Prowler) carries ``Rule_Id``/``Check_Id``/``Check_Description`` for the same rules,
each rule's properties grouped by a shared ``remarks`` rule-set name. Control ids follow ``oscal.py``
(``sp800-171r2-3.13.16``); the CMMC practice id is a property. Practices a scan can support but never prove
(``catalog.SCAN_CANNOT_PROVE``) say so in their remarks. Uuids are UUIDv5 of the mapping's digest, so the same
mapping renders the same document apart from ``last-modified``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from verifier.catalog import SCAN_CANNOT_PROVE, practices
from verifier.inputs.mapping import CheckMapping
from verifier.outputs.oscal import AR_OSCAL_VERSION, control_id, one_line, prop, stable_uuid
from verifier.outputs.run import timestamp
from verifier.outputs.serialize import dumps

TRESTLE_NS = "https://oscal-compass.github.io/compliance-trestle/schemas/oscal"
SP800_171R2 = "https://csrc.nist.gov/pubs/sp/800/171/r2/upd1/final"

JsonObject = dict[str, Any]


def render_component_definition(
    mapping: CheckMapping, generated: datetime, providers: Sequence[str]
) -> bytes:
    """The OSCAL JSON bytes of ``mapping``'s checks for every one of ``providers`` (the POA&M's)."""
    return dumps({"component-definition": component_definition(mapping, generated, providers)})


def component_definition(mapping: CheckMapping, generated: datetime, providers: Sequence[str]) -> JsonObject:
    """One service and one validation component per provider, in the order the POA&M names them."""
    if not providers:
        raise ValueError("a component definition needs at least one provider")
    prowler = str(mapping.source.get("prowler_version", "unknown"))
    seed = mapping.sha256 or "unhashed"
    # A one-provider document keeps the identifiers it always had; with several, each names its provider.
    several = len(providers) > 1
    components: list[JsonObject] = []
    for provider in providers:
        mapped = {
            pid: mapping.checks_for(pid, provider) for pid in practices() if mapping.checks_for(pid, provider)
        }
        rules = sorted({check for checks in mapped.values() for check in checks})
        rule_sets = {check: f"rule_set_{index:03d}" for index, check in enumerate(rules)}
        qualifier = (provider,) if several else ()
        components += [
            _service(mapping, mapped, rule_sets, provider, seed, qualifier),
            _validation(rule_sets, provider, prowler, seed),
        ]
    return {
        "uuid": stable_uuid("component-definition", seed, *providers),
        "metadata": {
            "title": f"CMMC Level 2 practices checked by Prowler {prowler} "
            f"({', '.join(p.upper() for p in providers)})",
            "last-modified": timestamp(generated),
            "version": seed[:16],
            "oscal-version": AR_OSCAL_VERSION,
            "props": [prop("mapping-sha256", seed), prop("prowler-version", prowler)],
        },
        "components": components,
    }


def _rule_prop(name: str, value: str, rule_set: str) -> JsonObject:
    return {"name": name, "ns": TRESTLE_NS, "value": one_line(value), "remarks": rule_set}


def _service(
    mapping: CheckMapping,
    mapped: dict[str, tuple[str, ...]],
    rule_sets: dict[str, str],
    provider: str,
    seed: str,
    qualifier: tuple[str, ...],
) -> JsonObject:
    props = []
    for check, rule_set in rule_sets.items():
        described = ", ".join(pid for pid, checks in mapped.items() if check in checks)
        props += [
            _rule_prop("Rule_Id", check, rule_set),
            _rule_prop(
                "Rule_Description", f"Prowler check {check} passes (evidence for {described})", rule_set
            ),
        ]
    return {
        "uuid": stable_uuid("component", seed, provider, "service"),
        "type": "service",
        "title": f"{provider.upper()} accounts in the CMMC Level 2 assessment scope",
        "description": "The cloud accounts whose configuration the mapped Prowler checks examine.",
        "props": props,
        "control-implementations": [
            {
                "uuid": stable_uuid("control-implementation", seed, provider),
                "source": SP800_171R2,
                "description": (
                    f"NIST SP 800-171 Rev. 2 requirements (CMMC Level 2 practices) with mapped Prowler checks, "
                    f"from {mapping.path or 'the mapping'}: MET needs a fresh, unmuted PASS of every rule."
                ),
                "implemented-requirements": [
                    _requirement(pid, checks, rule_sets, seed, qualifier) for pid, checks in mapped.items()
                ],
            }
        ],
    }


def _requirement(
    practice_id: str,
    checks: tuple[str, ...],
    rule_sets: dict[str, str],
    seed: str,
    qualifier: tuple[str, ...],
) -> JsonObject:
    practice = practices()[practice_id]
    requirement: JsonObject = {
        "uuid": stable_uuid("implemented-requirement", seed, practice_id, *qualifier),
        "control-id": control_id(practice.nist_id),
        "description": one_line(
            f"{practice_id} {practice.title}: checked by {len(checks)} Prowler check(s)."
        ),
        "props": [
            prop("cmmc-practice-id", practice_id),
            prop("label", practice.nist_id),
            *(_rule_prop("Rule_Id", check, rule_sets[check]) for check in checks),
        ],
    }
    if practice_id in SCAN_CANNOT_PROVE:
        requirement["remarks"] = (
            f"A scan supports but never proves this practice: {SCAN_CANNOT_PROVE[practice_id]}. "
            "MET also needs a valid attestation."
        )
    return requirement


def _validation(rule_sets: dict[str, str], provider: str, prowler: str, seed: str) -> JsonObject:
    props = []
    for check, rule_set in rule_sets.items():
        props += [
            _rule_prop("Rule_Id", check, rule_set),
            _rule_prop("Check_Id", check, rule_set),
            _rule_prop("Check_Description", f"Prowler {provider} check {check}", rule_set),
        ]
    return {
        "uuid": stable_uuid("component", seed, provider, "validation"),
        "type": "validation",
        "title": f"Prowler {prowler}",
        "description": (
            "The open-source cloud security scanner whose check results decide each rule: "
            f"`prowler {provider} --checks ...`, read by poam-verifier."
        ),
        "props": props,
    }
