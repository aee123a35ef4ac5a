"""The DoD eMASS POA&M template/export: header on row 7, one milestone per continuation row.

Office/Org is "Organization, First Last, Phone, Email" (the template's instructions): the person is the
owner and the organization their role. Security Control Number holds NIST SP 800-53 controls (AC-3),
which are not CMMC practices: such rows stay unresolved unless they name a practice.
"""

from __future__ import annotations

from dataclasses import replace

from verifier.inputs.poam_import.rows import Field, SourceDocument, SourceRow
from verifier.inputs.poam_import.table import as_text

# Header texts only eMASS has (normalised), for --format auto.
MARKERS = frozenset({"poa&m item id", "control vulnerability description", "office/org"})


def owners_first(document: SourceDocument) -> SourceDocument:
    """Every row's Office/Org as "First Last, Organization", the original kept as a source column."""
    return replace(document, rows=tuple(_owner_first(r) for r in document.rows))


def _owner_first(row: SourceRow) -> SourceRow:
    office = row.cells.get(Field.OWNER)
    parts = [p.strip() for p in as_text(office).split(",")]
    if len(parts) < 2 or not parts[1]:
        return row
    cells = dict(row.cells)
    cells[Field.OWNER] = f"{parts[1]}, {parts[0]}"
    return replace(row, cells=cells, source_columns={**row.source_columns, "Office/Org": as_text(office)})
