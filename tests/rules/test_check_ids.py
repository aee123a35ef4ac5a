"""Check ids no Prowler provider in scope runs, judged against a release's check list."""

from __future__ import annotations

from dataclasses import replace

from tests.rules.builders import entry, poam
from verifier.inputs.known_checks import KnownChecks
from verifier.model import Verification
from verifier.rules.check_ids import unknown_check_ids

RELEASE = KnownChecks(
    "5.46.0",
    {
        "aws": frozenset({"s3_bucket_default_encryption", "cloudtrail_kms_encryption_enabled"}),
        "azure": frozenset({"storage_ensure_encryption_with_customer_managed_keys"}),
    },
)


def checks(*ids: str) -> Verification:
    return Verification(ids, None)


def test_a_misspelled_id_is_named_with_its_entry_provider_and_closest_id() -> None:
    (unknown,) = unknown_check_ids(poam(entry(verification=checks("s3_bucket_default_encrpytion"))), RELEASE)

    assert (unknown.entry, unknown.provider, unknown.check_id) == (
        "POAM-001",
        "aws",
        "s3_bucket_default_encrpytion",
    )
    assert unknown.closest == "s3_bucket_default_encryption"


def test_an_id_like_nothing_known_gets_no_suggestion() -> None:
    (unknown,) = unknown_check_ids(poam(entry(verification=checks("made_up"))), RELEASE)
    assert unknown.closest is None and "did you mean" not in unknown.message()


def test_known_ids_and_entries_judged_by_the_mapping_pass() -> None:
    listed = poam(
        entry(verification=checks("s3_bucket_default_encryption", "aws:cloudtrail_kms_encryption_enabled"))
    )
    assert unknown_check_ids(listed, RELEASE) == ()
    assert unknown_check_ids(poam(entry(verification=Verification(None, None))), RELEASE) == ()


def test_a_qualified_id_is_judged_for_its_own_provider_only() -> None:
    azure_id = "storage_ensure_encryption_with_customer_managed_keys"
    (unknown,) = unknown_check_ids(poam(entry(verification=checks(f"aws:{azure_id}"))), RELEASE)
    assert unknown.provider == "aws"
    assert unknown_check_ids(poam(entry(verification=checks(f"azure:{azure_id}"))), RELEASE) == ()


def test_a_provider_the_list_does_not_cover_is_not_judged() -> None:
    assert unknown_check_ids(poam(entry(verification=checks("gcp:anything_at_all"))), RELEASE) == ()


def test_every_entry_is_reported() -> None:
    first = entry(verification=checks("typo_one"))
    second = replace(entry(verification=checks("typo_two")), id="POAM-002")
    assert [u.entry for u in unknown_check_ids(poam(first, second), RELEASE)] == ["POAM-001", "POAM-002"]
