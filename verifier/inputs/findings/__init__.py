"""Findings ingestion: read Prowler outputs (OCSF, CSV, ASFF, compliance CSV) into ``Finding`` records.

``load_findings`` (``load.py``) is the one entry point. Every record of every file must parse: one bad
record fails the whole load, because a FAIL skipped in silence could become a wrong MET. Files are read
on every core (``pool.py``), each hashed in the same pass that decodes it (``reading.py``), and merged in
input order.
"""

from __future__ import annotations

from verifier.inputs.findings.findings_set import FindingsSet, SourceFile, Tally
from verifier.inputs.findings.load import Progress, load_findings
from verifier.inputs.findings.reading import TYPED_FORMATS

__all__ = ["TYPED_FORMATS", "FindingsSet", "Progress", "SourceFile", "Tally", "load_findings"]
