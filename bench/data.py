"""Deterministic synthetic data for the benchmarks.

One generator feeds both readers, so digest-tui and newsboat always hold the
same entries: item ``i`` has the same title, date, summary, key points,
sections and body whether it is rendered into RSS (for newsboat and for
``digest-tui refresh``) or built straight into a digest-tui library.

Titles look like ``Story #000123: …`` so a screen poller can recognise an
entry row (feed names are ``Feed 00`` … and never match that pattern).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from store.models import Entry

#: Matches an entry title on screen (both readers); feed titles never match.
TITLE_RE = r"Story #\d{6}"

GENERATOR_VERSION = 1
BASE_TIME = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

WORDS = [
    "model",
    "compute",
    "training",
    "inference",
    "open",
    "source",
    "china",
    "policy",
    "chips",
    "export",
    "market",
    "startup",
    "founder",
    "podcast",
    "episode",
    "interview",
    "research",
    "benchmark",
    "agents",
    "reasoning",
    "energy",
    "grid",
    "datacenter",
    "capital",
    "venture",
    "regulation",
    "europe",
    "safety",
    "alignment",
    "robotics",
    "vision",
    "language",
    "data",
    "privacy",
    "security",
    "cloud",
    "hardware",
    "software",
    "latency",
    "cost",
    "scaling",
    "talent",
    "education",
    "health",
    "climate",
    "finance",
    "media",
    "culture",
    "history",
    "economy",
    "growth",
    "productivity",
    "labour",
    "automation",
    "creativity",
    "music",
    "science",
    "space",
]
TOPICS = [
    "ai",
    "china",
    "compute",
    "policy",
    "chips",
    "energy",
    "startups",
    "robotics",
    "safety",
    "privacy",
    "security",
    "climate",
    "finance",
    "health",
    "education",
    "media",
    "science",
    "space",
    "economy",
    "labour",
]
SHOWS = (
    "All-In Podcast",
    "Lex Fridman",
    "Hard Fork",
    "Dwarkesh Podcast",
    "Acquired",
    "Chris Williamson",
    "Latent Space",
    "The Diary",
)


class TextPool:
    """A fixed pool of sentences, so generating 100k entries stays cheap."""

    def __init__(self, seed: int, size: int = 4000) -> None:
        rnd = random.Random(seed)
        self.sentences: list[str] = []
        for _ in range(size):
            n = rnd.randint(9, 17)
            words = [rnd.choice(WORDS) for _ in range(n)]
            self.sentences.append(" ".join(words).capitalize() + ".")
        self.phrases = [
            " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 6))).title()
            for _ in range(size)
        ]

    def sentence(self, k: int) -> str:
        return self.sentences[k % len(self.sentences)]

    def text(self, k: int, n: int) -> str:
        return " ".join(self.sentence(k * 7919 + j * 104729) for j in range(n))

    def phrase(self, k: int) -> str:
        return self.phrases[k % len(self.phrases)]


@dataclass(frozen=True, slots=True)
class Item:
    """One synthetic entry, reader-neutral."""

    index: int
    feed: int
    title: str
    guid: str
    link: str
    published: datetime
    show: str
    summary: str
    key_points: tuple[str, ...]
    sections: tuple[tuple[str, tuple[str, ...], str], ...]  # (title, bullets, text)
    body: str
    tags: tuple[str, ...]


def make_item(pool: TextPool, i: int, feed: int, *, origin: str = "http://127.0.0.1") -> Item:
    """Item ``i`` (0 is the newest), belonging to feed ``feed``.

    Sizes follow real digests: ~350-char summary, 4 key points, 3 detail
    sections of 3 bullets + a sentence, a ~700-char body (~2.3 kB of text).
    """
    return Item(
        index=i,
        feed=feed,
        title=f"Story #{i:06d}: {pool.phrase(i)}",
        guid=f"bench-{i:06d}",
        link=f"{origin}/item/{i}",
        published=BASE_TIME - timedelta(minutes=10 * i),
        show=SHOWS[i % len(SHOWS)],
        summary=pool.text(i, 3),
        key_points=tuple(pool.sentence(i * 31 + k) for k in range(4)),
        sections=tuple(
            (
                pool.phrase(i * 13 + s),
                tuple(pool.sentence(i * 17 + s * 5 + b) for b in range(3)),
                pool.sentence(i * 19 + s),
            )
            for s in range(3)
        ),
        body=pool.text(i + 7, 6),
        tags=tuple(TOPICS[(i * m) % len(TOPICS)] for m in (1, 3, 7))[: 2 + i % 2],
    )


def feed_url(port: int, feed: int) -> str:
    return f"http://127.0.0.1:{port}/feed/{feed:02d}.xml"


def feed_name(feed: int) -> str:
    return f"Feed {feed:02d}"


def item_html(it: Item) -> str:
    """The item as the HTML a digest feed would carry (Key Points / Details)."""
    parts = [f"<p>{escape(it.summary)}</p>", "<h3>Key Points</h3>", "<ul>"]
    parts += [f"<li>{escape(k)}</li>" for k in it.key_points]
    parts += ["</ul>", "<h3>Details</h3>"]
    for n, (title, bullets, text) in enumerate(it.sections, 1):
        parts.append(f"<h4>{n}. {escape(title)}</h4><ul>")
        parts += [f"<li>{escape(b)}</li>" for b in bullets]
        parts.append(f"</ul><p>{escape(text)}</p>")
    parts.append(f"<p>{escape(it.body)}</p>")
    return "".join(parts)


def render_rss(feed: int, items: list[Item]) -> bytes:
    """An RSS 2.0 document for one feed."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{feed_name(feed)}</title><link>http://127.0.0.1/feed/{feed}</link>",
        f"<description>Synthetic benchmark feed {feed}</description>",
    ]
    for it in items:
        out.append(
            "<item>"
            f"<title>{escape(it.title)}</title>"
            f"<link>{escape(it.link)}</link>"
            f'<guid isPermaLink="false">{it.guid}</guid>'
            f"<pubDate>{format_datetime(it.published)}</pubDate>"
            f"<author>{escape(it.show)}</author>"
            + "".join(f"<category>{t}</category>" for t in it.tags)
            + f"<description>{escape(item_html(it))}</description>"
            "</item>"
        )
    out.append("</channel></rss>\n")
    return "".join(out).encode("utf-8")


def feed_documents(seed: int, n_feeds: int, n_items: int) -> dict[str, bytes]:
    """``{"/feed/NN.xml": rss bytes}`` for ``n_feeds`` feeds of ``n_items`` each.

    Items are dealt round-robin, so every feed spans the whole date range.
    """
    pool = TextPool(seed)
    per: dict[int, list[Item]] = {f: [] for f in range(n_feeds)}
    for i in range(n_feeds * n_items):
        per[i % n_feeds].append(make_item(pool, i, i % n_feeds))
    return {f"/feed/{f:02d}.xml": render_rss(f, items) for f, items in per.items()}


def daily_documents(
    seed: int, n_feeds: int, known: int, new: int
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(yesterday, today): ``known`` items per feed, then ``new`` more at the top of each.

    Today's items ``0 .. new×n_feeds-1`` are the new ones; yesterday's are the
    items after them, so every old item has the same bytes in both documents.
    """
    pool = TextPool(seed)
    per: dict[int, list[Item]] = {f: [] for f in range(n_feeds)}
    for i in range(n_feeds * (known + new)):
        per[i % n_feeds].append(make_item(pool, i, i % n_feeds))
    today = {f"/feed/{f:02d}.xml": render_rss(f, items) for f, items in per.items()}
    before = {f"/feed/{f:02d}.xml": render_rss(f, items[new:]) for f, items in per.items()}
    return before, today


def iter_entries(
    seed: int, n: int, n_feeds: int, port_label: int = 0, *, start: int = 0
) -> Iterator[Entry]:
    """digest-tui :class:`store.models.Entry` objects for items ``start..n-1``."""
    from store.models import Entry, Section, Source, short_hash

    pool = TextPool(seed)
    sources = {f: Source("feed", feed_name(f), feed_url(port_label, f)) for f in range(n_feeds)}
    for i in range(start, n):
        it = make_item(pool, i, i % n_feeds)
        src = sources[it.feed]
        yield Entry(
            id=short_hash("feed", src.location, it.guid),
            source=src,
            title=it.title,
            show=it.show,
            author=it.show,
            link=it.link,
            published=it.published.isoformat(),
            summary=it.summary,
            key_points=it.key_points,
            sections=tuple(
                Section(title=t, number=str(k), bullets=b, text=x)
                for k, (t, b, x) in enumerate(it.sections, 1)
            ),
            body=it.body,
            reading_minutes=2.0,
            auto_tags=it.tags,
        )


def fingerprint(**parts: object) -> str:
    """A short key for cached generated data (changes when the generator does)."""
    blob = json.dumps({"v": GENERATOR_VERSION, **parts}, sort_keys=True, default=str)
    return hashlib.sha1(blob.encode()).hexdigest()[:12]


def _prepared(args: tuple[int, int, int, int]) -> list[tuple[object, str, bytes, str]]:
    """Entries ``start..stop`` with their index terms (what a parse worker sends back)."""
    from store.index.tokens import entry_text
    from store.index.wordindex import text_terms
    from store.models import short_hash

    seed, start, stop, n_feeds = args
    out: list[tuple[object, str, bytes, str]] = []
    for e in iter_entries(seed, stop, n_feeds, start=start):
        text = entry_text(e)  # type: ignore[arg-type]
        out.append((e, short_hash(text, length=10), *text_terms(text)))
    return out


def build_library(
    directory: Path,
    n: int,
    seed: int,
    *,
    n_feeds: int = 50,
    batch: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> None:
    """A digest-tui library of ``n`` entries plus a realistic set of marks.

    Built with the store's own calls (``save_entries`` in batches, plus the
    search index that ingest/refresh keep beside the content), so it is what a
    long-time user's library holds, without parsing 100k feed items first.
    As in a refresh, worker processes generate the entries and their index
    terms (``text_terms``, most of the cost) while the main process stores the
    batch before (``add_prepared``): a 500k library is built once and cached,
    and this keeps both cores busy for it.
    Marks: 60% read, 1% bookmarked, 0.5% with a user tag (a long-time reader).
    """
    from store.index.wordindex import add_prepared
    from store.storage.library import Library

    directory.mkdir(parents=True, exist_ok=True)
    lib = Library.open(directory)
    ids: list[str] = []
    step = max(1, min(batch, 5_000))
    jobs = [(seed, s, min(n, s + step), n_feeds) for s in range(0, n, step)]
    buf: list[tuple[object, str, bytes, str]] = []

    def flush() -> None:
        lib.save_entries([d[0] for d in buf])  # type: ignore[misc]
        add_prepared(lib, buf)  # type: ignore[arg-type]
        buf.clear()
        if progress is not None:
            progress(len(ids))

    workers = min(os.cpu_count() or 1, 4)
    with ProcessPoolExecutor(workers) if n > step else _InProcess() as pool:
        for part in pool.map(_prepared, jobs):
            buf += part
            ids += [d[0].id for d in part]  # type: ignore[union-attr]
            if len(buf) >= batch:
                flush()
    if buf:
        flush()
    lib.set_read([x for k, x in enumerate(ids) if k % 5 < 3])
    lib.set_bookmarked(ids[::100])
    lib.add_tags(ids[::200], ["keep"])


class _InProcess:
    """``map`` in this process: a small library is not worth starting workers for."""

    def __enter__(self) -> _InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[Any]:
        return map(fn, jobs)


DIGEST_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def digest_text(pool: TextPool, k: int) -> str:
    """One Digestly-style multi-episode digest file (2-3 episodes), like seed 002."""
    day = BASE_TIME - timedelta(days=k)
    episodes = 2 + k % 2
    shows = [SHOWS[(k + e) % len(SHOWS)] for e in range(episodes)]
    lines = [
        "Digestly",
        "",
        f"{DIGEST_MONTHS[day.month - 1]} {day.day}, {day.year}",
        "",
        f"Digest {k:05d}: {pool.phrase(k * 3)}",
        "",
        "Top Podcast",
    ]
    lines += [f"{s}: {pool.sentence(k * 11 + e)}" for e, s in enumerate(shows)]
    lines.append("")
    for e, show in enumerate(shows):
        j = k * 5 + e
        lines += [f"{show} - Episode {k:05d}.{e}: {pool.phrase(j)}", "", pool.text(j, 4), ""]
        lines += ["Key Points:", ""]
        lines += [f"  • {pool.sentence(j * 3 + p)}" for p in range(4)]
        lines += ["", "Details:", ""]
        for s in range(1, 5):
            lines += [f"{s}. {pool.phrase(j * 7 + s)}", ""]
            lines += [f"  • {pool.sentence(j * 13 + s * 3 + b)}" for b in range(3)]
            lines.append("")
    lines += ["Previous Digests", ""]
    return "\n".join(lines)


def write_digest_files(directory: Path, n: int, seed: int) -> list[Path]:
    """``n`` digest files (text, UTF-8) in ``directory``."""
    pool = TextPool(seed + 1)
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(n):
        p = directory / f"digest-{k:05d}.txt"
        p.write_text(digest_text(pool, k), encoding="utf-8")
        out.append(p)
    return out
