"""The choices a command line offers, defined once where every layer can use them.

They live at the bottom of the import graph so that ``poam --help`` can describe its options without
importing the layers that act on them (start-up stays fast enough for a pre-commit hook).
"""

from __future__ import annotations

import enum


class FailOn(enum.StrEnum):
    """Verdict gates for ``--fail-on``: exit 1 after writing outputs when hit."""

    NOT_MET = "not-met"
    NOT_VERIFIED = "not-verified"
    REGRESSION = "regression"
    LINT_ERROR = "lint-error"
    INELIGIBLE = "ineligible"


class ExportFormat(enum.StrEnum):
    """The formats ``poam export --format`` writes."""

    OSCAL = "oscal"  # OSCAL plan-of-action-and-milestones
    OSCAL_AR = "oscal-ar"  # OSCAL assessment-results
    OSCAL_CD = "oscal-cd"  # OSCAL component-definition of the practice → check mapping
    XLSX = "xlsx"  # POA&M workbook: "Open" and "Closed" sheets, eMASS/FedRAMP-style columns
    CSV = "csv"  # the same columns, every entry, UTF-8 with a BOM
    HTML = "html"  # one self-contained page: score, countdown, verdicts, MET streaks


class IacFailOn(enum.StrEnum):
    """The ``poam iac`` gate: exit 1 when the change introduces a FAIL the base did not have."""

    NEVER = "never"
    REGRESSION = "regression"
