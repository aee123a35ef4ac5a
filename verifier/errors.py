"""One error hierarchy for the whole verifier, caught once at the top of the CLI.

Every error carries a one-line, user-facing message and the exit code the process ends with.
Layers raise their own subclass; nothing below ``verifier.cli`` prints or exits.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Process exit codes, the contract a pipeline relies on."""

    OK = 0
    GATE = 1
    USAGE = 2
    INVALID_INPUT = 3
    ENVIRONMENT = 4
    # An unexpected exception: a bug. Never 1, which a pipeline reads as "a gate was hit, outputs written".
    INTERNAL = 5
    # Ctrl-C, or a CI runner cancelling the job (GitHub Actions sends SIGINT first): 128 + SIGINT, as shells do.
    INTERRUPTED = 130


class VerifierError(Exception):
    """Base error: ``message`` is shown to the user as one line; ``exit_code`` ends the process."""

    exit_code: ExitCode = ExitCode.ENVIRONMENT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(VerifierError):
    """An input (POA&M, mapping, findings) is invalid: nothing is written, inputs stay untouched."""

    exit_code = ExitCode.INVALID_INPUT


class SchemaError(InputError):
    """A document failed its JSON Schema; the message names the file and the JSON pointer."""


class FindingsFormatError(InputError):
    """A findings file is not a Prowler output the verifier can read."""


class UsageError(VerifierError):
    """The command line asks for something that makes no sense."""

    exit_code = ExitCode.USAGE


class EnvError(VerifierError):
    """The environment failed us: a missing tool, an unreadable path, an I/O or cloud error."""

    exit_code = ExitCode.ENVIRONMENT


class GateError(VerifierError):
    """A ``--fail-on`` gate was hit; outputs were written before this is raised."""

    exit_code = ExitCode.GATE


class BundleInvalid(VerifierError):
    """An evidence bundle fails a check; the message names the file. Exit 1, like a gate."""

    exit_code = ExitCode.GATE
