"""The fast RSS 2.0 reader gives exactly what feedparser gives, or steps aside.

Every comparison parses the same bytes twice, once with ``store.parse.feedfast`` in
front and once through feedparser alone, and requires equal documents (or the
same error). The generated feeds also check that the fast reader really took
them, so these tests cannot pass by the fast path always bailing out.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import store.parse.feed as feed
from bench import data as bench_data
from store.parse import ParseError
from store.parse.feed import parse_feed_bytes
from store.parse.feed_bytes import prepare_xml
from store.parse.feedfast import read_rss20
from tests.support.reliability import CORPUS

FILES = sorted(
    p
    for folder in (CORPUS / "feeds", CORPUS / "hostile")
    for p in folder.rglob("*")
    if p.is_file() and not p.name.endswith(".md")
)
BASES = [None, "http://example.org/news/feed.xml"]


def both(data: bytes, base: str | None, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """(with the fast reader, feedparser only): each a document or ('error', message)."""
    out: list[Any] = []
    for fast in (True, False):
        monkeypatch.setattr(feed, "FAST_PATH", fast)
        try:
            out.append(parse_feed_bytes(data, base_url=base))
        except ParseError as exc:
            out.append(("error", str(exc)))
    return out[0], out[1]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_reads_the_same_either_way(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    for base in BASES:
        fast, slow = both(data, base, monkeypatch)
        assert fast == slow, f"{path.name} (base {base})"


def test_generated_digest_feeds_take_the_fast_path_and_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = bench_data.feed_documents(11, 3, 40)
    for name, body in docs.items():
        base = "http://127.0.0.1:8000" + name
        assert read_rss20(prepare_xml(body), base) is not None, "fast path not taken"
        fast, slow = both(body, base, monkeypatch)
        assert fast == slow
        assert len(fast.entries) == 40
        assert fast.entries[0].key_points and fast.entries[0].sections


# --------------------------------------------------------------------------
# generated items: text that trips readers (markup, entities, mojibake, C1)
# --------------------------------------------------------------------------

TRICKY = st.lists(
    st.sampled_from(
        list("abc XYZ 019.,;:!?'\"-_/#()[]*")
        + ["<b>", "</b>", "<p>", "</p>", "&amp;", "&lt;", "&#38;", "&copy;", "&bogus;"]
        + ["é", "Ã©", "â€™", "€", "\u0085", "\u0092", "\u00a0", "🙂", "\t", "\n", "  "]
        + ["<script>", "]]>", "&", "<", ">"]
    ),
    max_size=12,
).map("".join)
URLISH = st.sampled_from(
    [
        "http://example.org/a",
        "https://example.org/b?x=1",
        "/relative/path",
        "item-42",
        "javascript:alert(1)",
        "",
        "  http://example.org/spaced  ",
    ]
)
DATES = st.sampled_from(
    ["Mon, 03 Feb 2025 10:00:00 +0100", "2025-02-03T10:00:00Z", "yesterday", "", "Tue, 4 Mar 25"]
)


EXTRAS = [  # what the fast reader must read as feedparser does, or leave to it
    '<media:content url="http://example.org/v.mp4" type="video/mp4"/>',
    '<media:thumbnail url="http://example.org/t.jpg"/>',
    '<media:content url="http://e.org/a.mp3"><media:title>T</media:title></media:content>',
    '<title type="html">&lt;b&gt;typed&lt;/b&gt;</title>',
    '<description xml:lang="fr">bonjour</description>',
    "<media:title>Media title</media:title>",
]


@st.composite
def rss_item(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(f"<title>{escape(draw(TRICKY), quote=False)}</title>")
    if draw(st.booleans()):
        parts.append(f"<link>{escape(draw(URLISH))}</link>")
    if draw(st.booleans()):
        perma = draw(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']))
        parts.append(f"<guid{perma}>{escape(draw(URLISH))}</guid>")
    if draw(st.booleans()):
        parts.append(f"<pubDate>{draw(DATES)}</pubDate>")
    if draw(st.booleans()):
        parts.append(f"<author>{escape(draw(TRICKY), quote=False)}</author>")
    for cat in draw(st.lists(st.sampled_from(["ai", "AI", "ml", " ai "]), max_size=3)):
        parts.append(f"<category>{cat}</category>")
    if draw(st.booleans()):
        html = draw(TRICKY) + "<h3>Key Points</h3><ul><li>" + draw(TRICKY) + "</li></ul>"
        parts.append(f"<description>{escape(html, quote=False)}</description>")
    if draw(st.booleans()):
        body = draw(TRICKY)
        parts.append(
            f"<content:encoded><![CDATA[<p>{body.replace(']]>', '')}</p>]]></content:encoded>"
        )
    if draw(st.booleans()):
        parts.append(f"<comments>{escape(draw(URLISH))}</comments>")
    if draw(st.booleans()):
        url = escape(draw(URLISH), quote=True)
        parts.append(f'<enclosure url="{url}" type="audio/mpeg" length="123"/>')
    if draw(st.booleans()):
        parts.append(f"<dc:creator>{escape(draw(TRICKY), quote=False)}</dc:creator>")
    if draw(st.booleans()):
        parts.append(f"<dc:date>{draw(DATES)}</dc:date>")
    for subject in draw(st.lists(st.sampled_from(["ai", "ML", "space"]), max_size=2)):
        parts.append(f"<dc:subject>{subject}</dc:subject>")
    parts += draw(st.lists(st.sampled_from(EXTRAS), max_size=2))
    if draw(st.booleans()):
        parts.append(
            f"<itunes:duration>{draw(st.sampled_from(['1:02:03', '95', 'x']))}</itunes:duration>"
        )
    return "<item>" + "".join(draw(st.permutations(parts))) + "</item>"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=TRICKY,
    items=st.lists(rss_item(), min_size=1, max_size=4),
    base=st.sampled_from(BASES),
)
def test_generated_rss_reads_the_same_either_way(
    title: str, items: list[str], base: str | None
) -> None:
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{escape(title, quote=False)}</title><link>http://example.org/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")
    with pytest.MonkeyPatch.context() as mp:
        fast, slow = both(doc, base, mp)
    assert fast == slow


# Documents where feedparser reads something the fast reader once ignored
# (from a review): each must read the same both ways.
_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
    'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>F</title>'
    "<link>http://example.org/</link>"
)
_ITEM = "<item><title>t</title><link>/post/1</link><guid>g1</guid></item>"
TRAPS = {
    "category with term=": '<item><title>t</title><category term="foo">bar</category></item>',
    "enclosure url='' href=": '<item><title>t</title><enclosure url="" href="http://e.org/a.mp3" '
    'type="Audio/MPEG"/></item>',
    "xml:base with spaces": "<item xml:base ='http://other.org/dir/'><link>p/1</link></item>",
    "BASE on an item": "<item BASE='http://other.org/dir/'><link>p/1</link></item>",
    "item lastmod=": "<item lastmod='2024-01-02T00:00:00Z'><title>t</title></item>",
    "item href=": "<item href='http://e.org/x'><title>t</title></item>",
    "upper-case Item": _ITEM + "<Item><title>b</title><link>http://e.org/2</link></Item>",
    "item inside another element": _ITEM + "<foo><item><title>n</title></item></foo>",
    "upper-case channel LINK": "<LINK>http://other.org/</LINK>" + _ITEM,
    "atom:link without href": "<atom:link rel='self' type='application/rss+xml'/>" + _ITEM,
    "atom:link rel=Alternate": "<atom:link rel='Alternate' href='http://other.org/'/>" + _ITEM,
    "image with a stray child": "<image><url>http://e.org/i.png</url><foo/><title>I</title></image>"
    + _ITEM,
    "textInput": "<textInput><foo/><title>Search</title></textInput>" + _ITEM,
    "self atom:link (fast path)": "<atom:link rel='self' href='http://example.org/f'/>" + _ITEM,
}


@pytest.mark.parametrize("name", list(TRAPS))
def test_review_traps_read_the_same_either_way(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (_HEAD + TRAPS[name] + "</channel></rss>").encode("utf-8")
    for base in BASES:
        fast, slow = both(data, base, monkeypatch)
        assert fast == slow, name
