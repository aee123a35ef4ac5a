"""The practice table's totals, pinned to 32 CFR § 170.24 (points) and § 170.21(a)(2) (POA&M eligibility)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from importlib import resources

from verifier.catalog import (
    OBJECTIVES_DATA,
    Eligibility,
    assessment_procedures,
    by_nist_id,
    objectives_by_id,
    practices,
)

NEVER_ON_A_POAM = (  # § 170.21(a)(2)(iii)
    "AC.L2-3.1.20",
    "AC.L2-3.1.22",
    "CA.L2-3.12.4",
    "PE.L2-3.10.3",
    "PE.L2-3.10.4",
    "PE.L2-3.10.5",
)


def test_catalog_holds_the_110_level_2_practices_in_table_order() -> None:
    catalog = practices()
    assert len(catalog) == 110
    assert next(iter(catalog)) == "AC.L2-3.1.1"
    assert all(pid == p.practice_id for pid, p in catalog.items())
    assert all(".L2-3." in pid for pid in catalog)


def test_point_values_match_the_scoring_methodology() -> None:
    # § 170.24 counts 42 five-point, 14 three-point and 51 one-point requirements; the two with partial
    # credit (MFA, FIPS crypto) are worth 5 at most, so 44 rows carry 5 points, and the SSP carries none.
    points = Counter(p.points for p in practices().values())
    assert points == {5: 44, 3: 14, 1: 51, None: 1}
    five_without_partial = [p for p in practices().values() if p.points == 5 and p.partial_points is None]
    assert len(five_without_partial) == 42


def test_only_mfa_and_fips_crypto_have_partial_credit_of_3() -> None:
    partial = {pid: p.partial_points for pid, p in practices().items() if p.partial_points is not None}
    assert partial == {"IA.L2-3.5.3": 3, "SC.L2-3.13.11": 3}
    assert practices()["IA.L2-3.5.3"].points == 5
    assert practices()["SC.L2-3.13.11"].points == 5


def test_system_security_plan_has_no_point_value() -> None:
    assert practices()["CA.L2-3.12.4"].points is None


def test_maximum_deduction_is_313() -> None:
    assert sum(p.points or 0 for p in practices().values()) == 313


def test_poam_eligibility_counts() -> None:
    counts = Counter(p.poam_eligibility for p in practices().values())
    assert counts == {Eligibility.YES: 46, Eligibility.CONDITIONAL: 1, Eligibility.NO: 63}
    conditional = [pid for pid, p in practices().items() if p.poam_eligibility is Eligibility.CONDITIONAL]
    assert conditional == ["SC.L2-3.13.11"]


def test_practices_named_by_170_21_a_2_iii_are_never_eligible() -> None:
    for pid in NEVER_ON_A_POAM:
        assert practices()[pid].poam_eligibility is Eligibility.NO, pid


def test_no_level_1_derived_practice_is_eligible() -> None:
    level1 = [p for p in practices().values() if p.level1]
    assert len(level1) == 17
    assert all(p.poam_eligibility is Eligibility.NO for p in level1)


def test_eligible_practices_are_worth_1_point_except_fips_crypto() -> None:
    # § 170.21(a)(2)(ii): nothing above 1 point, except SC.L2-3.13.11 in its 3-point state.
    for pid, practice in practices().items():
        if practice.poam_eligibility is Eligibility.YES:
            assert practice.points == 1, pid
    assert practices()["SC.L2-3.13.11"].partial_points == 3


def test_mfa_is_never_eligible_even_in_its_partial_state() -> None:
    assert practices()["IA.L2-3.5.3"].poam_eligibility is Eligibility.NO


def test_assessment_objectives_total_320() -> None:
    assert sum(p.objectives for p in practices().values()) == 320


def test_by_nist_id_finds_the_practice() -> None:
    practice = by_nist_id()["3.13.16"]
    assert practice.practice_id == "SC.L2-3.13.16"
    assert practice.domain == "SC"
    assert len(by_nist_id()) == 110


# The shipped 800-171A transcription, byte for byte the project's reference copy when it was taken in.
OBJECTIVES_SHA256 = "23daa5a323d624728e7776cf2b6fa95a146bde96a49743c4838594d9cb3c7313"


def test_the_800_171a_data_holds_320_objectives_as_many_per_practice_as_the_table_says() -> None:
    procedures = assessment_procedures()
    assert list(procedures) == list(practices())
    assert sum(len(p.objectives) for p in procedures.values()) == 320
    for practice_id, procedure in procedures.items():
        assert len(procedure.objectives) == practices()[practice_id].objectives, practice_id
        nist_id = practices()[practice_id].nist_id
        letters = [o.objective_id.removeprefix(nist_id) for o in procedure.objectives]
        assert letters == [f"[{chr(ord('a') + i)}]" for i in range(len(letters))], practice_id
        assert procedure.examine and procedure.interview and procedure.test, practice_id


def test_objectives_are_found_by_id_with_their_text() -> None:
    objective = objectives_by_id()["3.3.8[c]"]
    assert objective.practice_id == "AU.L2-3.3.8"
    assert objective.text == "audit information is protected from unauthorized deletion."
    assert len(objectives_by_id()) == 320


def test_the_shipped_transcription_is_the_reference_copy_with_its_provenance() -> None:
    data = resources.files("verifier").joinpath(OBJECTIVES_DATA).read_bytes()
    assert hashlib.sha256(data).hexdigest() == OBJECTIVES_SHA256
    assert "NIST SP 800-171A" in json.loads(data)["source"]["title"]
