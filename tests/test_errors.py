"""Exit codes are a contract pipelines rely on: pin them."""

from __future__ import annotations

from verifier.errors import (
    EnvError,
    ExitCode,
    FindingsFormatError,
    GateError,
    InputError,
    SchemaError,
    UsageError,
    VerifierError,
)


def test_exit_code_values_are_the_documented_contract() -> None:
    assert {c.name: int(c) for c in ExitCode} == {
        "OK": 0,
        "GATE": 1,
        "USAGE": 2,
        "INVALID_INPUT": 3,
        "ENVIRONMENT": 4,
        "INTERNAL": 5,  # an unexpected exception: a bug, never 1 (tests/cli/test_internal_error.py)
        "INTERRUPTED": 130,  # SIGINT: Ctrl-C or a cancelled CI job, never 1
    }


def test_every_error_class_maps_to_its_exit_code() -> None:
    expected = {
        InputError: ExitCode.INVALID_INPUT,
        SchemaError: ExitCode.INVALID_INPUT,
        FindingsFormatError: ExitCode.INVALID_INPUT,
        UsageError: ExitCode.USAGE,
        EnvError: ExitCode.ENVIRONMENT,
        GateError: ExitCode.GATE,
    }
    for error_class, code in expected.items():
        assert issubclass(error_class, VerifierError)
        assert error_class("x").exit_code is code
