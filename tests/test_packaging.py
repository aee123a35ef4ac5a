"""The built wheel works outside this repository: mappings inside, ``poam`` verifies the example elsewhere.

Builds the wheel and sdist (hatchling, no isolated build environment), installs the wheel into a fresh
virtual environment (its dependencies come from the package index, as a user's would), and runs the
installed ``poam`` from a directory that is not this repository.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

from tests.support.templates import fedramp_v3, filled_fedramp_v3

REPO = Path(__file__).resolve().parents[1]
SCAN = REPO / "examples" / "prowler-output"
AS_OF = (SCAN / "recorded-on.txt").read_text(encoding="utf-8").strip()

pytestmark = pytest.mark.packaging


def _run(argv: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    # Nothing of this checkout may leak into the installed tool's environment.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)], cwd=out)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``poam`` executable of a fresh venv with only the built wheel (and its dependencies) installed."""
    venv = tmp_path_factory.mktemp("venv")
    assert _run([sys.executable, "-m", "venv", str(venv)], cwd=venv).returncode == 0
    (wheel,) = dist.glob("*.whl")
    done = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=venv)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return venv / "bin" / "poam"


@pytest.fixture()
def elsewhere(tmp_path: Path) -> Path:
    """A compliance repository of one POA&M, nowhere near this checkout."""
    shutil.copyfile(REPO / "poam.json", tmp_path / "poam.json")
    return tmp_path


def test_the_wheel_carries_the_mappings_schemas_and_catalog(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("mappings/cmmc-l2-aws.json", "mappings/cmmc-l2-iac.json"):
        assert f"verifier/{shipped}" in names
        assert zipfile.ZipFile(wheel).read(f"verifier/{shipped}") == (REPO / shipped).read_bytes()
    assert {
        "verifier/schemas/poam.schema.json",
        "verifier/data/practices.csv",
        "verifier/templates/init/workflows/poam-verify.yml",
        "verifier/templates/init/pre-commit-config.yaml",
        "verifier/templates/init/README.md",
    } <= names
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    assert {"mappings/cmmc-l2-aws.json", "pyproject.toml", "verifier/cli/app.py"} <= members


def _wheel_version(dist: Path) -> str:
    (wheel,) = dist.glob("*.whl")
    return wheel.name.split("-")[1]


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)


def test_the_installed_poam_says_the_version_git_gave_the_build(
    installed: Path, dist: Path, elsewhere: Path
) -> None:
    version = _wheel_version(dist)
    done = _run([str(installed), "--version"], cwd=elsewhere)
    assert done.returncode == 0 and done.stdout.strip() == f"poam-verifier {version}"
    assert str(Version(version)) == version  # PEP 440, in its normal form
    tag = _git("describe", "--tags", "--exact-match", "--match", "v[0-9]*", "HEAD")
    clean = _git("status", "--porcelain", "--untracked-files=no").stdout == ""
    if tag.returncode == 0 and clean:
        assert version == tag.stdout.strip().removeprefix("v")
    else:  # any other commit: a development version naming the commit, never a release's number
        head = _git("rev-parse", "--short=7", "HEAD").stdout.strip()
        assert Version(version).is_devrelease and f"g{head}" in version, version


def test_an_archive_without_git_metadata_builds_the_fallback_development_version(tmp_path: Path) -> None:
    """A GitHub "Download ZIP" has no .git: it still builds, as 0.1.dev0, which init refuses to pin."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD"], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tmp_path / "src", filter="data")
    out = tmp_path / "out"
    done = _run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out), "src"], tmp_path
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert _wheel_version(out) == "0.1.dev0"
    (wheel,) = out.glob("*.whl")
    assert (
        "__version__ = version = '0.1.dev0'" in zipfile.ZipFile(wheel).read("verifier/_version.py").decode()
    )


def test_mapping_check_uses_the_packaged_mapping_and_says_so(installed: Path, elsewhere: Path) -> None:
    done = _run([str(installed), "mapping", "check", "--offline"], cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert "cmmc-l2-aws.json shipped with poam-verifier" in done.stderr
    assert str(installed.parents[1]) in done.stderr  # inside the venv, not this checkout
    # The same counts as the checkout's mapping: the packaged copy is the shipped one.
    assert "62 of 110 practices have a check on at least one provider" in done.stdout
    assert "aws 55/106" in done.stdout


def test_a_local_mappings_directory_wins_over_the_packaged_one(installed: Path, elsewhere: Path) -> None:
    (elsewhere / "mappings").mkdir()
    shutil.copyfile(REPO / "mappings" / "cmmc-l2-aws.json", elsewhere / "mappings" / "cmmc-l2-aws.json")
    done = _run([str(installed), "mapping", "check", "--offline"], cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert "mapping: mappings/cmmc-l2-aws.json (found in the working directory)" in done.stderr


def test_lint_runs_from_another_directory(installed: Path, elsewhere: Path) -> None:
    done = _run([str(installed), "lint", "--as-of", "2026-11-25", "--format", "json"], cwd=elsewhere)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == {"problems": []}


def test_verify_runs_on_the_example_from_another_directory(installed: Path, elsewhere: Path) -> None:
    done = _run(
        [str(installed), "verify", "--findings", str(SCAN), "--as-of", AS_OF, "--out", "out"], cwd=elsewhere
    )
    assert done.returncode == 0, done.stdout + done.stderr
    verification = json.loads((elsewhere / "out" / "verification.json").read_text(encoding="utf-8"))
    # The mapping shipped inside the installed package, recorded by its name there (not a machine path).
    assert verification["inputs"]["mapping"]["path"] == "poam-verifier:mappings/cmmc-l2-aws.json"
    verdicts = {e["verdict"] for e in verification["entries"]}
    assert verdicts == {"MET", "NOT_MET", "NOT_VERIFIED"}
    assert (elsewhere / "out" / "evidence.zip").is_file()


def test_init_then_import_run_from_the_installed_wheel(installed: Path, dist: Path, tmp_path: Path) -> None:
    header = ["--organization", "Ridgeline", "--system", "Delta", "--assessment-date", "2026-09-14"]
    header += ["--account", "123456789012"]
    if Version(_wheel_version(dist)).is_devrelease:
        # A development build refuses to pin itself as a release nobody published, and writes nothing.
        done = _run([str(installed), "init", ".", *header], cwd=tmp_path)
        assert done.returncode == 2 and "--install" in done.stderr and not any(tmp_path.iterdir()), (
            done.stderr
        )
    pin = ["--install", "poam-verifier @ git+https://github.com/acme/poam-verifier@v0.1.0"]
    done = _run([str(installed), "init", ".", *header, *pin], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "install poam-verifier @ git+https://github.com/acme/poam-verifier@v0.1.0" in done.stderr
    assert (tmp_path / ".github" / "workflows" / "poam-verify.yml").is_file()
    source = fedramp_v3(tmp_path)
    done = _run(
        [str(installed), "import", str(source), "--merge", "poam.json", "--report", "json"], cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["merge"]["added"] == ["V3-1", "V3-0"]


def test_the_installed_poam_imports_the_filled_fedramp_v3_template(installed: Path, tmp_path: Path) -> None:
    """The real v3.0 template: the filled rows only (no guidance or example rows), organisation and system from
    the sheet, no header option given."""
    source = filled_fedramp_v3(tmp_path)
    done = _run(
        [
            str(installed),
            "import",
            str(source),
            "--out",
            "poam.json",
            "--assessment-date",
            "2026-09-14",
            "--account",
            "123456789012",
            "--report",
            "json",
        ],
        cwd=tmp_path,
    )
    written = json.loads((tmp_path / "poam.json").read_text(encoding="utf-8"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (written["organization"], written["system"]) == (
        "Ridgeline Avionics, Inc.",
        "Program Delta CUI Enclave",
    )
    assert sorted(e["id"] for e in written["entries"]) == ["V3-0", "V3-1", "V3-2"]
