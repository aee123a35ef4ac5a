"""User text in summary.md and PR comments renders as itself: parsed with a real CommonMark parser.

markdown-it-py is the parser; tables are GitHub's extension and are switched on. A hostile value
must come out as one plain text token: no image, link, heading, HTML, code or emphasis, and no
``@name`` that GitHub would turn into a mention.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from verifier.inputs.findings.iac import IacFinding
from verifier.inputs.terraform_ignores import InlineIgnore
from verifier.outputs.iac_report import render_summary
from verifier.outputs.markdown import md_text
from verifier.pipeline.verify import VerifyOptions, run_verify
from verifier.rules.iac import CodeVerdict, EntryCode, IacReport, Regression

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"

HOSTILE = (
    "POAM-1\r## Pwned\r![x](https://evil.example/track.png)",
    "POAM-2\n# heading\n<img src=https://evil.example/a.png>",
    "[click](javascript:alert(1)) <https://evil.example> @octocat @org/team",
    "x | y \\| z \\\\| w ` code ` *em* _em_ ~~gone~~ &lt;b&gt; &#64;admin",
    "<script>alert(1)</script><!-- comment -->",
    "[ref]\n\n[ref]: https://evil.example/x.png",
    "a\u2028b\u0085c\x00d\u202eevil",
    "    indented\ttab",
)

# Tokens that only the document's own frame may produce; a hostile value must add none of them.
_MARKUP = {
    "image",
    "link_open",
    "html_inline",
    "html_block",
    "heading_open",
    "code_inline",
    "em_open",
    "s_open",
}
_MENTION = re.compile(r"(?:^|[^\w`])@[A-Za-z0-9]")


_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _parser() -> MarkdownIt:
    return _PARSER


def _cell_tokens(value: str) -> list[Token]:
    document = f"| Entry | Why |\n|---|---|\n| {md_text(value)} | fixed |\n"
    tokens = _parser().parse(document)
    cells = [t for t in tokens if t.type == "inline"]
    assert len(cells) == 4, document  # the header's two cells and the row's two: nothing split or added
    return cells[2].children or []


def _plain(value: str) -> str:
    """What a value should read as: line breaks flattened, bidirectional controls dropped."""
    flattened = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", value)
    return re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", flattened).strip()


def _all_tokens(tokens: list[Token]) -> list[Token]:
    return [*tokens, *(child for t in tokens for child in (t.children or []))]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_is_one_text_cell_that_reads_as_itself(value: str) -> None:
    children = _cell_tokens(value)
    assert {t.type for t in children} <= {"text"}, [t.type for t in children]
    rendered = "".join(t.content for t in children)
    assert rendered.replace("\u2060", "") == _plain(value)
    assert not _MENTION.search(rendered)


@given(st.text(max_size=80))
def test_any_value_renders_as_text_and_nothing_else(value: str) -> None:
    children = _cell_tokens(value)
    assert {t.type for t in children} <= {"text"}
    rendered = "".join(t.content for t in children)
    assert not _MENTION.search(rendered)
    assert rendered.replace("\u2060", "") == _plain(value)


def test_a_cut_value_is_still_escaped() -> None:
    cut = md_text("a" * 10 + "![x](y)", max_chars=12)
    assert cut == "aaaaaaaaaa\\!…"


@pytest.fixture
def hostile_poam_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built-in example with hostile text in the entry ids, organization and system."""
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    shutil.copytree(EXAMPLE_SCAN, tmp_path / "examples" / "prowler-output")
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    document["organization"] = HOSTILE[0]
    document["system"] = HOSTILE[2]
    for entry, hostile in zip(document["entries"], HOSTILE, strict=False):
        entry["id"] = hostile
    (tmp_path / "poam.json").write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _assert_only_the_frame(markdown: str, headings: int) -> None:
    tokens = _all_tokens(_parser().parse(markdown))
    kinds = [t.type for t in tokens]
    assert kinds.count("heading_open") == headings
    assert not {"image", "link_open", "html_block"} & set(kinds)
    assert {t.content for t in tokens if t.type == "html_inline"} <= {"<br>"}
    assert not _MENTION.search(" ".join(t.content for t in tokens if t.type == "text"))


def test_summary_md_from_hostile_poam_has_only_its_own_markup(hostile_poam_dir: Path) -> None:
    as_of = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
    options = VerifyOptions(
        poam=Path("poam.json"),
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=(Path("examples/prowler-output"),),
        out=Path("out"),
        as_of=as_of,
    )
    run_verify(options, clock=lambda: datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    summary = (hostile_poam_dir / "out" / "summary.md").read_text(encoding="utf-8")
    _assert_only_the_frame(summary, headings=1)
    rows = [t for t in _parser().parse(summary) if t.type == "tr_open"]
    assert len(rows) == 1 + len(json.loads(Path("poam.json").read_text())["entries"])


def _finding(hostile: str) -> IacFinding:
    return IacFinding(
        check_id="AVD-AWS-0016",
        long_id="aws-cloudtrail-enable-log-validation",
        status="FAIL",
        muted=False,
        title="title",
        severity="HIGH",
        message=hostile,
        file="main`.tf\r# x",
        resource="aws_cloudtrail.t![i](https://evil.example/i.png)",
        start_line=1,
        end_line=2,
    )


def test_iac_pr_comment_from_hostile_terraform_has_only_its_own_markup() -> None:
    finding = _finding(HOSTILE[1])
    entry = EntryCode(
        entry_id=HOSTILE[0],
        practice_id=HOSTILE[2],
        checks=("AVD-AWS-0016",),
        verdict=CodeVerdict.FAILS_IN_CODE,
        failures=(finding,),
        not_evaluated=(),
        ignores=(InlineIgnore(rule="@x<b>", file="a|b.tf", line=3),),
    )
    report = IacReport(
        entries=(entry,),
        regressions=(Regression(practice_ids=(HOSTILE[3],), finding=finding),),
        muted_new_failures=(Regression(practice_ids=("p",), finding=_finding(HOSTILE[4])),),
        head_failures=(finding,),
        compared_with_base=True,
        gate_hit=False,
    )
    _assert_only_the_frame(render_summary(report), headings=4)
