"""The exact JSON text of chosen findings, read again from where they lie in their source files.

A finding read from a JSON array knows where its element lies (``Finding.location``: byte offset and
length in the file as read, decompressed). The evidence bundle quotes the Prowler JSON of the findings
that decide verdicts; holding every finding's full text through a run of a million findings would cost
gigabytes, so only the chosen ones are read again here, after evaluation.

Every text read again is decoded by its format's own reader and must give back the very finding the
run judged: a file changed since it was read fails the run (``EnvError``) rather than put bytes in the
evidence that decided nothing. Sources this machine cannot simply read again (an S3 object, a member of
a zip) are named with the reason; their findings keep their digest-pinned record in the entry files.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from verifier.errors import EnvError, FindingsFormatError
from verifier.inputs.findings import TYPED_FORMATS
from verifier.inputs.findings.blob import gunzip
from verifier.inputs.findings.discover import is_gzip
from verifier.inputs.findings.elements import leading_spans
from verifier.inputs.findings.findings_set import SourceFile
from verifier.inputs.findings.normalize import NotStreamable
from verifier.inputs.findings.s3 import is_s3_url
from verifier.inputs.jsondoc import sha256_hex
from verifier.model import Finding

Located = tuple[int, int, int]
"""``Finding.location``: the run of elements a finding was decoded in (byte offset, length) and its index there."""


@dataclass(frozen=True, slots=True)
class Excerpt:
    """One element's exact text and where it starts in its source (decompressed)."""

    offset: int
    text: bytes


@dataclass(frozen=True, slots=True)
class Excerpts:
    """Source path → each chosen finding's element by its location; and why a source was not read again."""

    texts: Mapping[str, Mapping[Located, Excerpt]] = field(default_factory=dict)
    not_read: Mapping[str, str] = field(default_factory=dict)


def read_excerpts(findings: Iterable[Finding], files: Sequence[SourceFile]) -> Excerpts:
    """The exact JSON text of each of ``findings`` that has a location, by source, in stream order.

    Each run holding a chosen finding is read once and walked exactly to its elements. Raises
    ``EnvError`` when a source no longer holds the finding at its location (changed since it was read)
    or cannot be read again.
    """
    wanted: dict[str, dict[Located, Finding]] = defaultdict(dict)
    for finding in findings:
        if finding.location is not None:
            wanted[finding.source_file][finding.location] = finding
    by_path = {source.path: source for source in files}
    texts: dict[str, dict[Located, Excerpt]] = {}
    not_read: dict[str, str] = {}
    for path in sorted(wanted):
        source = by_path[path]
        reason = _why_not_read(source)
        if reason:
            not_read[path] = reason
            continue
        chosen = dict(sorted(wanted[path].items()))
        texts[path] = _checked(source, chosen, _read_elements(source, list(chosen)))
    return Excerpts(texts, not_read)


def _why_not_read(source: SourceFile) -> str:
    if source.container is not None:
        return "a member of a zip: not read again (the zip's digest pins it)"
    if is_s3_url(source.path):
        return "an S3 object: not fetched again (its digest pins it)"
    if source.format not in TYPED_FORMATS:
        return f"{source.format}: no JSON text per finding"
    if not Path(source.path).is_file():
        return "not a file on this machine now"
    return ""


def _read_elements(source: SourceFile, locations: Sequence[Located]) -> list[Excerpt]:
    """Each located element, from its run read again: one run at a time, walked only as far as needed."""
    wanted: dict[tuple[int, int], list[int]] = defaultdict(list)
    for offset, length, index in locations:
        wanted[(offset, length)].append(index)
    found: dict[Located, Excerpt] = {}
    try:
        for (offset, length), text in _runs(source, sorted(wanted)):
            indices = wanted[(offset, length)]
            spans = leading_spans(text, max(indices))
            for index in indices:
                if index >= len(spans):
                    raise EnvError(_changed(source.path, f"the run at byte {offset} holds fewer elements"))
                start, end = spans[index]
                found[(offset, length, index)] = Excerpt(offset + start, text[start:end])
    except NotStreamable as exc:
        raise EnvError(_changed(source.path, "a run of elements no longer parses")) from exc
    except FindingsFormatError as exc:
        raise EnvError(_changed(source.path, exc.message)) from exc
    except OSError as exc:
        raise EnvError(
            f"{source.path}: cannot read it again for the evidence: {exc.strerror or exc}"
        ) from exc
    return [found[location] for location in locations]


def _runs(source: SourceFile, runs: Sequence[tuple[int, int]]) -> Iterator[tuple[tuple[int, int], bytes]]:
    """The bytes of each run, in order; only one is held at a time for a plain file."""
    path = Path(source.path)
    if not is_gzip(path):
        with path.open("rb") as handle:
            for offset, length in runs:
                yield (offset, length), os.pread(handle.fileno(), length, offset)
        return
    raw = path.read_bytes()
    if sha256_hex(raw) != source.sha256:
        raise EnvError(_changed(source.path, "its digest differs"))
    data = gunzip(raw, source.path)
    for offset, length in runs:
        yield (offset, length), data[offset : offset + length]


def _checked(
    source: SourceFile, chosen: Mapping[Located, Finding], excerpts: Sequence[Excerpt]
) -> dict[Located, Excerpt]:
    """Each excerpt, proven to be its finding's own element by reading it again with the format's reader."""
    judge = TYPED_FORMATS[source.format].judge
    checked: dict[Located, Excerpt] = {}
    for (location, finding), excerpt in zip(chosen.items(), excerpts, strict=True):
        where = f"{source.path}, byte {excerpt.offset}"
        try:
            again = judge(orjson.loads(excerpt.text), where, source.path)
        except (orjson.JSONDecodeError, FindingsFormatError):
            again = None
        if again != finding:
            detail = f"byte {excerpt.offset} no longer holds finding {finding.finding_uid}"
            raise EnvError(_changed(source.path, detail))
        checked[location] = excerpt
    return checked


def _changed(path: str, detail: str) -> str:
    return f"{path}: changed since it was read ({detail}); run the verification again"
