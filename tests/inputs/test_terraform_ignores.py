"""Reading ``trivy:ignore`` / ``tfsec:ignore`` comments out of Terraform."""

from __future__ import annotations

from pathlib import Path

from verifier.inputs.terraform_ignores import InlineIgnore, read_inline_ignores


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_every_comment_style_with_file_and_line(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "main.tf",
        'resource "aws_s3_bucket" "a" {}\n'
        "#trivy:ignore:AVD-AWS-0088\n"
        "# tfsec:ignore:aws-s3-enable-bucket-logging:exp:2026-12-31\n"
        "  // trivy:ignore:*\n"
        'bucket = "x" # trivy:ignore:AVD-AWS-0089 and some prose\n',
    )
    _write(tmp_path, "modules/kms/main.tf", "#trivy:ignore:AVD-AWS-0065:ws:prod\n")
    assert read_inline_ignores(tmp_path) == (
        InlineIgnore("AVD-AWS-0088", "main.tf", 2),
        InlineIgnore("aws-s3-enable-bucket-logging", "main.tf", 3, ":exp:2026-12-31"),
        InlineIgnore("*", "main.tf", 4),
        InlineIgnore("AVD-AWS-0089", "main.tf", 5),
        InlineIgnore("AVD-AWS-0065", "modules/kms/main.tf", 1, ":ws:prod"),
    )


def test_only_terraform_files_outside_tool_directories(tmp_path: Path) -> None:
    _write(tmp_path, "README.md", "#trivy:ignore:AVD-AWS-0088\n")
    _write(tmp_path, ".terraform/modules/x/main.tf", "#trivy:ignore:AVD-AWS-0088\n")
    _write(tmp_path, "prod.tfvars", "#trivy:ignore:AVD-AWS-0015\n")
    assert read_inline_ignores(tmp_path) == (InlineIgnore("AVD-AWS-0015", "prod.tfvars", 1),)


def test_no_directory_no_ignores(tmp_path: Path) -> None:
    assert read_inline_ignores(tmp_path / "recorded.ocsf.json") == ()


def test_matching_is_by_avd_or_long_id_case_insensitively() -> None:
    ignore = InlineIgnore("aws-s3-enable-bucket-encryption", "main.tf", 1)
    assert ignore.hides("AVD-AWS-0088", "AWS-S3-Enable-Bucket-Encryption")
    assert not ignore.hides("AVD-AWS-0089", "aws-s3-enable-bucket-logging")
    assert InlineIgnore("*", "main.tf", 1).hides("AVD-AWS-0001", "anything")


def test_an_ignore_in_a_local_module_beside_the_scanned_directory(tmp_path: Path) -> None:
    """Trivy follows ``source = "../shared"`` out of its scan path; an ignore there hides a check too."""
    _write(tmp_path, "root/main.tf", 'module "iam" {\n  source = "../shared"\n}\n')
    _write(tmp_path, "shared/main.tf", "#trivy:ignore:AVD-AWS-0063\n")
    assert read_inline_ignores(tmp_path / "root") == (InlineIgnore("AVD-AWS-0063", "../shared/main.tf", 1),)
