"""Markdown for GitHub: the one place user text is made safe to put in ``summary.md`` or a PR comment.

Entry ids, resource uids, finding messages, Prowler versions and account ids are all text someone
else wrote; GitHub renders what we write as GitHub Flavored Markdown and then adds @mentions. Every
writer of Markdown passes such text through :func:`md_text`, which makes it render as exactly
itself: no heading, image, link, HTML, table cell or line break can come out of it.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character that can open or close Markdown markup; a backslash before any
# of them is a CommonMark escape, so the character renders as itself. ``[``/``]``/``!`` are links
# and images, ``<``/``>``/``&`` HTML, autolinks and entities, ``|`` a table cell, ``#`` a heading,
# the rest emphasis, code and strikethrough. Escaping them anywhere keeps the text safe wherever it
# lands in a line.
_MARKUP = frozenset("\\`*_[]<>!|~&#")

# CommonMark ends a line at LF, CR or CRLF, and a new line can start any block (a heading, an HTML
# block, a link definition); other control characters and the Unicode separators are flattened too
# so the text stays on the line its writer put it on. Bidirectional controls are dropped: they make
# a rendered id read differently from its bytes.
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# GitHub turns ``@name`` and ``@org/team`` in rendered text into mentions (a notification to
# whoever that is), after the Markdown is rendered, so no Markdown escape stops it. A word joiner
# between ``@`` and the name breaks the match and renders as nothing.
_WORD_JOINER = "\u2060"


def md_text(text: str, max_chars: int | None = None) -> str:
    """``text`` as inline Markdown that renders as itself on GitHub; cut to ``max_chars`` first."""
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    text = _BIDI.sub("", _LINE_BREAKING.sub(" ", text))
    escaped = "".join(f"\\{c}" if c in _MARKUP else c for c in text)
    return escaped.replace("@", "@" + _WORD_JOINER)
