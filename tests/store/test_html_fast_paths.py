"""The parse fast paths give exactly what the general paths give (issue 19).

Why: each fast path skips work only when a cheap check proves it changes
nothing; these properties hold that proof against the general code on text
made of the characters that matter (spaces, other whitespace, controls,
``&``/``<``, non-ASCII), so a change to ``store.text`` that the checks do
not foresee shows up here rather than as a silently different entry.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from store.parse import feed_bytes, html, sections
from store.parse.common import KEYCAP_RE, NUMBERED_RE, PLAIN_BULLET_RE, word_count
from store.parse.html import _collapse_ws, _collapse_ws_general, html_to_lines
from store.parse.quickclean import quick_clean_line
from store.parse.sections import parse_sections
from store.text import clean_line

# few letters, many of the characters the checks are about
_ALPHABET = st.sampled_from(
    list("ab .,-#*") + [" ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x00"]
    + ["\x1b", "\x7f", "&", "&amp;", "&lt;p&gt;", "<", "<b>", "\xa0", "\u2003", "é", "\ufffd"]
    + ["\ufffe", "\u200b", "\u3000", "\x85", "&#1;", "<!"]
)  # fmt: skip
_TEXT = st.lists(_ALPHABET, max_size=40).map("".join)
_ASCII_TEXT = st.text(st.characters(max_codepoint=127), max_size=60)


@settings(max_examples=600)
@given(st.one_of(_TEXT, _ASCII_TEXT))
def test_quick_clean_line_is_clean_line(s: str) -> None:
    assert quick_clean_line(s) == clean_line(s)


@settings(max_examples=600)
@given(st.one_of(_TEXT, _ASCII_TEXT))
def test_collapse_ws_fast_path_is_general(s: str) -> None:
    assert _collapse_ws(s) == _collapse_ws_general(s)


_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@settings(max_examples=600)
@given(st.one_of(_TEXT, _ASCII_TEXT))
def test_drop_bad_chars_is_the_regex(s: str) -> None:
    assert feed_bytes._drop_bad_chars(s) == _BAD.sub("", s)


def _binary_reference(text: str) -> bool:
    head = text[:4096]
    if not head:
        return False
    bad = sum(1 for c in head if (ord(c) < 32 and c not in "\n\r\t") or c == "\ufffd")
    return bad > max(len(head) * 0.05, 8)


@settings(max_examples=600)
@given(st.one_of(_TEXT, _ASCII_TEXT).map(lambda s: s * 3))
def test_looks_binary_counts_as_the_loop(s: str) -> None:
    assert feed_bytes._looks_binary(s) == _binary_reference(s)


_TAGS = st.sampled_from(["p", "div", "li", "ul", "h3", "pre", "b", "a", "br", "span"])


@st.composite
def _html(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(_TAGS)
        parts.append(f"<{tag}>{draw(_TEXT)}</{tag}>" if tag != "br" else "<br>")
    return "".join(parts)


@settings(max_examples=300)
@given(_html())
def test_html_lines_are_clean_lines(html: str) -> None:
    """Every line outside <pre> is as clean_line leaves it (prefixes aside)."""
    for ln in html_to_lines(html):
        if "<pre>" not in html and ln and not ln.startswith(("#", "-", " ")):
            assert clean_line(ln) == ln


def test_section_first_character_checks() -> None:
    """A line the first-character checks rule out matches none of the patterns.

    Exhaustive over the first 0x3000 code points (the bullets lie below that):
    a sample would rarely draw the one bullet a changed pattern adds.
    """
    for cp in range(0x3000):
        first = chr(cp)
        if first.isspace():
            continue  # parse_sections strips lines: they never start with whitespace
        for rest in (" x", "  x", "\tx", ". x", ") x", "x", "\ufe0f\u20e3 x", "1 x"):
            s = first + rest
            if first not in sections._PLAIN_FIRST:
                assert not PLAIN_BULLET_RE.match(s), s
            if not first.isdecimal():
                assert not NUMBERED_RE.match(s), s
                assert not KEYCAP_RE.match(s), s


def test_sections_with_unicode_digits_and_bullets() -> None:
    """Numbers in any script's digits and the rarer bullets still open sections and bullets
    (as before the first-character checks: the same values as commit 21560e6 gave)."""
    sections_, loose = parse_sections(
        ["٣. Title one", "  • bullet", "١١ Next", "٢\ufe0f\u20e3 Key"]
    )
    assert [(s.number, s.title, s.bullets) for s in sections_] == [
        ("٣", "Title one", ("bullet",)),
        ("١١", "Next", ()),
        ("٢", "Key", ()),
    ]
    assert loose == []
    assert parse_sections(["➤ bullet text", "✔ done", "para"]) == (
        (),
        ["bullet text", "done", "para"],
    )


@settings(max_examples=600)
@given(st.one_of(_TEXT, _ASCII_TEXT, st.text(max_size=30)))
def test_word_count_is_split(s: str) -> None:
    assert word_count(s) == len(s.split())


def test_block_tags_are_never_skipped() -> None:
    """html_to_lines tests a tag against _BLOCK before the skip rules: they must not overlap."""
    assert not html._BLOCK & html._SKIP
    assert not any(t.startswith(("-", "!")) for t in html._BLOCK)


_INLINE_TEXT = st.lists(
    st.sampled_from(["a", "b", " ", "  ", "\t", "\n", "\x0b", "\x1c", "\xa0", "\u2003", "é", "."]),
    max_size=30,
).map("".join)


@settings(max_examples=600)
@given(_INLINE_TEXT, _INLINE_TEXT)
def test_text_nodes_collapse_as_the_general_path(a: str, b: str) -> None:
    """Two inline text nodes in a paragraph: the line is the general collapse of each, cleaned."""
    want = clean_line(_collapse_ws_general(a) + _collapse_ws_general(b))
    assert html_to_lines(f"<p><b>{a}</b><i>{b}</i></p>") == ([want] if want else [])
