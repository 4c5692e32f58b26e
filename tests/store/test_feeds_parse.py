"""parse_feed_bytes on the shared corpus, hostile inputs and podcast fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from store.parse import ParseError
from store.parse.feed import parse_duration, parse_feed_bytes
from store.parse.feed_bytes import prepare_xml
from tests.support.shared import SHARED

FEEDS = SHARED / "corpus" / "feeds"
HOSTILE = SHARED / "corpus" / "hostile"
BASE = "https://example.org/blog/feed.xml"

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MOJIBAKE = re.compile("â€|Ã[\u0080-\u00bf]|Ã©|Â |ðŸ|πŸ|β€")

FEED_FILES = sorted(p for p in FEEDS.rglob("*") if p.is_file() and p.suffix != ".md")
HOSTILE_FILES = sorted(p for p in HOSTILE.iterdir() if p.is_file())


def _texts(doc):
    for e in doc.entries:
        yield e.title
        yield e.summary
        yield e.body
        yield from e.key_points
        yield e.author or ""
        yield e.link or ""
        if e.enclosure:
            yield e.enclosure.url
            yield e.enclosure.type or ""


def _check_clean(doc) -> None:
    for t in _texts(doc):
        assert not CONTROL.search(t), repr(t[:200])
    for e in doc.entries:
        assert e.guid
        for url in (e.link, e.enclosure.url if e.enclosure else None):
            if url:
                assert url.startswith(("http://", "https://")), url


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_feed_parses_or_refuses_cleanly(path: Path) -> None:
    try:
        doc = parse_feed_bytes(path.read_bytes(), base_url=BASE)
    except ParseError as exc:
        assert str(exc)
        return
    _check_clean(doc)
    for t in _texts(doc):
        assert not MOJIBAKE.search(t), repr(t[:200])


@pytest.mark.parametrize("path", HOSTILE_FILES, ids=lambda p: p.name)
def test_hostile_file_never_crashes_or_leaks(path: Path) -> None:
    try:
        doc = parse_feed_bytes(path.read_bytes(), base_url=BASE)
    except ParseError:
        return
    _check_clean(doc)
    for t in _texts(doc):
        assert len(t) < 2_000_000
        assert "root:x:0" not in t  # no XXE resolution
        assert "javascript:" not in t.lower() or "javascript:" not in (t[:11]).lower()


def _counts(name: str) -> int:
    return len(parse_feed_bytes((FEEDS / name).read_bytes(), base_url=BASE).entries)


def test_counts_equal_what_the_feed_holds() -> None:
    # numbers from CHARACTERIZATION.md (feedparser's own count)
    assert _counts("miniflux/encoding_ISO-8859-1.xml") == 40
    assert _counts("miniflux/encoding_WINDOWS-1251.xml") == 50
    assert _counts("miniflux/rdf_UTF8.xml") == 60
    assert _counts("rss-parser/itunes-missing-image.rss") == 131
    assert _counts("rss-parser/guardian.rss") == 55


def test_legacy_encodings_decoded() -> None:
    doc = parse_feed_bytes((FEEDS / "miniflux/koi8r.xml").read_bytes())
    assert doc.source_name == "Пример RSS ленты"
    doc = parse_feed_bytes((FEEDS / "miniflux/encoding_WINDOWS-1251.xml").read_bytes())
    assert re.search("[а-я]{4}", doc.entries[0].body + doc.entries[0].title)
    doc = parse_feed_bytes((HOSTILE / "enc_declared_utf8_is_cp1252.xml").read_bytes())
    assert doc.entries[0].title.startswith("Café")
    doc = parse_feed_bytes((HOSTILE / "enc_cp1253_undeclared.xml").read_bytes())
    assert "Καλημέρα" in doc.entries[0].title
    doc = parse_feed_bytes((HOSTILE / "enc_declared_latin1_is_utf8.xml").read_bytes())
    assert doc.entries[0].title.startswith("Café")


def test_entities_never_expanded() -> None:
    for name in ("entity_quadratic_blowup.xml", "entity_billion_laughs.xml"):
        prepared = prepare_xml((HOSTILE / name).read_bytes())
        assert b"<!ENTITY" not in prepared and b"<!DOCTYPE" not in prepared
        doc = parse_feed_bytes((HOSTILE / name).read_bytes())
        assert sum(len(t) for t in _texts(doc)) < 100_000


def test_raising_inputs_are_salvaged() -> None:
    for name in ("charref_out_of_range.xml", "charref_surrogate.xml", "entity_value_backslash.xml"):
        doc = parse_feed_bytes((HOSTILE / name).read_bytes())
        assert len(doc.entries) == 1


def test_escape_sequences_removed_whole() -> None:
    for name in ("ansi_raw_in_titles.xml", "ansi_charrefs_in_titles.xml"):
        doc = parse_feed_bytes((HOSTILE / name).read_bytes())
        first = doc.entries[0].title
        assert first == "screen cleared (CSI 2J + home)"
        assert all("]52;" not in e.title for e in doc.entries)


def test_unsafe_links_never_stored() -> None:
    doc = parse_feed_bytes((HOSTILE / "html_hostile.xml").read_bytes(), base_url=BASE)
    for e in doc.entries:
        blob = " ".join(_texts(doc))
        assert "javascript:" not in blob.lower()
        assert "data:text" not in blob.lower()
        assert "<script" not in e.body.lower()
        assert e.link == "https://example.org/blog/relative/item.html"


def test_empty_and_not_feeds_refused() -> None:
    for name in ("empty.xml", "only_bom.xml", "only_prolog.xml", "only_whitespace.xml"):
        with pytest.raises(ParseError):
            parse_feed_bytes((HOSTILE / name).read_bytes())
    for name in ("binary_garbage.bin", "html_not_feed.html", "json_not_feed.json"):
        with pytest.raises(ParseError):
            parse_feed_bytes((HOSTILE / name).read_bytes())


def test_gzip_body_without_header() -> None:
    doc = parse_feed_bytes((HOSTILE / "gzip_without_header.xml.gz").read_bytes())
    assert doc.entries


def test_truncated_feed_salvages_items() -> None:
    doc = parse_feed_bytes((HOSTILE / "truncated_real_feed.xml").read_bytes())
    assert len(doc.entries) >= 1
    assert doc.warnings


def test_relative_links_resolve_against_base() -> None:
    doc = parse_feed_bytes(
        (FEEDS / "podcastparser/relative.rss").read_bytes(), base_url="https://pod.example/x/feed"
    )
    enc = doc.entries[0].enclosure
    assert enc is not None and enc.url.startswith("https://pod.example/")


PODCAST = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Pod</title><link>https://pod.example/</link>
<item><title>Ep 1</title><guid>e1</guid>
<enclosure url="https://pod.example/e1.mp3" type="audio/mpeg" length="12345"/>
<itunes:duration>1:02:03</itunes:duration></item>
<item><title>Ep 2</title><guid>e2</guid>
<enclosure url="javascript:alert(1)" type="audio/mpeg" length="-5"/>
<itunes:duration>banana</itunes:duration></item>
<item><title>Ep 3</title><guid>e3</guid>
<enclosure url="https://pod.example/e3.mp3" type="&lt;b&gt;" length="99999999999999999999"/>
<itunes:duration>99:99</itunes:duration></item>
</channel></rss>"""


def test_podcast_fields_validated() -> None:
    doc = parse_feed_bytes(PODCAST, base_url="https://pod.example/feed")
    e1, e2, e3 = doc.entries
    assert e1.enclosure is not None
    assert (e1.enclosure.url, e1.enclosure.type, e1.enclosure.length) == (
        "https://pod.example/e1.mp3",
        "audio/mpeg",
        12345,
    )
    assert e1.enclosure.duration_seconds == 3723
    assert e2.enclosure is None  # javascript: is never an openable link
    assert e3.enclosure is not None
    assert e3.enclosure.type is None and e3.enclosure.length is None
    assert e3.enclosure.duration_seconds is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("45", 45),
        ("3600", 3600),
        ("12:34", 754),
        ("75:30", 4530),
        ("1:02:03", 3723),
        ("01:02:03.500", 3723),
        ("1:02:03,5", 3723),
        ("1234.7", 1234),
        ("1h 2m 3s", 3723),
        (" 42 ", 42),
        ("0", None),
        ("-5", None),
        ("banana", None),
        ("", None),
        (None, None),
        ("1:99:00", None),
        ("9999999999", None),
        ("99:99", None),
        ("1:2:3:4", None),
        ("NaN", None),
    ],
)
def test_parse_duration(value: object, seconds: int | None) -> None:
    assert parse_duration(value) == seconds


DIGEST_ITEM = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Digests</title><link>https://d.example/</link>
<item><title>Show - Episode</title><guid>d1</guid><link>https://d.example/1</link>
<description><![CDATA[<p>The episode in one line. More.</p>
<h3>Key Points:</h3><ul><li>First point</li><li>Second point</li></ul>
<h3>Details:</h3><h4>1. First section</h4><ul><li>a bullet</li></ul>
<p>See <a href="https://d.example/more">more</a> and <a href="javascript:x()">bad</a>.</p>]]></description>
</item></channel></rss>"""


def test_digest_structured_item() -> None:
    doc = parse_feed_bytes(DIGEST_ITEM, base_url="https://d.example/feed")
    (e,) = doc.entries
    assert e.summary
    assert "First point" in " ".join(e.key_points)
    assert "https://d.example/more" in e.body
    assert "javascript" not in e.body


def test_many_items_all_kept() -> None:
    doc = parse_feed_bytes((HOSTILE / "many_items_2k.xml").read_bytes())
    assert len(doc.entries) == 2000


def test_digest_structured_item_gets_show_and_sections() -> None:
    """An RSS item carrying Key Points / Details is split like a digest episode."""
    from store.parse.feed import parse_feed_bytes

    html = (
        "<p>How a foundry became central to chips.</p>"
        "<h3>Key Points:</h3><ul><li>Most advanced chips.</li><li>Process know-how.</li></ul>"
        "<h3>Details:</h3><h4>1. 🏭 The Foundry Model</h4><ul><li>Pure-play.</li></ul>"
        "<h4>2. 🌏 Geopolitics</h4><h5>2.1. Taiwan Strait</h5><ul><li>Risk.</li></ul>"
    )
    doc = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
        "<item><title>Acquired - The Foundry Story</title><guid>g1</guid>"
        f"<description><![CDATA[{html}]]></description></item>"
        "<item><title>News - Today</title><guid>g2</guid>"
        "<description>Just a sentence. Another one.</description></item>"
        "</channel></rss>"
    ).encode()
    parsed = parse_feed_bytes(doc, base_url="http://127.0.0.1/f.xml")
    first, second = parsed.entries
    assert (first.show, first.title) == ("Acquired", "The Foundry Story")
    assert first.key_points == ("Most advanced chips.", "Process know-how.")
    assert not first.key_points_derived
    assert [(s.number, s.icon, s.title) for s in first.sections] == [
        ("1", "🏭", "The Foundry Model"),
        ("2", "🌏", "Geopolitics"),
    ]
    assert first.sections[1].sections[0].title == "Taiwan Strait"
    assert (second.show, second.title) == (None, "News - Today")  # plain items keep titles
