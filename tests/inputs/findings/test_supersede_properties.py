"""Properties of supersession over generated scan histories: read order never matters, an older scan can
never turn NOT_MET into MET, and neither can a newer scan that cannot prove it is complete (a filtered one)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.evaluation import (
    ACCOUNT,
    AS_OF,
    MAPPING,
    POAM_TARGET,
    REGION,
    S3_ENCRYPTION,
    SCANNED,
    make_entry,
    make_finding,
)
from verifier.evaluate import EvaluationSettings, FindingsIndex, evaluate_entry, latest_per_uid
from verifier.inputs.findings.manifest import ScanManifest
from verifier.inputs.findings.supersede import FileScan, file_scan, supersede
from verifier.model import Finding, Status
from verifier.outputs.reasons import rendered

RESOURCES = ("arn:aws:s3:::cui-a", "arn:aws:s3:::cui-b", "arn:aws:s3:::cui-c")
# What ``poam scan`` records: the only arguments that prove a scan complete.
COMPLETE_ARGS = (
    "aws",
    "-f",
    REGION,
    "--checks",
    S3_ENCRYPTION,
    "-M",
    "json-ocsf",
    "-o",
    "out",
    "--no-banner",
)
# Filters a user may give Prowler: their output looks like any other, without a manifest saying so.
FILTERS = (
    ("--status", "PASS"),
    ("--resource-arn", RESOURCES[1]),
    ("--resource-tag", "Environment=prod"),
    ("--excluded-service", "s3"),
    ("--severity", "critical"),
)
# How a scan's manifest reads: none, succeeded without recorded arguments (before they were recorded),
# complete (poam scan's own arguments), filtered, or failed.
MANIFESTS = ("none", "succeeded", "complete", "filtered", "failed")
# One scan: minutes before SCANNED, each resource's result (absent = not reported), and how its manifest reads.
scan_strategy = st.tuples(
    st.integers(min_value=1, max_value=600),
    st.dictionaries(st.sampled_from(RESOURCES), st.sampled_from([Status.PASS, Status.FAIL])),
    st.sampled_from(MANIFESTS),
)


class History:
    """Generated scans as the loader would see them: files, their findings and manifests."""

    def __init__(self, scans: list[tuple[int, dict[str, Status], str]]) -> None:
        self.files: list[tuple[str, list[Finding]]] = []
        self.manifests: list[ScanManifest] = []
        for number, (minutes, results, manifest) in enumerate(scans):
            when = SCANNED - timedelta(minutes=minutes)
            path = f"scans/{number}/prowler-output.ocsf.json"
            findings = [
                make_finding(S3_ENCRYPTION, status, resource=resource, time=when)
                for resource, status in sorted(results.items())
            ]
            self.files.append((path, [_sourced(f, path) for f in findings]))
            if manifest != "none":
                self.manifests.append(_manifest(number, when, manifest))

    def current(self) -> tuple[Finding, ...]:
        findings = [f for _, read in self.files for f in read]
        scans = [file_scan(path, read, _digest(path)) for path, read in self.files]
        return supersede(findings, scans, self.manifests)[0]

    def failing(self) -> set[str]:
        """The resources whose latest current result FAILs (what the verdict judges)."""
        return {f.resource_uid for f in latest_per_uid(self.current()) if f.status is Status.FAIL}

    def verdict(self, order: list[int]) -> tuple[str, tuple[str, ...]]:
        files = [self.files[i] for i in order]
        findings = [f for _, read in files for f in read]
        scans: list[FileScan] = [file_scan(path, read, _digest(path)) for path, read in files]
        current, superseded = supersede(findings, scans, list(reversed(self.manifests)))
        result = evaluate_entry(
            make_entry((S3_ENCRYPTION,)),
            (POAM_TARGET,),
            MAPPING,
            FindingsIndex(current, superseded),
            EvaluationSettings(as_of=AS_OF),
        )
        return result.verdict.value, tuple(sorted(rendered(result)))


def _sourced(finding: Finding, path: str) -> Finding:
    from dataclasses import replace

    return replace(finding, source_file=path)


def _manifest(number: int, when: object, kind: str) -> ScanManifest:
    started = when - timedelta(seconds=5)  # type: ignore[operator]
    succeeded = kind != "failed"
    args = {"complete": COMPLETE_ARGS, "filtered": (*COMPLETE_ARGS, *FILTERS[number % len(FILTERS)])}
    return ScanManifest(
        location=f"scans/{number}/scan-manifest.json",
        directory=f"scans/{number}/",
        provider="aws",
        account=ACCOUNT,
        regions=(REGION,),
        checks=(S3_ENCRYPTION,),
        prowler_version="5.46.0",
        exit_status=0 if succeeded else 1,
        succeeded=succeeded,
        started=started,
        ended=started + timedelta(seconds=30),
        prowler_args=args.get(kind),
        outputs=(("prowler-output.ocsf.json", _digest(f"scans/{number}/prowler-output.ocsf.json")),),
    )


def _digest(path: str) -> str:
    """A stand-in sha256 of a generated file, the same wherever it is asked for."""
    return hashlib.sha256(path.encode()).hexdigest()


@settings(max_examples=150, deadline=None)
@given(st.lists(scan_strategy, min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_the_order_scans_are_read_in_never_changes_the_verdict(scans: list, random: object) -> None:
    history = History(scans)
    order = list(range(len(scans)))
    shuffled = order[:]
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert history.verdict(order) == history.verdict(shuffled)


@settings(max_examples=150, deadline=None)
@given(st.lists(scan_strategy, min_size=1, max_size=4), scan_strategy)
def test_adding_an_older_scan_never_turns_not_met_into_met(scans: list, older: tuple) -> None:
    before = History(scans)
    oldest = max(minutes for minutes, _, _ in scans)
    with_older = History([*scans, (oldest + older[0], older[1], older[2])])
    verdict_before, _ = before.verdict(list(range(len(scans))))
    verdict_after, _ = with_older.verdict(list(range(len(scans) + 1)))
    assert not (verdict_before == "NOT_MET" and verdict_after == "MET")
    if verdict_before == "NOT_MET":
        assert verdict_after == "NOT_MET"


# A later scan that cannot prove it complete: no manifest, one without recorded arguments, or a filtered one.
unproven_manifest = st.sampled_from(["none", "succeeded", "filtered"])


@settings(max_examples=200, deadline=None)
@given(st.lists(scan_strategy, min_size=1, max_size=4), st.data(), unproven_manifest)
def test_a_filtered_later_scan_never_turns_not_met_into_met(
    scans: list, data: st.DataObject, manifest: str
) -> None:
    """A later scan reports any results it likes for the resources it shows, but leaves out one resource
    that FAILs now (a ``--status PASS``, ``--resource-arn`` or hand-trimmed file): without a manifest
    proving it complete, that FAIL is never taken as resolved."""
    before = History(scans)
    verdict_before, _ = before.verdict(list(range(len(scans))))
    failing = before.failing()
    if verdict_before != "NOT_MET":
        return
    hidden = data.draw(st.sampled_from(sorted(failing)))
    others = [r for r in RESOURCES if r != hidden]
    shown = data.draw(st.dictionaries(st.sampled_from(others), st.sampled_from([Status.PASS, Status.FAIL])))
    # Minute 0 is after every generated scan (they run 1 to 600 minutes before SCANNED).
    after = History([*scans, (0, shown, manifest)])
    verdict_after, reasons = after.verdict(list(range(len(scans) + 1)))
    assert verdict_after != "MET", reasons
    # The FAIL still stands (a later scan with no findings covers nothing), or is named as unproven.
    assert any(hidden in r for r in reasons), reasons
