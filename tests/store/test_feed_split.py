"""The item splitter, and that parsing only some items gives what a whole parse gives.

The identity half runs every real-world feed of the shared corpus and the bench
generator's feeds through ``parse_job`` twice: whole, and with an item memory
that knows all but k items (the newest k, then the last k in the document). The
k parsed items must come out as the same entries (ids, source, show, ikey,
text) as in the whole parse.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.data import feed_documents
from store.config import FeedConfig
from store.parse import ParseError
from store.parse.feed import parse_feed_bytes
from store.parse.feed_bytes import prepare_xml
from store.parse.feed_split import HASH_CHARS, split_feed
from store.parse.feedfast import read_rss20
from store.sync.entries import feed_entries, feed_name
from store.sync.feed_job import FeedParse, parse_job
from tests.support.shared import SHARED

REALWORLD = SHARED / "corpus" / "realworld"


def _clean(xml: str) -> bytes:
    return prepare_xml(xml.encode())


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<!-- <item><guid>fake</guid></item> -->
<item><title>a</title><guid>g1</guid><description><![CDATA[<item>not one</item>]]></description></item>
<link>https://example.org/</link>
<item attr="x>y"><title>b</title><link>https://example.org/b</link></item>
</channel></rss>"""


def test_rss_items_are_found_past_comments_and_cdata() -> None:
    data = _clean(RSS)
    sp = split_feed(data)
    assert sp is not None
    assert [it.key for it in sp.items] == ["g1", "https://example.org/b"]
    assert all(len(it.hash) == HASH_CHARS for it in sp.items)
    assert data[sp.items[0].start : sp.items[0].end].startswith(b"<item>")
    assert data[sp.items[1].start : sp.items[1].end].endswith(b"</item>")
    reduced = sp.reduced({sp.items[0].hash})
    assert b"g1" not in reduced and b"<link>https://example.org/</link>" in reduced
    assert b"fake" in reduced  # the comment is the head's, kept byte for byte


def test_atom_with_a_prefix_and_rdf() -> None:
    atom = """<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>T</a:title>
    <a:entry><a:source><a:id>src</a:id></a:source><a:id>e1</a:id></a:entry>
    <a:entry><a:link href="https://x.org/2"/><a:title>t</a:title></a:entry></a:feed>"""
    sp = split_feed(_clean(atom))
    assert sp is not None and [it.key for it in sp.items] == ["e1", "https://x.org/2"]
    rdf = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns="http://purl.org/rss/1.0/"><channel rdf:about="c"><items><rdf:Seq>
    <rdf:li resource="i1"/></rdf:Seq></items></channel>
    <item rdf:about="i1"><title>x</title><link>https://x.org/1</link></item></rdf:RDF>"""
    sp = split_feed(_clean(rdf))
    assert sp is not None and [it.key for it in sp.items] == ["i1"]


@pytest.mark.parametrize(
    "xml",
    [
        "<html><body><item>x</item></body></html>",  # not a feed root
        "<rss><channel><item><guid>a</guid><item><guid>b</guid></item></item></channel></rss>",
        "<rss><channel><item><guid>a</guid></item><item/></channel></rss>",
        "<rss><channel><item><guid>a</guid></item><entry>e</entry></channel></rss>",
        "<rss><channel><item><guid>a</guid></item><item><guid>a</guid></item></channel></rss>",
        "<rss><channel><item><title>no key</title></item></channel></rss>",
        "<rss><channel><item><guid>a</guid><!-- unclosed </item></channel></rss>",
        "<rss><channel><item><guid>a</guid></channel></rss>",
        "<rss><channel><item><guid>a</guid></entry></channel></rss>",
    ],
)
def test_anything_odd_is_not_split(xml: str) -> None:
    assert split_feed(_clean(xml)) is None


def _feeds() -> list[tuple[str, bytes]]:
    out = [
        (p.name, p.read_bytes())
        for p in sorted(REALWORLD.iterdir())
        if p.suffix in {".xml", ".rss", ".atom"}
    ]
    out += sorted(feed_documents(7, 3, 40).items())
    return out


def _job(data: bytes, memory: str | None) -> FeedParse:
    fc = FeedConfig("https://feeds.example/f.xml", None, ("t",))
    res = parse_job(data, fc.url, None, None, fc, (None, fc.label), memory)
    assert not isinstance(res, str)
    return res


def test_parsing_only_k_items_gives_the_whole_parses_entries() -> None:
    fc = FeedConfig("https://feeds.example/f.xml", None, ("t",))
    split_feeds = 0
    for name, data in _feeds():
        try:
            clean = prepare_xml(data)
        except ParseError:
            continue  # not a feed at all (the corpus holds some)
        if read_rss20(clean, fc.url) is None or split_feed(clean) is None:
            continue  # feedparser's or unsplittable: parsed whole every time, as before
        whole = _job(data, None)
        assert whole.items is not None, name
        doc = parse_feed_bytes(data, base_url=fc.url)
        today = feed_entries(doc, fc, feed_name(fc, doc.source_name, None, fc.label))
        assert whole.entries == today, name  # the worker's whole parse is today's parse
        head, *tokens = whole.items.split()
        assert len(tokens) == len(whole.entries), name
        if len(tokens) < 2:
            continue
        split_feeds += 1
        k = min(3, len(tokens) - 1)
        for new in (range(k), range(len(tokens) - k, len(tokens))):  # newest first, then last
            known = [t for i, t in enumerate(tokens) if i not in new]
            part = _job(data, " ".join((head, *known)))
            assert part.skipped == len(known), name
            assert part.entries == [whole.entries[i] for i in new], name
            assert part.texts == [whole.texts[i] for i in new], name
            assert (part.name, part.items) == (whole.name, whole.items), name
    assert split_feeds >= 5  # the bench's 3 and the corpus's plain RSS 2.0 feeds


def test_a_stale_memory_only_costs_a_whole_parse(tmp_path: Path) -> None:
    data = feed_documents(3, 1, 5)
    body = next(iter(data.values()))
    whole = _job(body, None)
    assert whole.skipped == 0 and whole.items is not None
    again = _job(body, "0123456789ab garbage")
    assert again.entries == whole.entries and again.skipped == 0


def test_a_memory_the_previous_release_wrote_costs_one_whole_parse() -> None:
    """The previous release hashed items with blake2b: such a memory matches no item,
    so the body is parsed whole once (the same entries: nothing is new, nothing lost)
    and the memory written then skips every known item on the next refresh."""
    import hashlib

    body = next(iter(feed_documents(4, 1, 6).values()))
    whole = _job(body, None)
    assert whole.items is not None
    sp = split_feed(prepare_xml(body))
    assert sp is not None
    head, *tokens = whole.items.split()
    old_hashes = [
        hashlib.blake2b(sp.data[it.start : it.end], digest_size=HASH_CHARS // 2).hexdigest()
        for it in sp.items
    ]
    old = " ".join((head, *(h + t[HASH_CHARS:] for h, t in zip(old_hashes, tokens, strict=True))))
    assert old != whole.items
    once = _job(body, old)
    assert once.skipped == 0 and once.entries == whole.entries and once.items == whole.items
    assert _job(body, once.items).skipped == len(tokens)


def test_a_feed_feedparser_reads_gets_no_memory() -> None:
    """feedparser types an item's content after its predecessor's (this feed's third
    last item comes out text/plain after the others, text/html alone): such a feed
    must be parsed whole every time."""
    data = (REALWORLD / "gnome-podcasts_2018-01-20-TheTipOff.xml").read_bytes()
    assert split_feed(prepare_xml(data)) is not None
    assert _job(data, None).items is None


def test_a_readable_first_parse_leaves_tagging_prepare_to_the_derivation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``derive=False`` (refresh --no-wait) gives the same entries and texts and no
    ``prepare``: the derivation prepares each entry itself, so a worker that
    prepared too would do the costliest part of the parse twice. Nor does it
    compile the vocabulary (with wordfreq's table, ~0.6 s a worker)."""
    from store.config import default_topics
    from store.sync import feed_job

    fc = FeedConfig("https://feeds.example/f.xml", None, ("t",))
    topics = default_topics()
    for _name, data in sorted(feed_documents(7, 2, 20).items()):
        whole = parse_job(data, fc.url, None, topics, fc, (None, fc.label))
        with monkeypatch.context() as m:
            m.setattr(feed_job, "vocabulary_for", None)  # calling it would raise
            readable = parse_job(data, fc.url, None, topics, fc, (None, fc.label), None, False)
        assert not isinstance(whole, str) and not isinstance(readable, str)
        assert readable.prepared is None
        assert whole.prepared is not None and len(whole.prepared) == len(whole.entries) > 0
        assert readable.entries == whole.entries and readable.texts == whole.texts


def _reference_key(item: bytes) -> str | None:
    """``_key`` as first written: every <source> removed before the id is looked for."""
    from store.parse import feed_split as fs

    head_end = item.find(b">")
    body = fs._SOURCE_RE.sub(b"", item)
    m = fs._ID_RE.search(body)
    if m and (k := fs._text(m.group(1))):
        return k
    about = fs._ABOUT_RE.search(item, 0, head_end + 1)
    if about and (k := fs._text(about.group(1))):
        return k
    lt = fs._LINK_TEXT_RE.search(body)
    if lt and (k := fs._text(lt.group(1))):
        return k
    lh = fs._LINK_HREF_RE.search(body)
    return fs._text(lh.group(1)) if lh else None


_PARTS = [
    "<id>own</id>",
    "<guid isPermaLink='false'>g-1</guid>",
    "<id></id>",
    "<id> </id>",
    "<source><id>theirs</id><title>S</title></source>",
    "<atom:source><atom:id>prefixed</atom:id></atom:source>",
    "<source url='https://s.example/'>Source text</source>",
    "<link>https://example.org/a</link>",
    "<link href='https://example.org/b'/>",
    "<description>open source &amp; resourceful</description>",
    "<title>sources: <![CDATA[x]]></title>",
    "<guid><![CDATA[cdata-id]]></guid>",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PARTS), max_size=6), st.sampled_from(["item", "entry"]))
def test_an_items_key_is_the_one_removing_its_sources_gives(parts: list[str], tag: str) -> None:
    """The key looks for sources only before the first id (so it reads less of most
    items); it must name the very key removing every <source> first names."""
    from store.parse.feed_split import _key

    about = " rdf:about='https://example.org/about'" if len(parts) % 3 == 0 else ""
    item = f"<{tag}{about}>{''.join(parts)}</{tag}>".encode()
    assert _key(item) == _reference_key(item)
