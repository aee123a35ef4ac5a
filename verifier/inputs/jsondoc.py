"""Reading JSON documents the user hands us: strict UTF-8, no NaN, schema errors named by JSON pointer."""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import orjson

from verifier.errors import EnvError, InputError, SchemaError

# jsonschema is imported only to word a refusal: importing it costs more than a lint run's own work.
if TYPE_CHECKING:
    import jsonschema

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_bytes(path: Path, what: str) -> bytes:
    """Read a whole input file, turning OS errors into one-line messages."""
    if not path.exists():
        raise InputError(f"{what} not found: {path}")
    if path.is_dir():
        raise InputError(f"{what} is a directory, expected a file: {path}")
    require_regular_file(path, what)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EnvError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc


def require_regular_file(path: Path, what: str) -> None:
    """Refuse a FIFO, socket or device: reading one blocks until a writer appears, or never ends."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise EnvError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(mode):
        raise InputError(f"{what} {path} is not a regular file ({_file_kind(mode)}); pass the file itself")


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a plain file"


def utf16_hint(data: bytes) -> str:
    """ " (UTF-16 text: save it as UTF-8)" when ``data`` starts with a UTF-16 byte order mark, else ""."""
    return " (UTF-16 text: save it as UTF-8)" if data.startswith(_UTF16_BOMS) else ""


def parse_json(data: bytes, source: str) -> Any:
    """Parse JSON bytes; a UTF-8 BOM is tolerated, anything else that is not strict JSON is refused."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not UTF-8 text (bad byte at offset {exc.start}){utf16_hint(data)}"
        ) from exc
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(
            f"{source}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc
    _reject_duplicate_keys(text, source)
    return document


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _reject_duplicate_keys(text: str, source: str) -> None:
    """Parsers silently keep the last of two equal keys; a second ``checks`` or practice would hide the first."""
    try:
        json.loads(text, object_pairs_hook=_unique_pairs)
    except _DuplicateKeyError as exc:
        raise InputError(
            f"{source}: duplicate key {exc.key!r} in one JSON object (which value counts is ambiguous)"
        ) from exc
    except RecursionError:
        # orjson allows 1,024 levels; Python's own parser gives up near its recursion limit (1,000).
        raise InputError(f"{source}: JSON nested too deeply to be a POA&M or mapping") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``verifier/schemas``."""
    text = resources.files("verifier").joinpath(f"schemas/{name}").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(schema_name: str) -> jsonschema.Draft202012Validator:
    """One compiled validator per shipped schema for the life of the process."""
    import jsonschema

    return jsonschema.Draft202012Validator(
        schema(schema_name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@cache
def _fast_validator(schema_name: str) -> Any:
    """The same schema compiled by jsonschema-rs: a 10,000-entry POA&M in milliseconds, not seconds."""
    return jsonschema_rs.validator_for(schema(schema_name), validate_formats=True)


def validate(document: Any, schema_name: str, source: str) -> None:
    """Validate against a shipped schema; the first (most relevant) error is reported with its pointer.

    The compiled validator answers "valid?" for the common case. It is never the last word on a refusal:
    any document it refuses is judged again by ``jsonschema`` (whose best-match message we report), so a
    difference between the two (Python's ``$`` before a final newline, a format one checks and the other
    does not) can only cost time, never accept or refuse differently.
    """
    if _fast_validator(schema_name).is_valid(document):
        return
    from jsonschema.exceptions import best_match

    validator = _validator(schema_name)
    try:
        error = best_match(validator.iter_errors(document))
    except RecursionError:
        raise SchemaError(f"{source}: schema violation: JSON nested too deeply to validate") from None
    if error is not None:
        pointer = json_pointer(error.absolute_path)
        raise SchemaError(f"{source}: schema violation at {pointer}: {_short(error.message)}")


def json_pointer(parts: Iterable[str | int]) -> str:
    """An RFC 6901 pointer: ``~`` and ``/`` inside a key are escaped so the pointer names one place."""
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"
