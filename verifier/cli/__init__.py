"""The ``poam`` command line. Thin: parse options into a frozen object, call one function, render.

Errors are caught once, in ``main``: one line on stderr and the exit code from ``ExitCode``. Importing the
command modules registers their commands on ``app``.
"""

from __future__ import annotations

# The import order is the order `poam --help` lists the commands in.
from verifier.cli import verify  # noqa: F401 - registers verify, scan, export

# isort: split
from verifier.cli import review  # noqa: F401 - registers score, lint, timeline

# isort: split
from verifier.cli import objectives  # noqa: F401 - registers objectives

# isort: split
from verifier.cli import attest  # noqa: F401 - registers attest, keygen

# isort: split
from verifier.cli import affirm  # noqa: F401 - registers affirm

# isort: split
from verifier.cli import bundle  # noqa: F401 - registers bundle verify

# isort: split
from verifier.cli import closeout  # noqa: F401 - registers closeout, closeout verify

# isort: split
from verifier.cli import history  # noqa: F401 - registers history

# isort: split
from verifier.cli import mapping  # noqa: F401 - registers mapping sync|check

# isort: split
from verifier.cli import iac  # noqa: F401 - registers iac

# isort: split
from verifier.cli import migrate  # noqa: F401 - registers migrate

# isort: split
from verifier.cli import onboarding, poam_import  # noqa: F401 - registers init, import

# isort: split
from verifier.cli.app import app, main

__all__ = ["app", "main"]
