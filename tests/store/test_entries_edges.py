"""What names a parsed document's entries (``store.sync.entries``): sources, digests, keys.

Why: mutation testing of ``entries.py`` (docs/testing.md) found these rules
untested: a file's source is the document's own name, then its author, then
the folder (the navigator groups by it); a feed file's is the channel's
title; a digest needs only its date or only its title; a feed fetched through
a redirect keys its items against the URL the bytes came from.
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

import pytest

from store.config import FeedConfig
from store.models import Enclosure, ParsedDocument, ParsedEntry, Section, Source, short_hash
from store.storage.identity import channel_parts, digest_key, feed_keys
from store.sync.entries import entries_from_document, feed_entries, feed_file_source, file_source

ITEM = ParsedEntry(title="Breakwater approved", author="Ann Lee", summary="The vote passed.")


def test_a_files_source_is_the_documents_name_then_its_author_then_its_folder(
    tmp_path: Path,
) -> None:
    path = tmp_path / "Harbour digests" / "2025-01-09.md"
    named = file_source(ParsedDocument((ITEM,), source_name="Daily Brief"), path)
    assert (named.kind, named.name, named.location) == ("file", "Daily Brief", str(path))
    assert file_source(ParsedDocument((ITEM,)), path).name == "Ann Lee"
    anonymous = ParsedDocument((ParsedEntry(title="x"),))
    assert file_source(anonymous, path).name == "Harbour digests"
    assert file_source(ParsedDocument(()), path).name == "Harbour digests"


def test_a_feed_files_source_is_its_channels_title(tmp_path: Path) -> None:
    path = tmp_path / "feeds" / "harbour.xml"
    src = feed_file_source(ParsedDocument((ITEM,), source_name="Harbour News"), path)
    assert (src.kind, src.name, src.location) == ("feed", "Harbour News", str(path))
    assert feed_file_source(ParsedDocument((ITEM,)), path).name == "harbour"


def test_a_digest_is_named_by_its_date_or_its_title_alone() -> None:
    for title, date in (("Morning brief", None), (None, "2025-01-09"), ("Brief", "2025-01-09")):
        doc = ParsedDocument((ITEM,), digest_title=title, digest_date=date)
        (e,) = entries_from_document(doc, file_source(doc, Path("/d/x.md")))
        assert e.digest is not None and (e.digest.title, e.digest.date) == (title, date)
    doc = ParsedDocument((ITEM,))
    (e,) = entries_from_document(doc, file_source(doc, Path("/d/x.md")))
    assert e.digest is None


def test_a_redirected_feed_keys_its_items_against_where_the_bytes_came_from() -> None:
    """A guid under the fetched URL is keyed as a feed file would hold it too (relative)."""
    fetched = "https://new.example/news/feed.xml"
    item = ParsedEntry(title="Breakwater", guid="https://new.example/news/item-1", summary="s")
    doc = ParsedDocument((item,), source_name="Harbour News", channel_link="https://new.example/")
    fc = FeedConfig(url="https://old.example/rss")
    (e,) = feed_entries(doc, fc, "Harbour News", base_url=fetched)
    channels = channel_parts(doc.channel_link, doc.source_name, fc.url)
    want = feed_keys(
        channels, guid=item.guid, link=None, title="Breakwater", summary="s", body="", base=fetched
    )
    assert e.ikey.split() == want and len(want) > len(channels)
    # without a redirect, the subscription's own URL is the base
    (plain,) = feed_entries(doc, fc, "Harbour News")
    assert plain.ikey.split() == feed_keys(
        channels, guid=item.guid, link=None, title="Breakwater", summary="s", body="", base=fc.url
    )


def _doc_id(pe: ParsedEntry, title: str | None, date: str | None) -> str:
    """A document entry's id as every stored library holds it (changing it orphans marks)."""
    return short_hash(
        "entry",
        pe.show or "",
        pe.title,
        title or "",
        date or "",
        pe.summary[:300],
        pe.body[:300] if not pe.summary else "",
    )


def test_an_entry_carries_every_field_of_its_item() -> None:
    pe = ParsedEntry(
        title="Breakwater approved",
        show="Harbour Hour",
        author="Ann Lee",
        link="https://harbour.example/a",
        published="2025-01-09",
        summary="The vote passed.",
        key_points=("vote", "spring"),
        key_points_derived=True,
        sections=(Section("Details", number="1", bullets=("b",), text="t"),),
        body="The council met on Monday.",
        replies=("first!",),
        enclosure=Enclosure("https://harbour.example/a.mp3", "audio/mpeg", 10, 60),
        reading_minutes=2.5,
        extra=(("k", "v"),),
    )
    src = Source("file", "Daily Brief", "/d/x.md")
    (e,) = entries_from_document(ParsedDocument((pe,), source_name="Daily Brief"), src)
    for f in fields(ParsedEntry):
        if f.name != "guid":  # a feed's guid becomes its keys, not a field
            assert getattr(e, f.name) == getattr(pe, f.name), f.name
    assert e.source == src


@pytest.mark.parametrize("source_name", [None, "Daily Brief"])
@pytest.mark.parametrize(
    ("title", "date"), [("Morning brief", None), (None, "2025-01-09"), ("Brief", "2025-01-09")]
)
def test_a_digests_id_is_its_source_title_and_date(
    source_name: str | None, title: str | None, date: str | None
) -> None:
    doc = ParsedDocument((ITEM,), digest_title=title, digest_date=date, source_name=source_name)
    (e,) = entries_from_document(doc, file_source(doc, Path("/d/x.md")))
    assert e.digest is not None
    assert e.digest.id == short_hash("digest", source_name or "", title or "", date or "")


LONG = "The harbour authority approved the breakwater. " * 10  # over 300 characters
ITEMS = [
    ParsedEntry(title="Breakwater", summary="The vote passed.", body="Council minutes."),
    ParsedEntry(title="Breakwater", show="Harbour Hour", summary=LONG + "a"),
    ParsedEntry(title="Breakwater", body=LONG + "b"),
]


@pytest.mark.parametrize(
    ("title", "date"), [(None, None), ("Morning brief", None), (None, "2025-01-09"), ("B", "D")]
)
@pytest.mark.parametrize("pe", ITEMS, ids=["summary+body", "show+long summary", "long body"])
def test_a_documents_entry_is_named_by_its_content_and_its_digest(
    pe: ParsedEntry, title: str | None, date: str | None
) -> None:
    """The id from the first 300 characters (the body's only without a summary); one key."""
    doc = ParsedDocument((pe,), digest_title=title, digest_date=date)
    (e,) = entries_from_document(doc, Source("file", "d", "/d/x.md"))
    assert e.id == _doc_id(pe, title, date)
    key = digest_key(
        show=pe.show,
        title=pe.title,
        digest_title=title,
        digest_date=date,
        summary=pe.summary,
        body=pe.body,
    )
    assert e.ikey == key
    # the cut is at 300: a change after it is the same entry, one before it another
    if len(pe.summary or pe.body) > 300:
        text = pe.summary or pe.body
        for changed, same in ((text + "x", True), (text[:299] + "x" + text[300:], False)):
            other = replace(pe, summary=changed) if pe.summary else replace(pe, body=changed)
            (o,) = entries_from_document(
                ParsedDocument((other,), digest_title=title, digest_date=date),
                Source("file", "d", "/d/x.md"),
            )
            assert (o.id == e.id) is same


FEED_ITEMS = [
    ParsedEntry(title="Breakwater", guid="urn:harbour:1", link="https://harbour.example/1"),
    ParsedEntry(title="Breakwater", link="https://harbour.example/2", summary="s"),
    ParsedEntry(title="Breakwater", summary="The vote passed.", body="Council minutes."),
    ParsedEntry(title="Breakwater", body="Council minutes."),
]


@pytest.mark.parametrize("pe", FEED_ITEMS, ids=["guid", "link", "summary", "body"])
@pytest.mark.parametrize(
    ("link", "name"), [("https://harbour.example/", "Harbour News"), (None, None)]
)
def test_a_feed_item_is_named_by_its_first_key_and_keeps_them_all(
    pe: ParsedEntry, link: str | None, name: str | None
) -> None:
    """Keys per channel part (its link, its title; else the feed's own location)."""
    scope = "https://harbour.example/rss"
    doc = ParsedDocument((pe,), source_name=name, channel_link=link)
    (e,) = entries_from_document(doc, Source("feed", "h", scope), id_scope=scope)
    want = feed_keys(
        channel_parts(link, name, scope),
        guid=pe.guid,
        link=pe.link,
        title=pe.title,
        summary=pe.summary,
        body=pe.body,
    )
    assert e.ikey == " ".join(want) and e.id == want[0]
    assert len(want) == (2 if link else 1)
    # each part of the item that names it changes the keys: its guid, else its
    # link, else its title and summary (its body without a summary)
    names = ["guid"] if pe.guid else ["link"] if pe.link else ["title"]
    names += [] if pe.guid or pe.link else ["summary"] if pe.summary else ["body"]
    for change in names:
        other = replace(pe, **{change: getattr(pe, change) + "x"})
        (o,) = entries_from_document(
            ParsedDocument((other,), source_name=name, channel_link=link),
            Source("feed", "h", scope),
            id_scope=scope,
        )
        assert o.id != e.id, change


def test_the_same_item_twice_in_one_document_is_one_entry_the_first() -> None:
    """Twice by id, or by key alone (the key folds case: the id does not)."""
    a = ParsedEntry(title="Breakwater", summary="The vote passed.", author="first")
    b = ParsedEntry(title="Breakwater", summary="Another story.")
    shout = replace(a, title="BREAKWATER", author="shouted")
    doc = ParsedDocument((a, replace(a, author="second"), shout, b))
    got = entries_from_document(doc, Source("file", "d", "/d/x.md"))
    assert [(e.summary, e.author) for e in got] == [
        ("The vote passed.", "first"),
        ("Another story.", None),
    ]
    # a feed's item listed twice under its guid
    f = ParsedEntry(title="Breakwater", guid="urn:harbour:1", summary="one")
    feed = ParsedDocument(
        (f, replace(f, summary="two"), replace(f, guid="urn:harbour:2")),
        source_name="Harbour News",
        channel_link="https://harbour.example/",
    )
    got = entries_from_document(feed, Source("feed", "h", "u"), id_scope="u")
    assert [e.summary for e in got] == ["one", "one"] and len({e.id for e in got}) == 2
