"""Files no reader reads are refused for every ``--format`` with what to do instead, exit 3, no traceback."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.workbooks import HEADER_ARGS, poam_workbook
from verifier.cli import main
from verifier.inputs.poam_import.readers import read_source
from verifier.inputs.poam_import.rows import ImportFormat, PoamImportError, ReadOptions


def _zip(path: Path, names: tuple[str, ...]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return path


def _word(path: Path) -> Path:
    return _zip(path, ("[Content_Types].xml", "_rels/.rels", "word/document.xml"))


@pytest.mark.parametrize("source_format", [f.value for f in ImportFormat])
def test_a_word_document_is_refused_for_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source_format: str
) -> None:
    source = _word(tmp_path / "poam.docx")
    out = tmp_path / "p.json"
    code, error = _run(
        capsys, "import", str(source), "--format", source_format, "--out", str(out), *HEADER_ARGS
    )
    assert code == 3 and not out.exists()
    assert "Word documents are not read: save the POA&M table as .xlsx or .csv" in error
    assert "Traceback" not in error


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("poam.docx.xlsx", None, "Word documents are not read"),  # a Word file renamed
        ("poam.pdf", b"%PDF-1.7\n", "PDF files are not read"),
        ("poam.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "or a password-protected workbook"),
        ("poam.xlsb", ("[Content_Types].xml", "xl/workbook.bin"), "(.xlsb) are not read"),
        ("poam.ods", ("mimetype", "content.xml"), "OpenDocument files"),
        ("poam.zip", ("notes.txt",), "a zip archive that is not an .xlsx/.xlsm workbook"),
        ("poam.xlsx", b"PK\x03\x04 broken", "a damaged zip archive"),
        ("poam.xlsx", b"POAM ID,Controls\n", "not an .xlsx/.xlsm workbook (not a zip archive)"),
    ],
)
def test_files_no_reader_reads_say_what_to_do(
    tmp_path: Path, name: str, content: bytes | tuple[str, ...] | None, says: str
) -> None:
    path = tmp_path / name
    if content is None:
        _word(path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        _zip(path, content)
    for source_format in ImportFormat:
        if source_format in (ImportFormat.CSV, ImportFormat.OSCAL) and says.startswith("not an .xlsx"):
            continue  # text is the CSV or OSCAL reader's to judge
        with pytest.raises(PoamImportError, match=f"^{path}: .*{_escaped(says)}"):
            read_source(path, source_format, ReadOptions())


def test_a_workbook_is_never_read_as_csv_or_oscal(tmp_path: Path) -> None:
    source = poam_workbook(tmp_path / "poam.csv", [["P-1", "3.1.1", "gap", "Lee"]])
    for source_format in (ImportFormat.CSV, ImportFormat.OSCAL):
        with pytest.raises(PoamImportError, match="is an .xlsx/.xlsm workbook"):
            read_source(source, source_format, ReadOptions())
    # By content, auto reads it as the workbook it is, whatever its extension.
    assert len(read_source(source, ImportFormat.AUTO, ReadOptions()).rows) == 1


def _escaped(text: str) -> str:
    return re.escape(text)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``poam ARGS`` in-process: the exit code and what it printed on stderr."""
    argv, sys.argv = sys.argv, ["poam", *args]
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0), capsys.readouterr().err
    finally:
        sys.argv = argv
    return 0, capsys.readouterr().err
