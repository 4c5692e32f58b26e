"""Feed items: summary from the best field, honest links, the richest body, one show rule.

Each rule gets a small feed written here for it (never corpus text); both
readers (the fast RSS path and feedparser) must give the same answer, so every
check runs with the fast path on and off.
"""

from __future__ import annotations

from html import escape

import pytest

import store.parse.feed as feed
from store.models import ParsedDocument, ParsedEntry
from store.parse.feed import parse_feed_bytes

ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
CONTENT = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
BASE = "http://127.0.0.1:8765/feeds/show.xml"


def rss(items: str, title: str = "Chan", extra: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {ITUNES} {CONTENT}>'
        f"<channel><title>{title}</title><link>https://chan.example/</link>{extra}"
        f"{items}</channel></rss>"
    ).encode()


def item(title: str = "", **fields: str) -> str:
    parts = [f"<title>{escape(title)}</title>"] if title else []
    for tag, value in fields.items():
        name = (
            tag.replace("__", ":").replace("_", ":")
            if "__" in tag or tag.startswith(("itunes_", "content_"))
            else tag
        )
        parts.append(f"<{name}>{value}</{name.split()[0]}>")
    return "<item>" + "".join(parts) + "</item>"


@pytest.fixture(params=[True, False], ids=["fast", "feedparser"])
def parse(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(feed, "FAST_PATH", request.param)

    def run(data: bytes, base: str | None = BASE) -> ParsedDocument:
        return parse_feed_bytes(data, base_url=base)

    return run


def only(doc: ParsedDocument) -> ParsedEntry:
    assert len(doc.entries) == 1
    return doc.entries[0]


def cdata(html: str) -> str:
    return f"<![CDATA[{html}]]>"


# -- summaries ------------------------------------------------------------------------------
def test_sponsor_block_is_never_the_summary(parse) -> None:  # type: ignore[no-untyped-def]
    desc = cdata(
        "<p>Sponsored by:</p><ul><li>Acme: use code SAVE for 20% off</li></ul>"
        "<p>Tonight we follow a river from its source to the sea.</p>"
    )
    e = only(parse(rss(item("River", guid="g1", description=desc))))
    assert e.summary == "Tonight we follow a river from its source to the sea."


def test_subtitle_is_the_gist_when_the_description_is_all_furniture(parse) -> None:  # type: ignore[no-untyped-def]
    desc = cdata(
        "<p>This episode is brought to you by Acme.</p><p>Subscribe to our newsletter.</p>"
    )
    it = item("Ep", guid="g1", description=desc, itunes_subtitle="A walk through the old harbour.")
    e = only(parse(rss(it)))
    assert e.summary == "A walk through the old harbour."


def test_a_truncated_subtitle_loses_to_the_full_paragraph(parse) -> None:  # type: ignore[no-untyped-def]
    full = "The council met for six hours and, in the end, voted to rebuild the pier."
    it = item(
        "Pier",
        guid="g1",
        description=cdata(f"<p>Sponsored by: Acme.</p><p>{full}</p>"),
        itunes_subtitle="The council met for six hours and…",
    )
    assert only(parse(rss(it))).summary == full


def test_trailing_newsletter_plug_is_cut_from_the_summary(parse) -> None:  # type: ignore[no-untyped-def]
    desc = "Why do bridges sing in the wind? | Subscribe to our weekly newsletter here."
    e = only(parse(rss(item("Bridges", guid="g1", description=desc))))
    assert e.summary == "Why do bridges sing in the wind?"


@pytest.mark.parametrize(
    "furniture",
    [
        "submitted by /u/someone to /r/somewhere [link] [12 comments]",
        "Continue reading on Example Medium »",
        "The post A title appeared first on A Blog.",
        "Tags:",
        "Follow-up:",
        "Links:",
    ],
)
def test_furniture_lines_are_never_the_summary(parse, furniture: str) -> None:  # type: ignore[no-untyped-def]
    desc = cdata(f"<p>{escape(furniture)}</p><p>The harvest came early this year.</p>")
    e = only(parse(rss(item("Harvest", guid="g1", description=desc))))
    assert e.summary == "The harvest came early this year."


def test_an_item_with_only_a_title_gets_no_summary(parse) -> None:  # type: ignore[no-untyped-def]
    e = only(parse(rss(item("Just a title", guid="g1"))))
    assert e.title == "Just a title" and e.summary == ""
    e = only(parse(rss(item("Same words", guid="g1", description="Same words."))))
    assert e.summary == ""  # a summary never repeats the title alone


def test_an_untitled_item_does_not_say_its_text_twice(parse) -> None:  # type: ignore[no-untyped-def]
    e = only(parse(rss(item(guid="g1", description="A short note about rain."))))
    assert e.title == "A short note about rain." and e.summary == ""


# -- bodies -----------------------------------------------------------------------------------
@pytest.mark.parametrize("empty", ["", "   ", "<p> </p>", cdata("\n\t ")])
def test_an_empty_content_encoded_never_hides_the_description(parse, empty: str) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(f"Sentence number {i} about the long description." for i in range(40))
    it = item("Long", guid="g1", description=cdata(f"<p>{text}</p>"), content_encoded=empty)
    e = only(parse(rss(it)))
    assert e.body.startswith("Sentence number 0") and len(e.body) > 1000
    assert e.key_points and e.summary


def test_the_richest_field_is_the_body(parse) -> None:  # type: ignore[no-untyped-def]
    long = " ".join(f"Paragraph text {i} of the real post." for i in range(30))
    it = item("Post", guid="g1", description="A teaser.", content_encoded=cdata(f"<p>{long}</p>"))
    e = only(parse(rss(it)))
    assert e.body.startswith("Paragraph text 0") and e.summary == "A teaser."


# -- links --------------------------------------------------------------------------------------
def test_a_guid_that_is_not_a_url_never_becomes_the_link(parse) -> None:  # type: ignore[no-untyped-def]
    e = only(parse(rss(item("A", guid="7f9c2b1e-aaaa-bbbb-cccc-1234567890ab"))))
    assert e.link is None
    e = only(
        parse(rss(item("A", guid="7f9c2b1e-aaaa"))),
    )
    assert e.link is None


def test_a_permalink_guid_url_is_the_link_but_not_when_marked_false(parse) -> None:  # type: ignore[no-untyped-def]
    e = only(parse(rss(item("A", guid="https://news.example/2024/a"))))
    assert e.link == "https://news.example/2024/a"
    e = only(
        parse(
            rss(
                '<item><title>A</title><guid isPermaLink="false">https://news.example/x</guid></item>'
            )
        )
    )
    assert e.link is None


def test_relative_links_resolve_against_the_feed_url(parse) -> None:  # type: ignore[no-untyped-def]
    e = only(parse(rss(item("A", guid="g1", link="/posts/a.html"))))
    assert e.link == "http://127.0.0.1:8765/posts/a.html"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd"])
def test_unsafe_schemes_never_become_links(parse, bad: str) -> None:  # type: ignore[no-untyped-def]
    assert only(parse(rss(item("A", guid="g1", link=escape(bad))))).link is None


def test_self_links_are_never_item_links() -> None:
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b'<title>Blog</title><link rel="self" href="https://blog.example/wp-atom.php"/>'
        b"<entry><title>One</title><id>tag:blog.example,2024:1</id>"
        b'<link rel="self" href="https://blog.example/wp-atom.php"/>'
        b'<link rel="alternate" href="https://blog.example/one"/></entry>'
        b"<entry><title>Two</title><id>tag:blog.example,2024:2</id>"
        b'<link href="https://blog.example/wp-atom.php"/></entry>'
        b"<entry><title>Three</title><id>tag:blog.example,2024:3</id>"
        b'<link href="https://blog.example/three"/></entry>'
        b"</feed>"
    )
    doc = parse_feed_bytes(atom, base_url="https://blog.example/wp-atom.php")
    assert [e.link for e in doc.entries] == [
        "https://blog.example/one",
        None,
        "https://blog.example/three",
    ]


def test_xml_base_resolves_atom_links() -> None:
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        b'xml:base="https://site.example/blog/"><title>B</title>'
        b'<entry><title>One</title><id>tag:x,2024:1</id><link href="posts/one"/></entry></feed>'
    )
    assert only(parse_feed_bytes(atom, base_url=BASE)).link == "https://site.example/blog/posts/one"


# -- show ---------------------------------------------------------------------------------------
DIGEST_HTML = cdata(
    "<p>Intro.</p><h3>Key Points:</h3><ul><li>One point.</li></ul>"
    "<h3>Details:</h3><h4>1. Part</h4><ul><li>Detail.</li></ul>"
)


def test_a_digest_feed_splits_every_item_by_one_rule(parse) -> None:  # type: ignore[no-untyped-def]
    items = "".join(
        item(t, guid=f"g{i}", description=DIGEST_HTML)
        for i, t in enumerate(["Show A - First", "Show B - Second", "Show A - Third"])
    )
    doc = parse(rss(items))
    assert [(e.show, e.title) for e in doc.entries] == [
        ("Show A", "First"),
        ("Show B", "Second"),
        ("Show A", "Third"),
    ]


def test_a_digest_feed_splits_nothing_when_the_rule_does_not_hold(parse) -> None:  # type: ignore[no-untyped-def]
    titles = ["Show A - First", "Plain title", "Another plain one", "And one more"]
    items = "".join(item(t, guid=f"g{i}", description=DIGEST_HTML) for i, t in enumerate(titles))
    doc = parse(rss(items))
    assert [(e.show, e.title) for e in doc.entries] == [(None, t) for t in titles]


def test_a_podcast_never_splits_its_episode_titles(parse) -> None:  # type: ignore[no-untyped-def]
    enc = '<enclosure url="https://cdn.example/{n}.mp3" type="audio/mpeg" length="1"/>'
    items = "".join(
        f"<item><title>{t}</title><guid>g{n}</guid>{enc.format(n=n)}</item>"
        for n, t in enumerate(["Episode 34: The storm", "Episode 35: The calm - part two"])
    )
    doc = parse(rss(items, title="Weather Talk"))
    assert [(e.show, e.title) for e in doc.entries] == [
        ("Weather Talk", "Episode 34: The storm"),
        ("Weather Talk", "Episode 35: The calm - part two"),
    ]


# -- short items say it once (17.9) ------------------------------------------------------------
@pytest.mark.parametrize(
    "description",
    [
        "The ferry to the island resumes on Friday after the storm repairs.",
        cdata(
            "<p>The ferry resumes on Friday. Tickets bought for the cancelled days are refunded.</p>"
        ),
    ],
)
def test_a_short_item_is_said_once_as_its_summary(parse, description: str) -> None:  # type: ignore[no-untyped-def]
    e = only(parse(rss(item("Ferry news", guid="s1", description=description))))
    assert e.summary.startswith("The ferry")
    assert e.key_points == () and e.body == ""  # not the same sentence twice more
    assert e.reading_minutes  # still says how long it is


def test_a_short_item_keeps_the_list_it_wrote_itself(parse) -> None:  # type: ignore[no-untyped-def]
    html = "<p>Ferry news.</p><ul><li>Resumes Friday</li><li>Refunds for cancelled days</li></ul>"
    e = only(parse(rss(item("Ferry", guid="s2", description=cdata(html)))))
    assert e.key_points == ("Resumes Friday", "Refunds for cancelled days")
