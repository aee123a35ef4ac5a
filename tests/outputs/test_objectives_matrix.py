"""The entry × 800-171A objective matrix in the HTML report and the XLSX export: each objective's verdict
and basis, its evidence and reasons, every value escaped or neutralised like any other user text."""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.objectives import with_objectives, without_objectives
from verifier.catalog import objectives_by_id
from verifier.model import Basis, ObjectiveResult, Reason, ReasonCode, Verdict
from verifier.outputs import html_report, spreadsheet
from verifier.outputs.run import VerificationRun
from verifier.pipeline.verify import VerifyOptions, build_run

REPO = Path(__file__).resolve().parents[2]
RECORDED_ON = date.fromisoformat(
    (REPO / "examples" / "prowler-output" / "recorded-on.txt").read_text().strip()
)
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
SCRIPT = '<script>alert("pwned")</script>'
FORMULA = '=HYPERLINK("http://evil.invalid","open me")'


@pytest.fixture(scope="module")
def plain() -> VerificationRun:
    options = VerifyOptions(
        poam=Path("poam.json"),
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=(Path("examples/prowler-output"),),
        out=Path("unused"),
        as_of=RECORDED_ON,
    )
    with contextlib.chdir(REPO):
        run = build_run(options, lambda: FIXED_CLOCK, None)
    return without_objectives(run)  # as if its entries had not been judged per objective


@pytest.fixture(scope="module")
def judged(plain: VerificationRun) -> VerificationRun:
    return with_objectives(plain)


@pytest.fixture(scope="module")
def hostile(judged: VerificationRun) -> VerificationRun:
    """POAM-008's first objective is attested by a statement that is a script tag and a formula."""
    first = judged.results[-1]
    attested = ObjectiveResult(
        first.objectives[0].objective_id,
        Verdict.MET,
        Basis.ATTESTATION,
        (Reason(ReasonCode.ATTESTED, {"attestation": SCRIPT}),),
        attestations=(FORMULA, SCRIPT),
    )
    changed = replace(first, objectives=(attested, *first.objectives[1:]))
    return replace(judged, results=(*judged.results[:-1], changed))


class _Cells(HTMLParser):
    """The text of each cell of each row of the objectives table, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self._in_objectives = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "table":
            self._in_objectives = ("class", "objectives") in attrs
        elif self._in_objectives and tag == "tr" and ("class", "objective") in attrs:
            self.rows.append([])
        elif self._in_objectives and tag == "td" and self.rows:
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_objectives = False

    def handle_data(self, data: str) -> None:
        if self._in_objectives and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def _page(run: VerificationRun) -> str:
    return html_report.render_html(run).decode("utf-8")


def _cells(run: VerificationRun) -> _Cells:
    parser = _Cells()
    parser.feed(_page(run))
    return parser


# --- HTML --------------------------------------------------------------------------------------------


def test_a_page_without_objectives_has_no_objectives_section(plain: VerificationRun) -> None:
    page = _page(plain)
    assert "Objectives (NIST SP 800-171A)" not in page
    assert 'class="objectives"' not in page


def test_the_page_has_one_row_per_objective_with_verdict_and_basis(judged: VerificationRun) -> None:
    rows = _cells(judged).rows
    objectives = [(r, o) for r in judged.results for o in r.objectives]
    assert len(rows) == len(objectives)
    for cells, (result, objective) in zip(rows, objectives, strict=True):
        if objective is result.objectives[0]:  # the entry's cell spans its objectives' rows
            assert cells[0] == f"{result.entry_id}{result.practice_id}"
            cells = cells[1:]
        text = objectives_by_id()[objective.objective_id].text
        assert cells[:3] == [
            f"{objective.objective_id}{text}",
            objective.verdict.value,
            objective.basis.value,
        ]


def test_the_entry_cell_spans_its_objectives(judged: VerificationRun) -> None:
    page = _page(judged)
    first = judged.results[0]
    assert f'<td rowspan="{len(first.objectives)}"><strong>{first.entry_id}</strong>' in page


def test_an_objectives_evidence_names_its_checks_and_attestations(judged: VerificationRun) -> None:
    rows = _cells(judged).rows
    assert rows[0][4] == "cloudtrail_kms_encryption_enabled"  # POAM-001, 3.3.8[a]: entry cell first
    attested = next(cells for cells in rows if cells[-3] == "attestation")
    assert attested[-2].startswith("attested: ")
    assert next(cells for cells in rows if cells[-3] == "none")[-2] == "none"


def test_objective_text_is_escaped(hostile: VerificationRun) -> None:
    page = _page(hostile)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert "script" not in _cells(hostile).tags


# --- XLSX --------------------------------------------------------------------------------------------


def _sheets(run: VerificationRun) -> dict[str, list[list[str]]]:
    workbook = load_workbook(io.BytesIO(spreadsheet.render_xlsx(run)))
    return {
        sheet.title: [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def test_a_workbook_without_objectives_has_no_objectives_sheet(plain: VerificationRun) -> None:
    assert list(_sheets(plain)) == [spreadsheet.OPEN_SHEET, spreadsheet.CLOSED_SHEET]


def test_the_objectives_sheet_has_one_row_per_objective(judged: VerificationRun) -> None:
    sheets = _sheets(judged)
    assert list(sheets) == [spreadsheet.OPEN_SHEET, spreadsheet.CLOSED_SHEET, spreadsheet.OBJECTIVES_SHEET]
    header, *rows = sheets[spreadsheet.OBJECTIVES_SHEET]
    assert header == [name for name, _ in spreadsheet.OBJECTIVE_COLUMN_WIDTHS]
    expected = [(r.entry_id, o) for r in judged.results for o in r.objectives]
    assert [(row[0], row[2], row[4], row[5]) for row in rows] == [
        (entry_id, o.objective_id, o.verdict.value, o.basis.value) for entry_id, o in expected
    ]
    first = rows[0]
    assert first[1] == "AU.L2-3.3.8" and first[3] == objectives_by_id()["3.3.8[a]"].text
    assert first[6] == "cloudtrail_kms_encryption_enabled"
    assert first[8].startswith("3.3.8[a]: cloudtrail_kms_encryption_enabled: FAIL on 1 resource(s)")


def test_formula_like_objective_text_is_a_quoted_string_cell(hostile: VerificationRun) -> None:
    workbook = load_workbook(io.BytesIO(spreadsheet.render_xlsx(hostile)))
    sheet = workbook[spreadsheet.OBJECTIVES_SHEET]
    cell = next(c for row in sheet.iter_rows(min_row=2) for c in row if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value == f"{FORMULA}\n{SCRIPT}"


def test_the_csv_has_no_objective_results(plain: VerificationRun, judged: VerificationRun) -> None:
    # One table of entries: only the entry file's digest changes (the file now lists its objectives). Its
    # Objectives column is what the POA&M names, not what was judged, so it is the same in both.
    digest = spreadsheet.COLUMNS.index("Evidence SHA-256")

    def rows(run: VerificationRun) -> list[list[str]]:
        text = spreadsheet.render_csv(run).decode("utf-8-sig")
        return [row[:digest] + row[digest + 1 :] for row in csv.reader(io.StringIO(text, newline=""))]

    assert rows(judged) == rows(plain)
