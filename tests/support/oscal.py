"""NIST's OSCAL JSON schemas (``tests/fixtures/oscal``) as validators for the exports.

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

from verifier.choices import ExportFormat

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "oscal"
SCHEMA_FILES = {
    ExportFormat.OSCAL: "oscal_poam_schema_1.2.1.json",
    ExportFormat.OSCAL_AR: "oscal_assessment-results_schema_1.2.3.json",
    ExportFormat.OSCAL_CD: "oscal_component-definition_schema_1.2.3.json",
}
ASSESSMENT_RESULTS_SCHEMA = SCHEMA_FILES[ExportFormat.OSCAL_AR]


def _regex_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    # Same contract as jsonschema's own ``pattern`` keyword, with a regex engine that knows \p{L}.
    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


OscalValidator = validators.extend(Draft7Validator, {"pattern": _regex_pattern})


@cache
def schema_validator(schema_file: str) -> Validator:
    """A validator of NIST's OSCAL JSON schema ``schema_file`` (built once per process)."""
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
    return OscalValidator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def oscal_validator(export_format: ExportFormat) -> Validator:
    """The validator of ``export_format``'s NIST schema (built once per process)."""
    return schema_validator(SCHEMA_FILES[export_format])


def schema_errors(document: Any, schema_file: str) -> list[str]:
    """The first ten errors of ``document`` against the schema, each with its path (empty: valid)."""
    errors = sorted(schema_validator(schema_file).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]]


def assert_valid_oscal(document: Any, export_format: ExportFormat) -> None:
    """Fail with the first ten schema errors of ``document``, each at its JSON path."""
    messages = schema_errors(document, SCHEMA_FILES[export_format])
    assert not messages, "\n".join(messages)
