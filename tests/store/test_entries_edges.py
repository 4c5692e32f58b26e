"""What names a parsed document's entries (``store.sync.entries``): sources, digests, keys.

Why: mutation testing of ``entries.py`` (docs/testing.md) found these rules
untested: a file's source is the document's own name, then its author, then
the folder (the navigator groups by it); a feed file's is the channel's
title; a digest needs only its date or only its title; a feed fetched through
a redirect keys its items against the URL the bytes came from.
"""

from __future__ import annotations

from pathlib import Path

from store.config import FeedConfig
from store.models import ParsedDocument, ParsedEntry
from store.storage.identity import channel_parts, feed_keys
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
