"""Filled copies of the real FedRAMP and eMASS POA&M templates, built with openpyxl as a user would fill them."""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

TEMPLATES = Path(__file__).resolve().parents[1] / "fixtures" / "templates"
FEDRAMP = TEMPLATES / "FedRAMP-POAM-Template-v2.1.xlsx"
FEDRAMP_V3 = TEMPLATES / "FedRAMP-POAM-Template-v3.0.xlsx"
EMASS = TEMPLATES / "eMASS-POAM-Template.xlsm"

FEDRAMP_MILESTONES = (
    "(1) 2026-10-01: Enforce MFA for console users\n\n(2) 11/15/2026: Review the \nIAM report"
)


def filled_fedramp(directory: Path) -> Path:
    """The v2.1 template with items under its example row: serial and real dates, a multi-line milestone
    cell, several practices in one row, an 800-53-only row, an item merged over two rows, a closed item."""
    workbook = load_workbook(FEDRAMP)
    sheet = workbook["Open POA&M Items"]
    sheet["A3"], sheet["B3"] = "Ridgeline Avionics, Inc.", "Program Delta CUI Enclave"
    rows = {
        9: {
            "A": "POAM-1",
            "B": "AC.L2-3.1.1",
            "C": "MFA gap",
            "D": "Console users without MFA in the CUI account",
            "H": "Dana Smith, Cloud Security Lead",
            "I": "Budget: USD 1200; FTE: 0.1; Tooling: Prowler",
            "K": 46279,
            "M": FEDRAMP_MILESTONES,
            "P": "No",
        },
        10: {
            "A": "POAM-2",
            "B": "3.1.1, NIST SP 800-171 3.1.2",
            "D": "Shared admin role",
            "H": "Lee Park",
            "K": datetime(2026, 9, 14),
            "M": "(1) 2026-11-01: Split the role",
        },
        11: {"A": "POAM-3", "B": "AC-3", "D": "Access enforcement weakness", "H": "Lee Park"},
        12: {
            "A": "POAM-4",
            "B": "SC.L2-3.13.16",
            "D": "Unencrypted bucket",
            "H": "Dana Smith",
            "K": "09/14/2026",
            "M": "(1) 2026-10-20: Turn on default encryption",
        },
        13: {"M": "(2) 2026-11-10: Verify with Prowler"},
    }
    for row, cells in rows.items():
        for column, value in cells.items():
            sheet[f"{column}{row}"] = value
    sheet.merge_cells("A12:A13")
    sheet.merge_cells("D12:D13")
    closed = workbook["Closed POA&M Items"]
    for column, value in {
        "A": "POAM-0",
        "B": "NIST SP 800-171 3.5.3",
        "D": "Closed MFA item",
        "H": "Lee Park",
        "K": datetime(2026, 9, 14),
    }.items():
        closed[f"{column}6"] = value
    target = directory / "fedramp-filled.xlsx"
    workbook.save(target)
    return target


def filled_emass(directory: Path) -> Path:
    """The eMASS template's POA&M sheet filled: metadata, one item with continuation milestone rows, an
    800-53 control row, a completed item."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        workbook = load_workbook(EMASS, keep_vba=True)
    sheet = workbook["POA&M"]
    sheet["D4"], sheet["D5"] = "Ridgeline Avionics, Inc.", "Program Delta CUI Enclave"
    rows = {
        8: {
            "B": "EM-1",
            "C": "Console users without MFA",
            "D": "IA.L2-3.5.3",
            "E": "Ridgeline, Dana Smith, 555-0100, dana@example.com",
            "G": "Budget: USD 800",
            "H": datetime(2026, 11, 30),
            "I": "Enforce MFA 10/25/2026",
            "L": "Ongoing",
        },
        9: {"I": "Review the IAM report 11/05/2026"},
        10: {"I": "Completed 11/13/2026 Verify with Prowler"},
        11: {"B": "EM-2", "C": "Access enforcement", "D": "AC-3", "E": "Ridgeline, Lee Park", "L": "Ongoing"},
        12: {
            "B": "EM-3",
            "C": "Unencrypted bucket",
            "D": "3.13.16",
            "E": "Ridgeline, Lee Park",
            "I": "Turn on encryption 10/01/2026",
            "L": "Completed 11/13/2026",
        },
    }
    for row, cells in rows.items():
        for column, value in cells.items():
            sheet[f"{column}{row}"] = value
    target = directory / "emass-filled.xlsm"
    workbook.save(target)
    return target


def filled_fedramp_v3(directory: Path) -> Path:
    """The real v3.0 template filled as a user would: organisation and system on row 4 under their
    guidance row, items from row 9 (serial and real dates, a multi-line milestone cell, a Status Date as a
    serial), a row copying the template's example description, and a closed item on the Closed sheet (header A2)."""
    workbook = load_workbook(FEDRAMP_V3)
    sheet = workbook["Open POA&M Items"]
    sheet["B4"], sheet["C4"] = "Ridgeline Avionics, Inc.", "Program Delta CUI Enclave"
    rows = {
        9: {
            "B": "V3-1",
            "C": "SC.L2-3.13.16",
            "D": "Encryption at rest",
            "E": "Bucket without default encryption",
            "F": "Prowler",
            "I": "Dana Smith, Cloud Security Lead",
            "K": "(1) 2026-10-20: Turn on default encryption\n(2) 11/10/2026: Verify with\nProwler",
            "L": 46279,  # Original Detection Date, a serial: 2026-09-14
            "N": 46296,  # Status Date, a serial: 2026-10-01
        },
        10: {
            "B": "V3-2",
            "C": "3.5.3",
            "E": "Console users without MFA",
            "I": "Lee Park",
            "K": "(1) 2026-10-15: Enforce MFA",
            "L": datetime(2026, 9, 14),
            "N": datetime(2026, 10, 2),
        },
        # The example row's description copied under an id of its own.
        11: {"B": "V3-9", "C": "3.1.1", "E": sheet["E7"].value},
    }
    for row, cells in rows.items():
        for column, value in cells.items():
            sheet[f"{column}{row}"] = value
    closed = workbook["Closed POA&M Items"]
    for column, value in {"A": "V3-0", "B": "3.1.1", "D": "Shared admin role", "H": "Lee Park"}.items():
        closed[f"{column}3"] = value
    target = directory / "fedramp-v3-filled.xlsx"
    workbook.save(target)
    return target


def fedramp_v3(directory: Path) -> Path:
    """The FedRAMP v3.0 layout (not shipped here): header at B5 on the Open sheet, A2 on Closed, milestones
    inside "Remediation Plan"."""
    workbook = Workbook()
    open_sheet = workbook.active
    assert open_sheet is not None
    open_sheet.title = "Open POA&M Items"
    header = [
        "POAM ID",
        "Controls",
        "Weakness Name",
        "Weakness Description",
        "Weakness Detector Source",
        "Point of Contact",
        "Remediation Plan",
        "Original Detection Date",
        "Status Date",
    ]
    for column, text in enumerate(header, start=2):
        open_sheet.cell(row=5, column=column, value=text)
    for column, value in enumerate(
        [
            "V3-1",
            "3.13.16",
            "Encryption",
            "Bucket not encrypted",
            "Prowler",
            "Dana Smith",
            "(1) 2026-10-20: Encrypt\n(2) 2026-11-10: Verify",
            datetime(2026, 9, 14),
            datetime(2026, 10, 1),
        ],
        start=2,
    ):
        open_sheet.cell(row=6, column=column, value=value)
    closed = workbook.create_sheet("Closed POA&M Items")
    for column, text in enumerate(header, start=1):
        closed.cell(row=2, column=column, value=text)
    for column, value in enumerate(["V3-0", "3.5.3", "MFA", "Console MFA", "Prowler", "Lee Park"], start=1):
        closed.cell(row=3, column=column, value=value)
    target = directory / "fedramp-v3.xlsx"
    workbook.save(target)
    return target


def homemade_1904(directory: Path) -> Path:
    """A home-made sheet in the Mac 1904 date system, with serial numbers as dates and its own headers."""
    workbook = Workbook()
    workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Our CMMC gaps"])
    sheet.append(["Ref", "Req", "Gap", "Who", "Due", "Why", "Budget"])
    sheet.append(
        [
            "G-1",
            "3.13.16",
            "Bucket without encryption",
            "Dana Smith, Cloud Lead",
            44891,
            "No baseline",
            "Budget: USD 500",
        ]
    )
    sheet.append(["G-2", "AC.L2-3.1.1", "No MFA", "Lee Park", "TBD", "Legacy accounts", None])
    target = directory / "homemade.xlsx"
    workbook.save(target)
    return target
