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

__all__ = ["entries_from_document", "feed_entries", "feed_name", "file_source"]


def file_source(doc: ParsedDocument, path: Path) -> Source:
    """A file's source is named by the document (site, author), else its folder.

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


def feed_name(fc: FeedConfig, title: str | None, known: str | None, label: str) -> str:
    """A feed's source name: configured, else the feed's title, else the last one seen."""
    return fc.name or title or known or label


def feed_entries(doc: ParsedDocument, fc: FeedConfig, name: str) -> list[Entry]:
    """Entries with ids scoped by the feed URL; the feed's tags merged in as auto tags."""
    entries = entries_from_document(doc, Source("feed", name, fc.url), id_scope=fc.url)
    tags = _norm_tags(fc.tags)
    if tags:
        entries = [e.with_(auto_tags=tuple(dict.fromkeys((*e.auto_tags, *tags)))) for e in entries]
    return entries


def _norm_tags(tags: Sequence[str]) -> tuple[str, ...]:
    out = [normalize_tag(t) for t in tags]
    return tuple(dict.fromkeys(t for t in out if t))


def entries_from_document(
    doc: ParsedDocument, source: Source, *, id_scope: str | None = None
) -> list[Entry]:
    """Attach stable ids, source and digest info to a parsed document's entries.

    Ids are derived from content, never from the path, so the same digest from
    another folder is the same entry. Feed entries are scoped by the feed (its
    URL) and their guid, since feed content changes under a stable guid.
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
    for pe in doc.entries:
        if id_scope is not None and (pe.guid or pe.link):
            eid = short_hash("feed", id_scope, pe.guid or pe.link or "")
        else:
            eid = short_hash(
                "entry",
                pe.show or "",
                pe.title,
                digest.title or "" if digest else "",
                digest.date or "" if digest else "",
                pe.summary[:300],
                pe.body[:300] if not pe.summary else "",
            )
        if eid in seen:  # duplicate guids inside one feed: keep the first
            continue
        seen.add(eid)
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
            )
        )
    return out
