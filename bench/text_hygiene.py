"""Text hygiene on real feeds: ``python bench/text_hygiene.py [--time]``.

Reads ``../shared/corpus/realworld`` in place and prints what a reader would
notice: letters of feedparser's titles that ``clean_line`` lost, and HTML
leftovers (entities, stray tags, comments) in the parsed fields of every
item. ``--time`` adds a micro-benchmark of ``clean_line`` over the titles
(the hot path of an ingest), best of five timeit rounds of CPU time.
"""

from __future__ import annotations

import html
import os
import re
import sys
import time
import timeit
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.parse.feed import parse_feed_bytes  # noqa: E402
from store.text import clean_line  # noqa: E402

# ../shared beside the checkout, as the tests read it; DIGEST_SHARED overrides
SHARED = Path(os.environ.get("DIGEST_SHARED") or Path(__file__).resolve().parents[2] / "shared")
REALWORLD = SHARED / "corpus" / "realworld"
LEFTOVER_RE = re.compile(
    r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|<!--|</?(?:br|p|a|div|span|img|b|i|em|strong|ul|ol|li|h[1-6]|font|blockquote)\b[^<>]{0,500}>",
    re.I,
)


def feed_files() -> list[Path]:
    """The corpus's feeds (not its HTML pages, not its manifest)."""
    return sorted(p for p in REALWORLD.iterdir() if p.suffix in (".xml", ".rss", ".atom"))


def titled() -> list[tuple[str, str]]:
    """(title as feedparser gives it, entities unescaped once more; what a reader should see).

    What a reader should see: an HTML title's text (its tags are markup), with
    mis-decoded UTF-8 repaired by ftfy alone, the independent judge.
    """
    import feedparser
    import ftfy
    from selectolax.lexbor import LexborHTMLParser

    out: list[tuple[str, str]] = []
    for p in feed_files():
        for e in feedparser.parse(p.read_bytes()).entries:
            raw = str(e.get("title") or "")
            if not raw:
                continue
            seen = raw
            if "html" in str((e.get("title_detail") or {}).get("type", "")):
                seen = LexborHTMLParser(f"<p>{raw}</p>").text()
            seen = ftfy.fix_text(
                html.unescape(seen), fix_latin_ligatures=False, fix_character_width=False
            )
            out.append((html.unescape(raw), seen))
    return out


def letters(s: str) -> list[str]:
    return [c for c in unicodedata.normalize("NFC", s) if unicodedata.category(c).startswith("L")]


def kept_in_order(want: list[str], got: str) -> bool:
    it = iter(got)
    return all(c in it for c in want)


def main() -> None:
    pairs = titled()
    ts = [t for t, _ in pairs]
    lost = [(t, clean_line(t)) for t, w in pairs if not kept_in_order(letters(w), clean_line(t))]
    print(f"titles: {len(ts)}, with a letter lost by clean_line: {len(lost)}")
    for t, c in lost[:8]:
        print(f"  {t[:70]!r} -> {c[:70]!r}")
    fields = hits = 0
    samples: list[str] = []
    for p in feed_files():
        try:
            doc = parse_feed_bytes(p.read_bytes())
        except Exception:
            continue
        for e in doc.entries:
            values = [e.title, e.author or "", e.summary, e.body, *e.key_points]
            for v in values:
                fields += 1
                m = LEFTOVER_RE.search(v)
                if m:
                    hits += 1
                    if len(samples) < 8:
                        samples.append(f"{p.name}: {v[max(0, m.start() - 30) : m.end() + 30]!r}")
    print(f"parsed fields: {fields}, with an HTML leftover: {hits}")
    for s in samples:
        print("  " + s)
    if "--time" in sys.argv:
        n = 5  # CPU time, not wall clock: the machine is shared
        timer = timeit.Timer(lambda: [clean_line(t) for t in ts], timer=time.process_time)
        best = min(timer.repeat(number=n, repeat=5)) / n
        print(
            f"clean_line over {len(ts)} titles: {best * 1e3:.2f} ms ({best / len(ts) * 1e6:.2f} µs each)"
        )


if __name__ == "__main__":
    main()
