"""Junk counts on a folder of real feeds: ``python -m bench --realworld [FOLDER]``.

Why: the figures issue 15 asks for (≤ 1 % junk summaries, ≤ 1 % junk key
points, 0 leftovers, 0 tracebacks) have to be measured on feeds people really
subscribe to, the same way every time. The junk detector here is written from
what a reader calls junk (phrase patterns), independently of the product's own
filter in ``store/parse/chrome.py``, so the two can disagree and the figure
means something. ``tests/store/test_realworld.py`` asserts on the same counts.

The folder defaults to ``../shared/corpus/realworld`` beside the checkout; its
``MANIFEST.tsv`` names the files when there is one, otherwise every file is
tried. HTML pages (``.html``) are skipped: they are documents, not feeds.
"""

from __future__ import annotations

import re
import sys
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = REPO.parent / "shared" / "corpus" / "realworld"

# -- the detector ---------------------------------------------------------------------
_JUNK_ANYWHERE = [
    r"\bsponsored by\b",
    r"\bthis (?:episode|show|podcast) is (?:brought to you|sponsored|supported) by\b",
    r"\b(?:promo|offer|coupon|discount) code\b",
    r"\buse (?:the )?code [A-Z0-9]{2,}\b",
    r"\bsubscribe to (?:our|the|my) (?:weekly |daily |free )?newsletter\b",
    r"\bsign up for (?:our|the|my) (?:weekly |daily |free )?newsletter\b",
    r"\bsubmitted by\s+/?u/",
    r"\bcontinue reading\b",
    r"\bappeared first on\b",
    r"\[link\]",
    r"\[\d+ comments?\]",
    r"\breader comments\b",
    r"\bavailable (?:\d+ weeks? |a week |one week )?early (?:for|on|to) patr(?:ons|eon)\b",
    r"\bsupport (?:us|the show|this show|the podcast) on patreon\b",
    r"\bsee privacy policy\b",
    r"\bprivacy (?:policy|info) and opt-out\b",
    r"\bsee omnystudio\.com/listener\b",
    r"\bhosted on acast\b",
    r"\blearn more about your ad choices\b",
    r"\badvertising inquiries\b",
]
_JUNK_WHOLE = [
    r"(?:tags?|links?|follow[- ]?up|show notes|notes|sponsors?|credits|resources|"
    r"related|see also|mentioned|chapters|timestamps|transcript|more|read more|"
    r"more info|categories|category|filed under|posted in|share|comments?)\s*[:.…]*",
    r"(?:hi|hello|hey|greetings)(?: (?:all|everyone|everybody|folks|friends|there|guys))?[!,.]*",
    r"welcome (?:back|everyone|everybody)[!,.]*",
    r"more\s*(?:…|\.\.\.)",
    r"read more\s*(?:…|\.\.\.|»|›)?",
    r"https?://\S+",
    r"\W*",
]
_JUNK_ANYWHERE_RE = re.compile("|".join(_JUNK_ANYWHERE), re.I)
_JUNK_WHOLE_RE = re.compile(r"^\s*(?:" + "|".join(_JUNK_WHOLE) + r")\s*$", re.I)
# a point cut after an abbreviation or an initial: "The voice of Dr.", "by Robert C."
_CUT_AFTER_ABBREV_RE = re.compile(
    r"(?:^|\s)(?:Dr|Mr|Mrs|Ms|Mx|Sen|Rep|Gen|Gov|Lt|Col|Sgt|Capt|Prof|Jr|Sr|vs|e\.g|i\.e|"
    r"nr|Nr|z\.B|bzw|ca|Ep|ep|Vol|vol|Mt|Ft|approx|Hr|Fr|Hl|Sra|[A-Z])\.$"
)  # "etc.", "Inc.", "Ltd.", "St." (street) and "No." end sentences often enough: not here
_BARE_NUMBER_RE = re.compile(r"^\s*\d{1,3}[.)]?\s*$")
_TIMESTAMP_RE = re.compile(r"^\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s*[-–—:|]?\s*")
LEFTOVER_RE = re.compile(r"&#\d|&#x[0-9a-f]|&amp;|&nbsp;|&quot;|&lt;|&gt;|<br|<!--|</?p>", re.I)


def fold(s: str) -> str:
    """Case- and punctuation-insensitive form, for 'is this the title again' and duplicates."""
    return " ".join(re.sub(r"[^\w]+", " ", s.casefold()).split())


def junk_summary(summary: str, title: str) -> str | None:
    """Why this summary is junk, or None. An empty summary is honest, not junk."""
    s = summary.strip()
    if not s:
        return None
    if m := _JUNK_ANYWHERE_RE.search(s):
        return f"phrase {m.group(0)!r}"
    if _JUNK_WHOLE_RE.match(s):
        return "label or chrome only"
    if fold(s) == fold(title):
        return "repeats the title"
    if s.endswith(":") and len(s.split()) <= 4:
        return "a label"
    return None


def junk_point(point: str) -> str | None:
    """Why this key point is junk, or None."""
    s = point.strip()
    if m := _JUNK_ANYWHERE_RE.search(s):
        return f"phrase {m.group(0)!r}"
    if _JUNK_WHOLE_RE.match(s):
        return "label or chrome only"
    if _CUT_AFTER_ABBREV_RE.search(s):
        return "cut after an abbreviation"
    if _BARE_NUMBER_RE.match(s):
        return "a bare number"
    if _TIMESTAMP_RE.match(s):
        return "a timestamp left in"
    if s.endswith(":") and len(s.split()) <= 4:
        return "a label"
    return None


def leftovers(*fields: str) -> list[str]:
    return [m.group(0) for f in fields for m in LEFTOVER_RE.finditer(f)]


# -- the run ----------------------------------------------------------------------------
@dataclass
class Counts:
    files: int = 0
    entries: int = 0
    summaries: int = 0
    junk_summaries: int = 0
    points: int = 0
    junk_points: int = 0
    duplicate_points: int = 0
    leftovers: int = 0
    bad_links: int = 0
    tracebacks: int = 0
    parse_seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if len(self.examples) < 5000:
            self.examples.append(what)


def feed_files(folder: Path) -> list[Path]:
    """The feeds of a corpus folder: MANIFEST.tsv order when there is one; .html skipped."""
    manifest = folder / "MANIFEST.tsv"
    if manifest.exists():
        names = [
            ln.split("\t", 1)[0]
            for ln in manifest.read_text(encoding="utf-8").splitlines()[1:]
            if ln.strip()
        ]
        paths = [folder / n for n in names]
    else:
        paths = sorted(p for p in folder.iterdir() if p.is_file())
    return [
        p for p in paths if p.is_file() and p.suffix.lower() not in (".html", ".htm", ".md", ".tsv")
    ]


_URL_RE = re.compile(r"^https?://[^\s/]+")
_SELF_RE = re.compile(r"(?:-atom|-rss2?|-rdf)\.php$|/feed/?$|\.(?:rss|atom)$", re.I)


def bad_link(link: str | None, feed_url: str | None, guid: str | None = None) -> str | None:
    """Why an item link is dishonest: not an http(s) URL, the feed itself, a joined guid."""
    if link is None:
        return None
    if not _URL_RE.match(link):
        return "not an http(s) URL"
    g = (guid or "").strip()
    if g and feed_url and not _URL_RE.match(g) and link == urljoin(feed_url, g):
        return "made from a guid that is not a URL"
    if feed_url and link == feed_url:
        return "the feed's own URL"
    if _SELF_RE.search(link.split("?", 1)[0]):
        return "a feed (self) link"
    return None


def measure(paths: Iterable[Path], server: str | None = "http://127.0.0.1:8765/") -> Counts:
    """Parse every file and count junk; never raises (a traceback is a count).

    Each file is parsed as if ``server`` served it (``server`` + its name), the
    way a refresh sees it: a relative link or a non-URL guid joined to that URL
    shows up as a bad link.
    """
    from store.parse import ParseError
    from store.parse.feed import parse_feed_bytes

    c = Counts()
    for p in paths:
        c.files += 1
        data = p.read_bytes()
        base_url = server + p.name if server else None
        t0 = time.process_time()
        try:
            doc = parse_feed_bytes(data, base_url=base_url)
        except ParseError:
            c.parse_seconds += time.process_time() - t0
            continue
        except Exception:
            c.parse_seconds += time.process_time() - t0
            c.tracebacks += 1
            c.note(f"{p.name}: TRACEBACK {traceback.format_exc(limit=3)}")
            continue
        c.parse_seconds += time.process_time() - t0
        for e in doc.entries:
            c.entries += 1
            if e.summary:
                c.summaries += 1
            why = junk_summary(e.summary, e.title)
            if why:
                c.junk_summaries += 1
                c.note(f"{p.name}: summary {why}: {e.summary[:160]!r}")
            seen: set[str] = set()
            for k in e.key_points:
                c.points += 1
                why = junk_point(k)
                if why:
                    c.junk_points += 1
                    c.note(f"{p.name}: point {why}: {k[:160]!r}")
                f = fold(k)
                if f in seen:
                    c.duplicate_points += 1
                    c.junk_points += 1
                    c.note(f"{p.name}: point duplicated: {k[:160]!r}")
                seen.add(f)
            left = leftovers(e.title, e.summary, *e.key_points)
            if left:
                c.leftovers += 1
                c.note(f"{p.name}: leftover {left[:3]} in {e.title[:60]!r}")
            why = bad_link(e.link, base_url, e.guid)
            if why:
                c.bad_links += 1
                c.note(f"{p.name}: link {why}: {e.link!r}")
    return c


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} %" if d else "n/a"


def report(c: Counts, name: str) -> str:
    return "\n".join(
        [
            "| corpus | files | entries | junk summaries | junk key points | leftovers "
            "| bad links | tracebacks | parse time |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            f"| {name} | {c.files} | {c.entries} | {c.junk_summaries} / {c.summaries} "
            f"({pct(c.junk_summaries, c.summaries)}) | {c.junk_points} / {c.points} "
            f"({pct(c.junk_points, c.points)}) | {c.leftovers} | {c.bad_links} "
            f"| {c.tracebacks} | {c.parse_seconds:.2f} s |",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the counts for each folder given (default: the shared realworld corpus)."""
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    folders = [Path(a) for a in args if a != "-v"] or [DEFAULT_FOLDER]
    sys.path.insert(0, str(REPO))
    for folder in folders:
        if not folder.is_dir():
            print(f"{folder}: not a folder", file=sys.stderr)
            continue
        c = measure(feed_files(folder))
        print(report(c, folder.name))
        if verbose:
            for ex in c.examples:
                print("  " + ex)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
