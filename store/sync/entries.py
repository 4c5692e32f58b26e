"""Entry ids and sources: what turns a parsed document into entries the library keeps.

Local files, refreshed feeds and feed files all come through
``entries_from_document``, so the same content gets the same id whichever way
it arrived, and the navigator groups entries by one notion of source.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from store.config import FeedConfig
from store.index.tagids import normalize_tag
from store.models import DigestInfo, Entry, ParsedDocument, Source, short_hash
from store.storage.identity import channel_parts, digest_key, feed_keys

__all__ = [
    "entries_from_document",
    "feed_entries",
    "feed_file_source",
    "feed_name",
    "file_source",
]


def file_source(doc: ParsedDocument, path: Path) -> Source:
    """A file's source is named by the document: the digest's or site's own name,
    its author, and only as a last resort the folder (or, at the top of a
    drive, the file's name).

    A folder of digests usually holds one producer's output (one file a day), so
    the folder name groups them in the navigator better than each file's name.
    """
    name = doc.source_name
    if not name and doc.entries and doc.entries[0].author:
        name = doc.entries[0].author
    if not name:
        folder = path.resolve().parent.name
        name = folder or path.stem
    return Source("file", name, str(path))


def feed_file_source(doc: ParsedDocument, path: Path) -> Source:
    """A feed file's source: the channel's title (the name its subscription gets), else the file's."""
    return Source("feed", doc.source_name or path.stem, str(path))


def feed_name(fc: FeedConfig, title: str | None, known: str | None, label: str) -> str:
    """A feed's source name: configured, else the feed's title, else the last one seen."""
    return fc.name or title or known or label


def feed_entries(
    doc: ParsedDocument, fc: FeedConfig, name: str, base_url: str | None = None
) -> list[Entry]:
    """Entries of a subscribed feed (fetched from ``base_url``, by default its URL);
    the feed's tags merged in as auto tags."""
    source = Source("feed", name, fc.url)
    entries = entries_from_document(doc, source, id_scope=fc.url, base_url=base_url or fc.url)
    tags = _norm_tags(fc.tags)
    if tags:
        entries = [e.with_(auto_tags=tuple(dict.fromkeys((*e.auto_tags, *tags)))) for e in entries]
    return entries


def _norm_tags(tags: Sequence[str]) -> tuple[str, ...]:
    out = [normalize_tag(t) for t in tags]
    return tuple(dict.fromkeys(t for t in out if t))


def entries_from_document(
    doc: ParsedDocument,
    source: Source,
    *,
    id_scope: str | None = None,
    base_url: str | None = None,
) -> list[Entry]:
    """Attach stable ids, identity keys, source and digest info to a document's entries.

    Ids are derived from the item, never from the path: a feed item's from its
    identity (guid within its channel, see ``store.storage.identity``), so the
    same item gets the same id whichever file, folder or URL brings it first; a
    document's from its content. ``id_scope`` (a feed's path or URL) marks a
    feed; it names the channel only when the channel has neither link nor title.
    ``base_url`` is the URL a feed's bytes were fetched from (see ``feed_keys``).
    """
    digest = None
    if doc.digest_title or doc.digest_date:
        digest = DigestInfo(
            short_hash(
                "digest", doc.source_name or "", doc.digest_title or "", doc.digest_date or ""
            ),
            doc.digest_title,
            doc.digest_date,
        )
    out: list[Entry] = []
    seen: set[str] = set()
    channels = channel_parts(doc.channel_link, doc.source_name, id_scope or "")
    for pe in doc.entries:
        if id_scope is not None:
            keys = feed_keys(
                channels,
                guid=pe.guid,
                link=pe.link,
                title=pe.title,
                summary=pe.summary,
                body=pe.body,
                base=base_url,
            )
            eid = keys[0]
        else:
            keys = [
                digest_key(
                    show=pe.show,
                    title=pe.title,
                    digest_title=digest.title if digest else None,
                    digest_date=digest.date if digest else None,
                    summary=pe.summary,
                    body=pe.body,
                )
            ]
            eid = short_hash(
                "entry",
                pe.show or "",
                pe.title,
                digest.title or "" if digest else "",
                digest.date or "" if digest else "",
                pe.summary[:300],
                pe.body[:300] if not pe.summary else "",
            )
        if eid in seen or keys[0] in seen:  # the same item twice in one document: keep the first
            continue
        seen.update((eid, keys[0]))
        out.append(
            Entry(
                id=eid,
                source=source,
                title=pe.title,
                digest=digest,
                show=pe.show,
                author=pe.author,
                link=pe.link,
                published=pe.published,
                summary=pe.summary,
                key_points=pe.key_points,
                key_points_derived=pe.key_points_derived,
                sections=pe.sections,
                body=pe.body,
                replies=pe.replies,
                enclosure=pe.enclosure,
                reading_minutes=pe.reading_minutes,
                extra=pe.extra,
                ikey=" ".join(keys),
            )
        )
    return out
