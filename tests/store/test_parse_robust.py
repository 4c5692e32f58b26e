"""Robustness: hostile files, corpus digests, arbitrary bytes — parse or ParseError only."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from store.parse import ParseError, looks_like_feed, parse_document
from store.samples import sample_paths
from store.text import clean_text
from tests.support.shared import SHARED

CORPUS = SHARED / "corpus"
BAD = set(
    map(chr, [*range(0, 9), *range(11, 32), 0x7F, *range(0x80, 0xA0), 0x202E, 0x2066, 0x200E])
)


def _hostile() -> list[Path]:
    found = sorted((CORPUS / "hostile").glob("digest_*"))
    assert found, f"no hostile digests under {CORPUS}: the shared corpus is missing"
    return found


def _digests() -> list[Path]:
    """The corpus's Markdown and Org digests (other files there are not digests)."""
    found = sorted(
        p
        for p in (CORPUS / "digests" / "claude-reads-hn").glob("*.*")
        if p.suffix in (".md", ".org")
    )
    assert found, f"no digests under {CORPUS}: the shared corpus is missing"
    return found


@pytest.mark.parametrize("path", _hostile(), ids=lambda p: p.name)
def test_hostile_digest_files(path: Path) -> None:
    try:
        doc = parse_document(path.read_bytes(), name=path.name)
    except ParseError:
        return
    for e in doc.entries:
        assert not (set(e.title + e.summary + e.body) & BAD)


@pytest.mark.parametrize("name", ["digest_empty.txt", "digest_only_bom.txt"])
def test_empty_is_refused(name: str) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_document((CORPUS / "hostile" / name).read_bytes(), name=name)


def test_utf16_and_crlf_nul() -> None:
    doc = parse_document((CORPUS / "hostile" / "digest_utf16.txt").read_bytes(), name="x.txt")
    assert doc.entries
    doc = parse_document(
        (CORPUS / "hostile" / "digest_crlf_and_nul.txt").read_bytes(), name="x.txt"
    )
    assert doc.digest_title == "CRLF digest"
    assert doc.entries[0].key_points == ("onetwo",)


@pytest.mark.parametrize("path", _digests(), ids=lambda p: p.name)
def test_corpus_digests(path: Path) -> None:
    doc = parse_document(path.read_bytes(), name=path.name)
    assert doc.kind in ("markdown", "org")
    assert len(doc.entries) >= 3
    assert doc.digest_date
    assert all(e.title for e in doc.entries)


def test_binary_refused() -> None:
    with pytest.raises(ParseError):
        parse_document((CORPUS / "hostile" / "binary_garbage.bin").read_bytes(), name="x.bin")


def test_too_large_refused() -> None:
    with pytest.raises(ParseError, match="too large"):
        parse_document(b"a" * (20 * 1024 * 1024 + 1), name="big.txt")


def test_looks_like_feed() -> None:
    assert looks_like_feed(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0">')
    assert looks_like_feed(b'<feed xmlns="http://www.w3.org/2005/Atom">')
    assert looks_like_feed(b"<rdf:RDF xmlns:rdf='x'>")
    assert not looks_like_feed(b"# Digest\n\n## Show - Title")
    assert not looks_like_feed(b"<html><body>rss</body></html>")


def test_samples_parse_into_their_kinds() -> None:
    kinds = {p.name: parse_document(p.read_bytes(), name=p.name).kind for p in sample_paths()}
    assert sorted(kinds.values()) == ["article", "digestly", "markdown", "post"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_document(data, name="x.txt")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Key Points:",
                "Details:",
                "1. 🌍 T",
                "  • b",
                "## A - B",
                "### Key Points",
                "- x",
                "",
                "7.1. S",
                "* h",
            ]
        )
        | st.text(max_size=80),
        max_size=30,
    ),
    st.sampled_from(["a.txt", "a.md", "a.org", "a.html"]),
)
def test_arbitrary_structured_text(lines: list[str], name: str) -> None:
    try:
        doc = parse_document("\n".join(lines).encode("utf-8", "surrogatepass"), name=name)
    except ParseError:
        return
    assert doc.entries


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_clean_text_safe(s: str) -> None:
    out = clean_text(s)
    assert not (set(out) & BAD)
    assert "\r" not in out
    assert not (set(clean_text(out)) & BAD)


_HTML_BITS = st.sampled_from(
    [
        "<p>", "</p>", "<ul>", "</ul>", "<li>", "</li>", "<h3>", "</h3>", "<pre>", "</pre>",
        "<br>", "<b>", "</b>", '<a href="https://ex.org/x">', "</a>", "&#9;", "&#27;[31m",
        "&amp;", "&nbsp;", "\t", "  ", "\n", " \n", "Key Points", "Details", "1. Title",
        "\x1b[2J", "\x07", "text", "more words", "&eacute;", "caf\u00e9", "\u200d",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_HTML_BITS | st.text(max_size=12), max_size=40))
@example(["<pre>", "0", "&#9;", "<p>", '<a href="https://ex.org/x">'])  # a tab ending a pre line
def test_html_parts_body_is_clean_when_ascii(bits: list[str]) -> None:
    """refresh trusts an ASCII body from html_to_parts as clean (it skips clean_text)."""
    from store.parse.html import html_to_parts
    from store.text import clean_text

    body = html_to_parts("".join(bits)).body
    if body.isascii():
        assert clean_text(body).strip() == body
