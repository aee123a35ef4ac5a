"""Reading the resources a change's Terraform declares (python-hcl2), with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from verifier.inputs.terraform import read_declarations

POLICY = 'resource "aws_iam_account_password_policy" "strict" {\n  minimum_password_length = 14\n}\n'


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _found(root: Path) -> list[tuple[str, str, int]]:
    return [(r.address, r.file, r.line) for r in read_declarations(root).resources]


def test_resources_with_file_and_line_data_and_variables_are_not(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "main.tf",
        '# a\ndata "aws_iam_account_password_policy" "x" {}\nvariable "v" {}\n\n' + POLICY,
    )
    assert _found(tmp_path) == [("aws_iam_account_password_policy.strict", "main.tf", 5)]


def test_a_local_module_is_read_in_and_beside_the_directory(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "root/main.tf",
        'module "a" {\n  source = "./modules/a"\n}\nmodule "b" {\n  source = "../b"\n}\n',
    )
    _write(tmp_path, "root/modules/a/main.tf", POLICY)
    _write(tmp_path, "b/main.tf", 'resource "aws_kms_key" "k" {}\nmodule "back" {\n  source = "../root"\n}\n')
    assert _found(tmp_path / "root") == [
        ("aws_iam_account_password_policy.strict", "modules/a/main.tf", 1),
        ("aws_kms_key.k", "../b/main.tf", 1),
    ]


def test_remote_interpolated_and_tool_directory_modules_are_not_read(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "root/main.tf",
        'module "r" {\n  source = "git::https://example.invalid/m.git"\n}\n'
        'module "i" {\n  source = "../${var.where}"\n}\n',
    )
    _write(tmp_path, "root/.terraform/modules/r/main.tf", POLICY)
    _write(tmp_path, "${var.where}/main.tf", POLICY)
    assert _found(tmp_path / "root") == []


@pytest.mark.parametrize("meta", ["count = 0", "for_each = {}", "for_each = []", "for_each = toset([])"])
def test_a_resource_declared_zero_times_is_nothing_unless_unknown(tmp_path: Path, meta: str) -> None:
    _write(tmp_path, "main.tf", f'resource "aws_kms_key" "k" {{\n  {meta}\n}}\n')
    expected = [("aws_kms_key.k", "main.tf", 1)] if "toset" in meta else []  # a function call is not judged
    assert _found(tmp_path) == expected


def test_a_count_from_a_variable_still_declares(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", 'resource "aws_kms_key" "k" {\n  count = var.n\n}\n')
    assert _found(tmp_path) == [("aws_kms_key.k", "main.tf", 1)]


def test_terraform_json(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "main.tf.json",
        '{\n  "resource": {\n    "aws_kms_key": {\n      "k": {},\n      "off": {"count": 0}\n    }\n  }\n}\n',
    )
    assert _found(tmp_path) == [("aws_kms_key.k", "main.tf.json", 4)]


def test_an_unparsable_file_declares_nothing_and_is_named(tmp_path: Path) -> None:
    _write(tmp_path, "bad.tf", POLICY.replace("}", "{"))
    _write(tmp_path, "bad.tf.json", "[1,")
    _write(tmp_path, "good.tf", 'resource "aws_kms_key" "k" {}\n')
    declarations = read_declarations(tmp_path)
    assert declarations.unparsed == ("bad.tf", "bad.tf.json")
    assert [r.address for r in declarations.resources] == ["aws_kms_key.k"]


def test_not_a_directory_declares_nothing(tmp_path: Path) -> None:
    assert read_declarations(tmp_path / "absent").resources == ()
