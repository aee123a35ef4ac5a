"""``poam bundle verify``, the quotes: every element of ``prowler/`` is checked against its index, its own
text and the entry files it decides.

A run quotes the exact Prowler JSON of the findings that decide verdicts (``prowler/<stem>.<format>.json``)
and traces each element in ``prowler/index.json``: where it lies in its source (offset, length), its
SHA-256, the finding it holds (check, finding uid, status) and the entries it decides. Digests of whole
files are recomputed by anyone who forges a bundle, so each element is checked on its own:

- the quote file is exactly ``[``, the indexed elements joined by ``,`` and ``]``, in index order, and
  each element's text hashes to the SHA-256 the index records for it;
- the element decodes, with its format's own reader, to the finding the index names;
- every entry it decides holds that very finding in its entry file, from the same source digest, and a
  quoted FAIL decides NOT_MET: an entry file recording anything else contradicts the scanner's own words.

Entry files are re-evaluated before this runs, so the verdicts compared here are the re-derived ones.
Without a signature a forger who rewrites quotes, index and entry files together is still not caught:
this closes the forgeries that leave the quoted Prowler JSON behind, not the need for ``--pubkey``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import orjson

from verifier.errors import FindingsFormatError, InputError
from verifier.inputs.bundle_format import EXCERPTS_DIR, EXCERPTS_INDEX, EXCERPTS_PER_ENTRY
from verifier.inputs.findings import TYPED_FORMATS
from verifier.inputs.jsondoc import parse_json, sha256_hex
from verifier.model import Finding, Reason, Status, Superseded, Verdict

_OPEN, _SEPARATOR, _CLOSE = b"[\n", b",\n", b"\n]\n"
"""How a run writes a quote file: its elements, in index order, as one JSON array."""

_ELEMENT_TEXTS = ("sha256", "check_id", "finding_uid", "status")
_COMPARED = tuple(f.name for f in fields(Finding) if f.name != "location")


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """One ``entries/<id>.json`` as recorded: what the verdict was and the findings it rests on.

    ``bundle`` reads it and re-evaluates it; the quotes are checked against its findings and their digests.
    """

    name: str
    entry_id: str
    verdict: Verdict
    reasons: tuple[Reason, ...]
    checks: tuple[str, ...]
    scope: Any
    findings: tuple[Finding, ...]
    source_digests: tuple[str, ...]
    """Each finding's ``source_sha256``, in order."""
    # Older findings set aside: an unproven FAIL (a newer scan that cannot prove it complete is silent on
    # it) is a gap of the verdict, so it is re-judged too.
    superseded: tuple[Superseded, ...] = ()
    # Why verification.json's objective verdicts are not the ones re-derived (empty: they are).
    objectives_problem: str = ""


@dataclass(frozen=True, slots=True)
class QuoteReport:
    """What the quotes held: elements rechecked, the quote files they lie in, the sources the run did not
    quote with why (path, reason); or the first problem found (empty when none)."""

    elements: int = 0
    files: int = 0
    not_read: tuple[tuple[str, str], ...] = ()
    problem: str = ""


@dataclass(frozen=True, slots=True)
class _Element:
    offset: int
    length: int
    sha256: str
    check_id: str
    finding_uid: str
    status: str
    entries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Source:
    path: str
    sha256: str
    format: str
    file: str
    elements: tuple[_Element, ...]


class _Mismatch(Exception):
    """One problem with the quotes; becomes ``QuoteReport.problem`` at this module's edge."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_quotes(
    files: Mapping[str, bytes], entries: Mapping[str, EntryRecord], manifest: Mapping[str, Any]
) -> QuoteReport:
    """Check every quoted element of the bundle; ``entries`` are the entry files by entry id."""
    try:
        return _check(files, entries, manifest)
    except _Mismatch as exc:
        return QuoteReport(problem=exc.message)


def _check(
    files: Mapping[str, bytes], entries: Mapping[str, EntryRecord], manifest: Mapping[str, Any]
) -> QuoteReport:
    quote_files = sorted(n for n in files if n.startswith(f"{EXCERPTS_DIR}/") and n != EXCERPTS_INDEX)
    if EXCERPTS_INDEX not in files:
        if quote_files:
            raise _Mismatch(f"{quote_files[0]}: a quote file, but the bundle has no {EXCERPTS_INDEX}")
        return QuoteReport()  # a run that quoted nothing (CSV only), or a bundle from before quotes
    index = _index(files[EXCERPTS_INDEX])
    per_entry = index.get("excerpts_per_entry")
    if per_entry != EXCERPTS_PER_ENTRY:
        # The count decides which findings must be quoted: a forger must not get to lower it.
        raise _Mismatch(f"{EXCERPTS_INDEX}: excerpts_per_entry is {per_entry!r}, not {EXCERPTS_PER_ENTRY}")
    sources = [_source(raw, n) for n, raw in enumerate(_list(index, "sources"))]
    not_read = _not_read(index)
    _check_files_listed(sources, quote_files)
    for path in sorted({s.path for s in sources} & {path for path, _ in not_read}):
        raise _Mismatch(f"{EXCERPTS_INDEX}: {path} is listed as quoted and as not read again")
    digests = _input_digests(manifest)
    by_entry = {entry_id: _by_uid(evidence) for entry_id, evidence in entries.items()}
    for source in sources:
        _check_source_digest(source, digests)
        for element, text in zip(source.elements, _split(source, files[source.file]), strict=True):
            quoted = _judged(source, element, text)
            for entry_id in element.entries:
                _check_entry(source, element, quoted, entry_id, entries, by_entry)
    _check_all_quoted(entries, sources, {path for path, _ in not_read}, per_entry)
    elements = sum(len(s.elements) for s in sources)
    return QuoteReport(elements=elements, files=len(sources), not_read=not_read)


# --- the index -----------------------------------------------------------------------------------


def _index(data: bytes) -> dict[str, Any]:
    try:
        index = parse_json(data, EXCERPTS_INDEX)
    except InputError as exc:
        raise _Mismatch(exc.message) from exc
    if not isinstance(index, dict):
        raise _Mismatch(f"{EXCERPTS_INDEX}: not a JSON object")
    return index


def _list(table: Mapping[str, Any], key: str, where: str = EXCERPTS_INDEX) -> list[Any]:
    value = table.get(key)
    if not isinstance(value, list):
        raise _Mismatch(f"{where}: '{key}' is not a list")
    return value


def _source(raw: Any, n: int) -> _Source:
    where = f"{EXCERPTS_INDEX}: source {n + 1}"
    if not isinstance(raw, dict):
        raise _Mismatch(f"{where} is not a JSON object")
    path, sha256, form, file = (_text(raw, key, where) for key in ("path", "sha256", "format", "file"))
    if form not in TYPED_FORMATS:
        raise _Mismatch(f"{where}: format {form!r} has no JSON text to quote")
    if (
        not file.startswith(f"{EXCERPTS_DIR}/")
        or file == EXCERPTS_INDEX
        or "/" in file[len(EXCERPTS_DIR) + 1 :]
    ):
        raise _Mismatch(f"{where}: file {file!r} is not a quote file in {EXCERPTS_DIR}/")
    elements = tuple(
        _element(e, f"{where} ({file}), element {i + 1}") for i, e in enumerate(_list(raw, "elements", where))
    )
    _check_order(elements, file)
    return _Source(path, sha256, form, file, elements)


def _element(raw: Any, where: str) -> _Element:
    if not isinstance(raw, dict):
        raise _Mismatch(f"{where} is not a JSON object")
    offset, length = (_count(raw, key, where) for key in ("offset", "length"))
    entries = _list(raw, "entries", where)
    if not entries or not all(isinstance(e, str) for e in entries):
        raise _Mismatch(f"{where}: 'entries' is not a list of the entries it decides")
    sha256, check_id, finding_uid, status = (_text(raw, key, where) for key in _ELEMENT_TEXTS)
    return _Element(offset, length, sha256, check_id, finding_uid, status, tuple(entries))


def _check_order(elements: Sequence[_Element], file: str) -> None:
    # A run quotes a source's elements in the order they lie in it, and elements never overlap: an index
    # that says otherwise does not describe bytes of one file.
    end = 0
    for element in elements:
        if element.length == 0 or element.offset < end:
            raise _Mismatch(
                f"{EXCERPTS_INDEX}: {file}: quoted finding {element.finding_uid} (entry "
                f"{', '.join(element.entries)}) overlaps the element before it in its source, or is empty"
            )
        end = element.offset + element.length


def _not_read(index: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    listed = []
    for n, raw in enumerate(_list(index, "not_read_again")):
        where = f"{EXCERPTS_INDEX}: not_read_again {n + 1}"
        if not isinstance(raw, dict):
            raise _Mismatch(f"{where} is not a JSON object")
        listed.append((_text(raw, "path", where), _text(raw, "reason", where)))
    return tuple(listed)


def _check_files_listed(sources: Sequence[_Source], quote_files: Sequence[str]) -> None:
    named = Counter(s.file for s in sources)
    present = set(quote_files)
    for file in sorted(named):
        if named[file] > 1:
            raise _Mismatch(f"{EXCERPTS_INDEX}: {file} is the quote file of two sources")
        if file not in present:
            raise _Mismatch(f"{file}: listed in {EXCERPTS_INDEX} but missing from the bundle")
    for file in quote_files:
        if file not in named:
            raise _Mismatch(f"{file}: in {EXCERPTS_DIR}/ but not listed in {EXCERPTS_INDEX}")


def _input_digests(manifest: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The findings files the manifest pins: path → (sha256, format)."""
    inputs = manifest.get("inputs")
    listed = inputs.get("findings") if isinstance(inputs, dict) else None
    if not isinstance(listed, list):
        return {}
    return {
        f["path"]: (f.get("sha256"), f.get("format"))
        for f in listed
        if isinstance(f, dict) and isinstance(f.get("path"), str)
    }


def _check_source_digest(source: _Source, digests: Mapping[str, tuple[Any, Any]]) -> None:
    # The quotes' source must be a findings file the manifest pins, with the same digest and format.
    if digests and digests.get(source.path) != (source.sha256, source.format):
        raise _Mismatch(
            f"{EXCERPTS_INDEX}: {source.file} quotes {source.path} (sha256 {source.sha256}, "
            f"{source.format}), which is not a findings input of that digest and format in manifest.json"
        )


# --- the quote files -----------------------------------------------------------------------------


def _split(source: _Source, data: bytes) -> Iterator[bytes]:
    """Each indexed element's text, cut from the quote file by the index's lengths and checked against
    the index's SHA-256; anything else in the file (a changed length, an added element) is refused."""
    at = len(_OPEN)
    if not data.startswith(_OPEN):
        raise _Mismatch(f"{source.file}: does not start as a quote file ('[' and a newline)")
    for n, element in enumerate(source.elements):
        if n:
            if data[at : at + len(_SEPARATOR)] != _SEPARATOR:
                raise _Mismatch(_layout(source, element, at))
            at += len(_SEPARATOR)
        text = data[at : at + element.length]
        if len(text) != element.length or sha256_hex(text) != element.sha256:
            raise _Mismatch(
                f"{source.file}: quoted finding {element.finding_uid} (entry {', '.join(element.entries)}): "
                f"its text does not match the SHA-256 {EXCERPTS_INDEX} records for it"
            )
        at += element.length
        yield text
    if data[at:] != _CLOSE:
        raise _Mismatch(f"{source.file}: holds more than the elements {EXCERPTS_INDEX} lists (byte {at})")


def _layout(source: _Source, element: _Element, at: int) -> str:
    return (
        f"{source.file}: quoted finding {element.finding_uid} (entry {', '.join(element.entries)}) "
        f"is not where {EXCERPTS_INDEX} puts it (byte {at})"
    )


def _judged(source: _Source, element: _Element, text: bytes) -> Finding:
    """The finding the element's own text holds, read by its format's reader, as the index names it."""
    where = f"{source.file}, quoted finding {element.finding_uid} (entry {', '.join(element.entries)})"
    try:
        finding = TYPED_FORMATS[source.format].judge(orjson.loads(text), where, source.path)
    except orjson.JSONDecodeError as exc:
        raise _Mismatch(f"{where}: not JSON ({exc})") from exc
    except FindingsFormatError as exc:
        raise _Mismatch(exc.message) from exc
    said = (element.check_id, element.finding_uid, element.status)
    holds = (finding.check_id, finding.finding_uid, finding.status.value)
    if said != holds:
        raise _Mismatch(
            f"{EXCERPTS_INDEX}: {where}: the index says {'/'.join(said)} "
            f"but the quoted text holds {'/'.join(holds)}"
        )
    return finding


# --- the entries they decide ---------------------------------------------------------------------


def _by_uid(evidence: EntryRecord) -> dict[tuple[str, str], list[tuple[Finding, str]]]:
    found: dict[tuple[str, str], list[tuple[Finding, str]]] = defaultdict(list)
    for finding, digest in zip(evidence.findings, evidence.source_digests, strict=True):
        found[(finding.source_file, finding.finding_uid)].append((finding, digest))
    return found


def _check_entry(
    source: _Source,
    element: _Element,
    quoted: Finding,
    entry_id: str,
    entries: Mapping[str, EntryRecord],
    by_entry: Mapping[str, Mapping[tuple[str, str], list[tuple[Finding, str]]]],
) -> None:
    uid = quoted.finding_uid
    evidence = entries.get(entry_id)
    if evidence is None:
        raise _Mismatch(
            f"{source.file}: quoted finding {uid} decides entry {entry_id!r}, which has no entry file"
        )
    # A FAIL among an entry's deciding findings makes it NOT_MET: nothing else can be recorded beside it.
    if quoted.status is Status.FAIL and evidence.verdict is not Verdict.NOT_MET:
        raise _Mismatch(
            f"{evidence.name}: entry {entry_id} records {evidence.verdict.value}, "
            f"but {source.file} quotes finding {uid} as a FAIL deciding it"
        )
    recorded = by_entry[entry_id].get((source.path, quoted.finding_uid), [])
    if not recorded:
        raise _Mismatch(
            f"{evidence.name}: entry {entry_id} does not hold finding {uid}, "
            f"which {source.file} quotes as deciding it"
        )
    if not any(finding == quoted for finding, _ in recorded):
        differ = [n for n in _COMPARED if getattr(recorded[0][0], n) != getattr(quoted, n)]
        raise _Mismatch(
            f"{evidence.name}: entry {entry_id} records finding {uid} unlike {source.file} "
            f"quotes it ({', '.join(differ)} differ)"
        )
    if all(digest != source.sha256 for finding, digest in recorded if finding == quoted):
        raise _Mismatch(
            f"{evidence.name}: entry {entry_id} records finding {uid} from a source whose "
            f"SHA-256 differs from the one {EXCERPTS_INDEX} quotes it from"
        )


def _check_all_quoted(
    entries: Mapping[str, EntryRecord], sources: Sequence[_Source], not_read: set[str], per_entry: int
) -> None:
    """Every finding a run had to quote is quoted: an element dropped from quote file and index together
    (a FAIL, or the PASS a forged entry file put in its place) leaves its entry file without its quote."""
    quoted = {
        (s.path, e.finding_uid, entry_id) for s in sources for e in s.elements for entry_id in e.entries
    }
    read = {s.path: s.file for s in sources}
    for entry_id, evidence in entries.items():
        for finding in _to_quote(evidence.findings, set(read) | not_read, per_entry):
            if (
                finding.source_file in read
                and (finding.source_file, finding.finding_uid, entry_id) not in quoted
            ):
                raise _Mismatch(
                    f"{evidence.name}: entry {entry_id}'s deciding finding {finding.finding_uid} is not "
                    f"quoted in {read[finding.source_file]}, though its source was quoted"
                )


def _to_quote(findings: Sequence[Finding], located: set[str], per_entry: int) -> list[Finding]:
    """The findings a run quotes for an entry (``excerpted_findings``): its FAILs first, then the others,
    in evidence order, up to ``per_entry``.

    Only findings with a place in a JSON array can be quoted, and a file's findings all have one or none;
    the index names every file a run quoted from (``located``). A file holding a located finding it
    does not name had none chosen, and leaving its findings out changes nothing that was chosen.
    """
    candidates = [f for f in findings if f.source_file in located]
    failing = [f for f in candidates if f.status is Status.FAIL][:per_entry]
    others = [f for f in candidates if f.status is not Status.FAIL][:per_entry]
    return [*failing, *others][:per_entry]


def _text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str):
        raise _Mismatch(f"{where}: '{key}' is not text")
    return value


def _count(table: Mapping[str, Any], key: str, where: str) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Mismatch(f"{where}: '{key}' is not a byte count")
    return value
