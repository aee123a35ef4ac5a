"""Bundles written before reasons carried codes: the one compatibility function that reads their words."""

from __future__ import annotations

import pytest

from verifier.model import Reason, ReasonCode
from verifier.outputs.reasons import render
from verifier.pipeline.bundle import legacy_reason_codes

GAP = Reason(ReasonCode.REGION_NOT_SCANNED, {"account": "123456789012", "region": "eu-west-1"})


def test_the_region_gap_an_older_bundle_recorded_in_words_is_derived_as_its_code() -> None:
    assert legacy_reason_codes([render(GAP)]) == (GAP,)


def test_every_other_reason_of_an_older_bundle_derives_nothing() -> None:
    others = [
        Reason(ReasonCode.ACCOUNT_NOT_SCANNED, {"account": "123456789012"}),
        Reason(ReasonCode.MANUAL_RESULTS, {"check": "iam_root_mfa_enabled", "count": 2}),
    ]
    assert legacy_reason_codes([render(r) for r in others]) == ()


@pytest.mark.parametrize(
    "text",
    [
        "region eu-west-1 of account 123456789012 does not appear in the scan results at all (and more)",
        "note: region eu-west-1 of account 123456789012 does not appear in the scan results at all",
        "region eu west-1 of account 123456789012 does not appear in the scan results at all",
        "region  of account 123456789012 does not appear in the scan results at all",
        "region eu-west-1 of account  does not appear in the scan results at all",
        "REGION eu-west-1 of account 123456789012 does not appear in the scan results at all",
        "region eu-west-1\x1b[2K of account 123456789012 does not appear in the scan results at all",
    ],
)
def test_words_that_are_not_exactly_the_region_gap_derive_nothing(text: str) -> None:
    assert legacy_reason_codes([text]) == ()
