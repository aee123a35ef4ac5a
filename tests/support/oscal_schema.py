"""NIST's OSCAL JSON schemas as validators, and compliance-trestle's models, for the OSCAL export tests.

The schemas' token patterns use ``\\p{L}``, which Python's ``re`` rejects, so the validator's ``pattern``
keyword is backed by the ``regex`` module: every pattern is checked, none skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import regex
from jsonschema import Draft7Validator, ValidationError, validators
from jsonschema.protocols import Validator

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "oscal"
ASSESSMENT_RESULTS_SCHEMA = "oscal_assessment-results_schema_1.2.3.json"


def _regex_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    # Same contract as jsonschema's own ``pattern`` keyword, with a regex engine that knows \p{L}.
    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


OscalValidator = validators.extend(Draft7Validator, {"pattern": _regex_pattern})


@cache
def oscal_validator(schema_file: str) -> Validator:
    """A validator of NIST's OSCAL JSON schema ``schema_file`` (under ``tests/fixtures/oscal``)."""
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
    return OscalValidator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def schema_errors(document: Any, schema_file: str) -> list[str]:
    """The first ten errors of ``document`` against the schema, each with its path (empty: valid)."""
    errors = sorted(oscal_validator(schema_file).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]]
