"""Every real feed of ``../shared/corpus/realworld`` parses into what a reader would keep.

Properties, not samples: no traceback (with and without a feed URL), no junk
summary and (almost) no junk key point by the phrase-pattern detector of
``bench/realworld.py`` — written apart from the product's own filter
(``store/parse/chrome.py``) so the two can disagree —, no entity or tag
leftovers in titles, summaries and points, no link made from a non-URL guid or
pointing at the feed itself. HTML pages are the docs parser's business and are
skipped. The corpus is read in place and never copied.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bench import realworld
from store.parse import ParseError
from store.parse.feed import parse_feed_bytes

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "realworld"
FILES = realworld.feed_files(CORPUS) if CORPUS.is_dir() else []
SERVER = "http://127.0.0.1:8765/"
needs_corpus = pytest.mark.skipif(not FILES, reason=f"realworld corpus not found at {CORPUS}")


@cache
def counts() -> realworld.Counts:
    """The detector's counts over the whole corpus, each file as if served by SERVER."""
    return realworld.measure(FILES, SERVER)


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_file_read_from_disk_never_raises_but_parse_error(path: Path) -> None:
    try:
        doc = parse_feed_bytes(path.read_bytes(), base_url=path.resolve().as_uri())
    except ParseError:
        return
    for e in doc.entries:
        assert e.guid
        assert e.link is None or e.link.startswith(("http://", "https://")), e.link


@needs_corpus
def test_no_tracebacks_when_served() -> None:
    c = counts()
    assert c.tracebacks == 0, [x for x in c.examples if "TRACEBACK" in x]
    assert c.entries > 1000  # the corpus was really read


@needs_corpus
def test_no_junk_summaries() -> None:
    c = counts()
    assert c.junk_summaries == 0, [x for x in c.examples if ": summary " in x]


@needs_corpus
def test_junk_key_points_under_a_tenth_of_a_percent() -> None:
    c = counts()
    bad = [x for x in c.examples if ": point " in x]
    assert c.junk_points <= c.points / 1000, bad
    assert c.duplicate_points == 0, bad


@needs_corpus
def test_no_entity_or_tag_leftovers() -> None:
    c = counts()
    assert c.leftovers == 0, [x for x in c.examples if "leftover" in x]


@needs_corpus
def test_no_link_from_a_guid_or_to_the_feed_itself() -> None:
    c = counts()
    assert c.bad_links == 0, [x for x in c.examples if ": link " in x]


def test_the_detector_itself_catches_what_it_must() -> None:
    """The measuring stick is tested too, so a silent detector cannot pass the checks."""
    assert realworld.junk_summary("Sponsored by: Acme and Co.", "T")
    assert realworld.junk_summary("A gist. Subscribe to our weekly newsletter here.", "T")
    assert realworld.junk_summary("Tags:", "T")
    assert realworld.junk_summary("Same Title", "same title!")
    assert realworld.junk_summary("", "T") is None
    assert realworld.junk_summary("A plain good summary of the item.", "T") is None
    assert realworld.junk_point("The voice of Dr.")
    assert realworld.junk_point("Hi all!")
    assert realworld.junk_point("[link] [431 comments]")
    assert realworld.junk_point("00:12:30 – topic")
    assert realworld.junk_point("A kept point about the item.") is None
    assert realworld.leftovers("Google&#x27;s", "a&nbsp;b", "x<br />") == ["&#x2", "&nbsp;", "<br"]
    assert realworld.bad_link("javascript:x", None)
    assert realworld.bad_link("http://s/f.xml", "http://s/f.xml")
    assert realworld.bad_link("https://b.example/wp-atom.php", None)
    assert realworld.bad_link("http://s/abc-123-def", "http://s/f.xml", "abc-123-def")
    assert realworld.bad_link("https://b.example/post", "http://s/f.xml", "abc-123") is None
