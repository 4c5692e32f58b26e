"""The vocabulary every part of digest-tui speaks: immutable dataclasses.

Parsers produce these, the library stores them, the UI and the CLI show them.
Their JSON form (``entry_to_json``) is a public contract that users script
against, so field names here follow it one to one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import attrgetter, ne
from typing import Any, Literal, NamedTuple

SourceKind = Literal["file", "feed"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where entries came from: a local file/folder or a feed URL."""

    kind: SourceKind
    name: str
    location: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "location": self.location}


@dataclass(frozen=True, slots=True)
class DigestInfo:
    """The multi-episode document an entry belongs to (a day's digest)."""

    id: str
    title: str | None
    date: str | None  # YYYY-MM-DD

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "date": self.date}


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered detail section; recursive, because digests nest (7 → 7.1)."""

    title: str
    number: str | None = None
    icon: str | None = None
    bullets: tuple[str, ...] = ()
    text: str = ""
    sections: tuple[Section, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "icon": self.icon,
            "title": self.title,
            "bullets": list(self.bullets),
            "text": self.text,
            "sections": [s.to_json() for s in self.sections],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Section:
        return cls(
            title=d.get("title") or "",
            number=d.get("number"),
            icon=d.get("icon"),
            bullets=tuple(d.get("bullets") or ()),
            text=d.get("text") or "",
            sections=tuple(cls.from_json(s) for s in d.get("sections") or ()),
        )


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A podcast episode's media file."""

    url: str
    type: str | None = None
    length: int | None = None
    duration_seconds: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "type": self.type,
            "length": self.length,
            "duration_seconds": self.duration_seconds,
        }


@dataclass(frozen=True, slots=True)
class Entry:
    """One episode / article / post: the unit the reader lists and opens.

    Content only: the user's marks live in :class:`Marks`, stored apart, so a
    re-ingest can replace content without touching a mark.
    """

    id: str
    source: Source
    title: str
    digest: DigestInfo | None = None
    show: str | None = None
    author: str | None = None
    link: str | None = None
    published: str | None = None  # ISO-8601
    summary: str = ""
    key_points: tuple[str, ...] = ()
    key_points_derived: bool = False  # True when the document had none and we made them
    sections: tuple[Section, ...] = ()
    body: str = ""
    replies: tuple[str, ...] = ()
    enclosure: Enclosure | None = None
    reading_minutes: float | None = None
    auto_tags: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()  # small typed-less facts (series, chapter, site)
    # Identity keys (space-separated, see store.storage.identity): what makes two
    # arrivals one entry whatever path brought them. Kept in the index row, not in
    # the JSON form (a key is an internal hash, not something users script against).
    ikey: str = ""

    def with_(self, **changes: Any) -> Entry:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Marks:
    """What the user did to an entry. Never derived from content."""

    read: bool = False
    bookmarked: bool = False
    user_tags: tuple[str, ...] = ()
    removed_auto: tuple[str, ...] = ()  # auto tags the user took off; they stay off


EMPTY_MARKS = Marks()


class Row(NamedTuple):
    """What the entry list needs, for every entry, without loading bodies.

    The library's index (library.json) holds one per entry. A NamedTuple rather
    than a dataclass: the index stores each row as a JSON array, and ``Row._make``
    turns 100k of them into rows several times faster than keyword construction,
    which is most of first-paint time at that size.
    """

    id: str
    title: str
    show: str | None
    source: str
    source_kind: str
    date: str  # sort key: published or digest date, ISO; "" when unknown
    digest_id: str | None
    digest_title: str | None
    link: str | None
    auto_tags: tuple[str, ...]
    chash: str  # hash of the stored content but its id and path (shards.substance_hash)
    ikey: str = ""  # identity keys, space-separated ("" before schema 2: computed on demand)
    # the content shard holding the entry (store.storage.shards): "" for rows written
    # before schema 3, whose content is in the shard named by their id's prefix
    shard: str = ""

    @classmethod
    def from_json(cls, d: list[Any]) -> Row:
        """A row from its JSON array; wrong shapes or types raise ValueError."""
        missing = len(cls._fields) - len(d)
        if missing in (1, 2):  # schema 2 (no shard) or 1 (no identity keys either)
            d = [*d, *([""] * missing)]
        row = cls._make(d)
        if not (isinstance(row.id, str) and row.id and isinstance(row.title, str)):
            raise ValueError("bad row id or title")
        text = (row.source, row.source_kind, row.date, row.chash, row.ikey, row.shard)
        if not all(isinstance(x, str) for x in text):
            raise ValueError("bad row field")
        if not all(x is None or isinstance(x, str) for x in (*row[6:9], row.show)):
            raise ValueError("bad row field")
        tags: Any = row.auto_tags
        if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
            raise ValueError("bad row tags")
        if type(tags) is not tuple:
            row = row._replace(auto_tags=tuple(tags))
        return row


def row_for(entry: Entry, chash: str, shard: str = "") -> Row:
    """The index row of an entry whose stored content hashes to ``chash``, in ``shard``."""
    date = entry.published or (entry.digest.date if entry.digest and entry.digest.date else "")
    return Row(
        id=entry.id,
        title=entry.title,
        show=entry.show,
        source=entry.source.name,
        source_kind=entry.source.kind,
        date=date or "",
        digest_id=entry.digest.id if entry.digest else None,
        digest_title=entry.digest.title if entry.digest else None,
        link=entry.link,
        auto_tags=entry.auto_tags,
        chash=chash,
        ikey=entry.ikey,
        shard=shard,
    )


def rows_not_at(rows: Sequence[Row], hashes: Mapping[str, str]) -> Iterator[Row]:
    """The rows whose content hash is not the one ``hashes`` holds for their id (or none), in order.

    What derived data asks of every row (a signature, a story placement, each
    recorded at a content hash): column-wise in C, since a Python test per row
    costs 0.3-0.7 s at 500k rows and an open on a library still catching up asks
    on every call. Lazy: ``next(rows_not_at(...), None) is None`` stops early.
    """
    now = map(hashes.get, map(_ROW_ID, rows))
    return compress(rows, map(ne, now, map(_ROW_CHASH, rows)))


_ROW_ID, _ROW_CHASH = attrgetter("id"), attrgetter("chash")


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """What a parser yields before an id and a source are attached."""

    title: str
    show: str | None = None
    author: str | None = None
    link: str | None = None
    published: str | None = None
    summary: str = ""
    key_points: tuple[str, ...] = ()
    key_points_derived: bool = False
    sections: tuple[Section, ...] = ()
    body: str = ""
    replies: tuple[str, ...] = ()
    enclosure: Enclosure | None = None
    reading_minutes: float | None = None
    extra: tuple[tuple[str, str], ...] = ()
    guid: str | None = None  # feeds: the entry's own id, used for a stable entry id


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """A parsed file or feed: an optional digest header plus its entries."""

    entries: tuple[ParsedEntry, ...]
    digest_title: str | None = None
    digest_date: str | None = None
    source_name: str | None = None  # e.g. "Digestly", a feed's title, a site name
    # feeds: the channel's own link (alternate, else self), part of its items' identity
    channel_link: str | None = None
    overview: tuple[str, ...] = ()  # "Top Podcast" one-liners: not entries
    kind: str = "text"  # which parser handled it (for `ingest` reports and tests)
    warnings: tuple[str, ...] = field(default=())


def short_hash(*parts: str, length: int = 12) -> str:
    """Stable hex id from content parts (never from a file path)."""
    h = hashlib.sha1()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


def entry_to_json(
    e: Entry,
    marks: Marks = EMPTY_MARKS,
    *,
    full: bool = True,
) -> dict[str, Any]:
    """The public JSON form. ``full=False`` leaves out body, sections, replies."""
    auto = [t for t in e.auto_tags if t not in marks.removed_auto]
    d: dict[str, Any] = {
        "id": e.id,
        "source": e.source.to_json(),
        "digest": e.digest.to_json() if e.digest else None,
        "show": e.show,
        "author": e.author,
        "title": e.title,
        "link": e.link,
        "published": e.published,
        "summary": e.summary,
        "key_points": list(e.key_points),
        "key_points_derived": e.key_points_derived,
    }
    if full:
        d["sections"] = [s.to_json() for s in e.sections]
        d["body"] = e.body
        d["replies"] = list(e.replies)
    d["enclosure"] = e.enclosure.to_json() if e.enclosure else None
    d["reading_minutes"] = e.reading_minutes
    d["extra"] = dict(e.extra)
    d["tags"] = {"auto": auto, "user": list(marks.user_tags)}
    d["bookmarked"] = marks.bookmarked
    d["read"] = marks.read
    return d


def entry_to_record(e: Entry) -> dict[str, Any]:
    """Storage form of the content (no marks)."""
    d = entry_to_json(e, EMPTY_MARKS, full=True)
    del d["tags"], d["bookmarked"], d["read"]
    d["auto_tags"] = list(e.auto_tags)
    return d


def entry_from_record(d: dict[str, Any]) -> Entry:
    src = d["source"]
    dg = d.get("digest")
    enc = d.get("enclosure")
    return Entry(
        id=d["id"],
        source=Source(src["kind"], src["name"], src["location"]),
        title=d.get("title") or "",
        digest=DigestInfo(dg["id"], dg.get("title"), dg.get("date")) if dg else None,
        show=d.get("show"),
        author=d.get("author"),
        link=d.get("link"),
        published=d.get("published"),
        summary=d.get("summary") or "",
        key_points=tuple(d.get("key_points") or ()),
        key_points_derived=bool(d.get("key_points_derived")),
        sections=tuple(Section.from_json(s) for s in d.get("sections") or ()),
        body=d.get("body") or "",
        replies=tuple(d.get("replies") or ()),
        enclosure=Enclosure(
            enc["url"], enc.get("type"), enc.get("length"), enc.get("duration_seconds")
        )
        if enc
        else None,
        reading_minutes=d.get("reading_minutes"),
        auto_tags=tuple(d.get("auto_tags") or ()),
        extra=tuple((str(k), str(v)) for k, v in (d.get("extra") or {}).items()),
    )
