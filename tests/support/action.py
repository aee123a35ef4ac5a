"""The composite action (``action.yml``) and a runner's files, so tests can run its step scripts as GitHub does."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

ACTION = Path(__file__).resolve().parents[2] / "action.yml"


def action_document() -> dict[str, Any]:
    """``action.yml`` as YAML."""
    return dict(yaml.safe_load(ACTION.read_text(encoding="utf-8")))


def action_step(name: str) -> dict[str, Any]:
    """The one step of the action called ``name``."""
    (step,) = [s for s in action_document()["runs"]["steps"] if s["name"] == name]
    return dict(step)


class Runner:
    """The files and environment a GitHub runner gives a composite action's step."""

    def __init__(self, root: Path) -> None:
        self.work = root / "work"
        self.temp = root / "runner-temp"
        self.output = root / "github-output"
        self.summary = root / "step-summary"
        self.work.mkdir()
        self.temp.mkdir()
        self.output.touch()
        self.summary.touch()

    def run(
        self, name: str, inputs: dict[str, str], path: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": path or os.environ["PATH"],
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            **inputs,
        }
        # GitHub runs a composite step's bash as `bash --noprofile --norc -eo pipefail {0}`.
        return subprocess.run(  # noqa: S603 - fixed argv
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", action_step(name)["run"]],
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)


def action_inputs(**given: str) -> dict[str, str]:
    """The Run step's env as the action maps its inputs (defaults from action.yml)."""
    env = action_step("Run poam")["env"]
    defaults = {name: str(spec.get("default", "")) for name, spec in action_document()["inputs"].items()}
    values = {**defaults, **{k.replace("_", "-"): v for k, v in given.items()}}
    return {var: values[expr.split("inputs.")[1].rstrip(" }")] for var, expr in env.items()}
