"""Markdown for GitHub: the one place user text is made safe to put in ``summary.md`` or a PR comment.

Entry ids, resource uids, finding messages, Prowler versions and account ids are all text someone
else wrote; GitHub renders what we write as GitHub Flavored Markdown and then adds @mentions. Every
writer of Markdown passes such text through :func:`md_text`, which makes it render as exactly
itself: no heading, image, link, HTML, table cell or line break can come out of it.
"""

from __future__ import annotations

# Every ASCII punctuation character that can open or close Markdown markup; a backslash before any
# of them is a CommonMark escape, so the character renders as itself. ``[``/``]``/``!`` are links
# and images, ``<``/``>``/``&`` HTML, autolinks and entities, ``|`` a table cell, ``#`` a heading,
# the rest emphasis, code and strikethrough. Escaping them anywhere keeps the text safe wherever it
# lands in a line.
_MARKUP = "\\`*_[]<>!|~&#"

# CommonMark ends a line at LF, CR or CRLF, and a new line can start any block (a heading, an HTML
# block, a link definition); other control characters and the Unicode separators are flattened too
# so the text stays on the line its writer put it on.
_LINE_BREAKING = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]

# Bidirectional controls are dropped: they make a rendered id read differently from its bytes.
_BIDI = [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]

# GitHub turns ``@name`` and ``@org/team`` in rendered text into mentions (a notification to
# whoever that is), after the Markdown is rendered, so no Markdown escape stops it. A word joiner
# between ``@`` and the name breaks the match and renders as nothing.
_WORD_JOINER = "\u2060"

_TABLE: dict[int, str | None] = {
    **{ord(c): f"\\{c}" for c in _MARKUP},
    **dict.fromkeys(_LINE_BREAKING, " "),
    **dict.fromkeys(_BIDI),
    ord("@"): "@" + _WORD_JOINER,
}


def md_text(text: str, max_chars: int | None = None) -> str:
    """``text`` as inline Markdown that renders as itself on GitHub; cut to ``max_chars`` first."""
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return text.translate(_TABLE)
