"""Identity keys: what makes two arrivals of an item one entry, whatever path brought them.

An entry's id is kept for good (marks, tags and bookmarks are keyed by it);
its *identity keys*, kept in its index row, let a later arrival find it:

* a feed item: its guid within its channel, else its link, else its content;
  the channel is named by its own link and by its title (one key each, so a
  renamed feed or a channel link that only resolves against where the bytes
  came from still finds its items), never by the file path or URL it came from;
* a local document (digest, post, article): its content, folded so that two
  copies differing only in damage (mojibake, U+FFFD, lost emoji) give one key;
* an entry stored by the previous release (no keys yet): keys computed from
  what is stored (``stored_keys``); its feed items could not keep their guid,
  so they answer to a ``legacy_key`` of link and title that arrivals also probe.

Keys are 12 hex digits of a SHA-1 (``short_hash``), kind-tagged so that a guid
key can never equal a content key. This module also scores damage
(``damage``), so that the better of two copies wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from store.models import Entry, Section, Source, short_hash

__all__ = [
    "LEGACY",
    "channel_parts",
    "damage",
    "digest_key",
    "feed_keys",
    "fold_text",
    "is_url",
    "legacy_key",
    "merge_keys",
    "norm_link",
    "similar",
    "stored_keys",
]

FOLD_CHARS = 240  # folded characters of a summary/body that name a document
MAX_KEYS = 4  # identity keys a row keeps (a few paths' worth)
_NOT_ASCII_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def _alnum_any(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def fold_text(text: str) -> str:
    """Text reduced to what survives damage: ASCII letters and digits, lower case.

    UTF-8 read as cp1252 (and back), U+FFFD and lost emoji only ever touch
    non-ASCII characters, so the ASCII skeleton of a damaged copy equals the
    clean one's. Text mostly in another script (Greek, Cyrillic, CJK) has too
    little ASCII to tell items apart: it keeps its letters of every script
    (still blind to U+FFFD and emoji, not to mojibake).
    """
    ascii_part = _NOT_ASCII_ALNUM_RE.sub("", text.lower())
    if not ascii_part:
        return _alnum_any(text)
    if text.isascii():
        return ascii_part
    letters = _alnum_any(text)
    return ascii_part if len(ascii_part) >= 0.6 * len(letters) else letters


def norm_link(url: str | None) -> str:
    """A link as a key: http(s) only, scheme-, case-, ``www.``- and slash-blind; "" otherwise."""
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower().removeprefix("www.")
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def _norm_title(title: str | None) -> str:
    return " ".join((title or "").casefold().split())


def _content_part(title: str, summary: str, body: str) -> tuple[str, str]:
    # a prefix long enough for FOLD_CHARS folded characters even where damage
    # tripled every non-ASCII character (folding a whole body costs ~1 ms)
    cut = 6 * FOLD_CHARS
    text = fold_text(summary[:cut])[:FOLD_CHARS] or fold_text(body[:cut])[:FOLD_CHARS]
    return fold_text(title), text


def channel_parts(link: str | None, title: str | None, scope: str) -> list[tuple[str, str]]:
    """What names a feed's channel in its items' keys: its own link and its title.

    ``scope`` (the path or URL the bytes came from) names it only when it has
    neither. Computed once a document, passed to every item's ``feed_keys``.
    """
    out: list[tuple[str, str]] = []
    if norm_link(link):
        out.append(("l", norm_link(link)))
    if _norm_title(title):
        out.append(("t", _norm_title(title)))
    return out or [("s", scope)]


def feed_keys(
    channels: list[tuple[str, str]],
    *,
    guid: str | None,
    link: str | None,
    title: str,
    summary: str,
    body: str,
    base: str | None = None,
) -> list[str]:
    """A feed item's keys: each of its ``channel_parts`` × (guid, else link, else content).

    A guid the parser made up from the content (``h:``) is no guid. ``base`` is
    the URL the bytes were fetched from: the parsers resolve a relative guid
    against it, so a guid under it is keyed both as it is and as a file would
    have it (relative), whichever the file held.
    """
    real_guid = (guid or "").strip()
    if real_guid.startswith("h:"):
        real_guid = ""
    forms: list[tuple[str, ...]]
    if real_guid:
        forms = [("g", g) for g in _unresolved(real_guid, base)]
    elif link and norm_link(link):
        forms = [("u", norm_link(u) or u) for u in _unresolved(link, base)]
    else:
        forms = [("c", *_content_part(title, summary, body))]
    return [short_hash("feed", *ch, *item) for item in forms for ch in channels][:MAX_KEYS]


def _unresolved(value: str, base: str | None) -> list[str]:
    """``value`` as it is, then as the feed may have written it (relative to ``base``).

    As it is first: the id comes from the first key, and a guid under the feed's
    own host is far more often written whole than relative.
    """
    if not base or "://" not in base:
        return [value]
    origin = base[: base.find("/", base.find("://") + 3) % (len(base) + 1)]
    folder = base[: base.rfind("/") + 1]
    if len(folder) > len(origin) and value.startswith(folder):
        return [value, value[len(folder) :]]
    if value.startswith(origin + "/"):
        return [value, value[len(origin) :]]
    return [value]


def digest_key(
    *,
    show: str | None,
    title: str,
    digest_title: str | None,
    digest_date: str | None,
    summary: str,
    body: str,
) -> str:
    """A local document's key: its content as its id is, folded against damage."""
    t, text = _content_part(title, summary, body)
    return short_hash(
        "doc", fold_text(show or ""), t, fold_text(digest_title or ""), digest_date or "", text
    )


LEGACY = "~"  # the mark of a legacy key, so that arrivals probe them only where they exist


def legacy_key(link: str | None, title: str, summary: str, body: str) -> str:
    """The key of a feed item stored before identity keys (its guid was not kept)."""
    if norm_link(link):
        return LEGACY + short_hash("legacy", norm_link(link), fold_text(title))
    return LEGACY + short_hash("legacy", *_content_part(title, summary, body))


def stored_keys(e: Entry) -> str:
    """The keys of a stored entry that has none yet (a library of the previous release)."""
    if e.source.kind == "feed":
        return legacy_key(e.link, e.title, e.summary, e.body)
    return digest_key(
        show=e.show,
        title=e.title,
        digest_title=e.digest.title if e.digest else None,
        digest_date=e.digest.date if e.digest else None,
        summary=e.summary,
        body=e.body,
    )


def merge_keys(*ikeys: str) -> str:
    """Several key strings as one, first ones first, at most MAX_KEYS."""
    out = dict.fromkeys(k for ks in ikeys for k in ks.split())
    return " ".join(list(out)[:MAX_KEYS])


def is_url(location: str) -> bool:
    """A subscribed feed's location (a URL) rather than a local path."""
    return "://" in location and not location.startswith("file:")


def source_rank(s: Source) -> tuple[int, str]:
    """Which of two sources an entry keeps: a subscribed feed first, then by location."""
    return (0 if is_url(s.location) else 1, s.location)


# -- damage --------------------------------------------------------------------


def _sections(sections: Iterable[Section]) -> Iterator[Section]:
    for s in sections:
        yield s
        yield from _sections(s.sections)


def _texts(e: Entry) -> Iterator[str]:
    yield e.title
    yield e.show or ""
    yield e.summary
    yield from e.key_points
    for s in _sections(e.sections):
        yield s.title
        yield from s.bullets
        yield s.text
    yield e.body


def _badness(text: str) -> int:
    if text.isascii():
        return 0
    from ftfy.badness import badness

    return text.count("\ufffd") + int(badness(text))


def damage(e: Entry) -> tuple[int, ...]:
    """How damaged a copy looks (lower is better): mojibake and U+FFFD, then lost
    section icons, fewer sections, fewer key points, fewer non-ASCII characters."""
    texts = list(_texts(e))
    secs = list(_sections(e.sections))
    non_ascii = sum(sum(1 for c in t if ord(c) > 127) for t in texts)
    return (
        sum(_badness(t) for t in texts),
        -sum(1 for s in secs if s.icon),
        -len(secs),
        -len(e.key_points),
        -non_ascii,
    )


def _skeleton(e: Entry) -> str:
    return fold_text(" ".join(_texts(e)))


def similar(a: Entry, b: Entry) -> bool:
    """Whether two copies say the same once damage is folded away (nearly: a lost
    key point or two still counts as the same item)."""
    sa, sb = _skeleton(a), _skeleton(b)
    if sa == sb:
        return True
    if min(len(sa), len(sb)) < 0.8 * max(len(sa), len(sb), 1):
        return False
    ga, gb = _shingles(sa), _shingles(sb)
    return len(ga & gb) >= 0.8 * len(ga | gb)


def _shingles(s: str, n: int = 8) -> set[str]:
    return {s[i : i + n] for i in range(max(len(s) - n + 1, 1))}
