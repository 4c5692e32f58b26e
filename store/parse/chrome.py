"""What in a feed item's text is not the item: sponsor reads, plugs, chrome, labels.

Why: feeds pad every item with the same furniture — "Sponsored by:", promo
codes, "Subscribe to our weekly newsletter", "available early on Patreon",
"The post … appeared first on …", reddit's "submitted by /u/x", Medium's
"Continue reading on", "[link] [431 comments]", greetings, bare labels and
lists of links. A summary or a key point made of that tells the reader nothing.
The rules are written for the kind of line (its shape and its stock phrases in
the languages we meet), not for one feed's wording; each has a unit test in
``tests/store/test_summaries.py`` or ``tests/store/test_key_points.py``.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "fold",
    "is_junk_sentence",
    "is_label",
    "is_plug",
    "may_hold_junk",
    "is_link_line",
    "strip_timestamp",
]

# a sentence that is a sponsor read or a plug wherever the phrase sits in it;
# each rule is (a literal every match holds, in lower case; the pattern), so a
# sentence is searched only by the few rules whose literal it contains (one
# big alternation costs ~150 µs a sentence, this ~5 µs)
_PLUG: tuple[tuple[str, str], ...] = (
    # sponsors
    ("sponsor", r"\bsponsored by\b|\b(?:our|today'?s|this week'?s|episode) sponsors?\b"),
    ("sponsor", r"\bthanks to (?:our|today'?s|this week'?s) sponsors?\b"),
    (" by", r"^\W*(?:brought to you|made possible|supported|presented|powered) by\b(?! you\b)"),
    (
        " by",
        r"\b(?:this|the|today'?s|our) (?:episode|show|podcast|program|programme|series)\b.{0,40}?"
        r"\b(?:brought to you|made possible|supported|presented|powered|sponsored) by\b(?! you\b)",
    ),
    ("provided by", r"\b(?:bandwidth|hosting|cdn|streaming|transcripts?)\b.{0,60}\bprovided by\b"),
    ("help us", r"\bhelp us (?:stay|keep|remain|grow|continue|make)\b"),
    ("support for", r"\bsupport for (?:this|the) (?:podcast|show|program|episode) comes from\b"),
    ("code", r"\b(?:promo|offer|coupon|discount|voucher) code\b"),
    ("code", r"\buse (?:the )?code\s+\W?[A-Za-z0-9]{2,}"),
    ("% off", r"\b\d{1,3}\s?% off\b"),
    ("free trial", r"\bfree trial\b"),
    ("go to ", r"\bgo to \S+\.(?:com|org|net|io|co)/\S+"),
    # plugs: newsletters, subscriptions, Patreon, socials, reviews
    ("subscribe", r"\bsubscribe (?:to|on|at|for|in|and)\b"),
    ("sign up", r"\bsign up (?:for|to|at)\b"),
    ("newsletter", r"\bnewsletter\b"),
    ("patr", r"\bpatr(?:eon|ons)\b"),
    ("join us", r"\bjoin us\b(?! (?:for|as|in|on|to|this|today|now|again|at)\b)"),
    ("support ", r"\bsupport (?:us|the show|this show|the podcast|our work)\b"),
    ("follow ", r"\bfollow (?:us|me|the show|[A-Z]\w+) (?:on|at|@)"),
    ("review", r"\b(?:rate|review)(?:,| and| &) (?:review|subscribe|rate|share)\b"),
    ("leave ", r"\bleave (?:us )?a (?:rating|review)\b"),
    ("subscribe", r"\b(?:download|listen) (?:or|and) subscribe\b"),
    ("become a ", r"\bbecome a (?:member|supporter|patron)\b"),
    ("donate", r"\bdonate (?:to|at|now)\b"),
    ("merch", r"\bmerch\b"),
    # ad networks' footers
    ("privacy", r"\bprivacy (?:policy|info)\b"),
    ("opt", r"\bopt[- ]out\b"),
    ("choices", r"\bad ?choices\b"),
    ("advertis", r"\badvertis(?:ing|e) (?:inquiries|with us)\b"),
    ("hosted ", r"\bhosted (?:on|by) (?:acast|anchor|libsyn|megaphone|omny|simplecast|podbean)\b"),
    ("omnystudio", r"\bomnystudio\.com/listener\b"),
    ("podtrac", r"\bpodtrac\b"),
    # aggregators' and platforms' chrome
    ("submitted by", r"\bsubmitted by\s+/?u/"),
    ("continue reading", r"\bcontinue reading\b"),
    ("appeared", r"\bappeared first on\b|\bthe post\b.{1,300}\bappeared\b"),
    ("read ", r"\bread (?:the )?(?:more|full (?:story|article|post))\b"),
    ("read more", r"\bread more\b"),
    ("reader comments", r"\breader comments\b"),
    ("link", r"\[\s*link\s*\]"),
    ("comment", r"\[\s*\d*\s*comments?\s*\]"),
    ("comment", r"\bcomments? (?:on|at) (?:this|the) (?:post|story|article)\b"),
    ("click here", r"\bclick here\b"),
    ("share ", r"\bshare (?:this|on)\b"),
    ("notes", r"\b(?:view|see) (?:the )?(?:full )?show ?notes\b|\bfull show notes\b"),
    ("transcript", r"\b(?:view|see|read) (?:the )?(?:full )?transcript\b"),
    # other languages (de, fr, es, it, nl): sponsors, subscriptions, read more
    ("werbung", r"\bwerbung\b"),
    ("anzeige", r"\banzeige\b"),
    ("gesponsert", r"\bgesponsert\b"),
    ("abonn", r"\b(?:abonnier(?:e|t|en)|abonnez|abonneer)\b"),
    ("suscr", r"\bsuscr[íi]bete\b"),
    ("iscriviti", r"\biscriviti\b"),
    ("weiterlesen", r"\bweiterlesen\b"),
    ("lire la suite", r"\blire la suite\b"),
    ("leer m", r"\bleer m[áa]s\b"),
    ("continua a leggere", r"\bcontinua a leggere\b"),
    ("lees verder", r"\blees verder\b"),
    ("abonnement", r"\bcet article est disponible sur abonnement\b|\bnos abonnements\b"),
)
_PLUG_RULES: dict[str, list[re.Pattern[str]]] = {}
for _kw, _rx in _PLUG:
    _PLUG_RULES.setdefault(_kw, []).append(re.compile(_rx, re.I))
# one scan finds which literals a sentence holds; only their rules run
_PLUG_GATE_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(_PLUG_RULES, key=len, reverse=True))
)


def may_hold_junk(paragraph: str) -> bool:
    """Could a sentence of this paragraph be junk? False only when none can be.

    A cheap whole-paragraph test (links, a plug's literal, a label's or a
    credit's colon, a greeting's or chrome's shortness) that spares the
    sentence split of the many clean paragraphs.
    """
    if "http" in paragraph or "www." in paragraph or "[" in paragraph:
        return True
    if _CREDIT_RE.match(paragraph):
        return True
    if _PLUG_GATE_RE.search(paragraph.lower()):
        return True
    # greetings and chrome are short sentences: any sentence of ≤ 5 words may be one
    return any(len(s.split()) <= 5 for s in _SHORT_SPLIT_RE.split(paragraph))


_SHORT_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+")


def is_plug(s: str) -> bool:
    """A sponsor read, a subscription or donation plug, or platform chrome, anywhere in ``s``."""
    found = _PLUG_GATE_RE.findall(s.lower())
    if not found:
        return False
    return any(rx.search(s) for kw in set(found) for rx in _PLUG_RULES[kw])


# a whole line (or sentence) that is only a label, a greeting or chrome
_ONLY = [
    r"(?:hi|hello|hey|hiya|greetings|howdy|hallo|bonjour|salut|hola|ciao)"
    r"(?: (?:all|everyone|everybody|folks|friends|there|guys|y'?all|listeners))?",
    r"welcome(?: back)?(?: (?:everyone|everybody|folks|friends|all|to (?:the|another|this|our) "
    r"(?:show|episode|podcast)))?",
    r"(?:more|read more|see more|show more|continue|mehr|plus|suite|lire plus)\s*(?:…|\.\.\.|»|›|→)?",
    r"(?:thanks|thank you)(?: for (?:listening|watching|reading))?",
    r"enjoy(?: the (?:show|episode))?",
    r"(?:share|like|tweet|comment|reply|reblog|permalink|top|back to top|comments?)",
    r"\W*",
]
_ONLY_RE = re.compile(r"^\W*(?:" + "|".join(_ONLY) + r")\W*$", re.I)
# a credit line: "Host: Leo", "Guests: A, B and C", "Music by: X"
_CREDIT_RE = re.compile(
    r"^\W*(?:co-?)?(?:hosts?|guests?|featuring|feat|with|panel(?:ists?)?|moderators?|producers?|"
    r"produced by|executive producers?|editors?|edited by|music(?: by)?|theme music|artwork|"
    r"cover art|credits?|cast|audio|engineers?|recorded (?:at|by)|mixed by|transcripts?|"
    r"gäste?|moderation|invités?|invitados?|ospiti?|gasten?)\s*:",
    re.I,
)
_LABEL_RE = re.compile(r"^\W*[^\s:][^:]{0,38}:\W*$")
_URL_RE = re.compile(r"\(?\s*(?:https?://|www\.)\S+\s*\)?", re.I)
_TIMESTAMP_RE = re.compile(
    r"^\s*(?:[\[(]\s*)?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\s*[\])])?\s*(?:[-–—:|•·>]\s*|(?=\w))"
)
_FOLD_RE = re.compile(r"[^\w]+")


def fold(s: str) -> str:
    """Case-, accent-free-enough and punctuation-insensitive key (for duplicates, titles)."""
    return " ".join(_FOLD_RE.sub(" ", s.casefold()).split())


def is_label(s: str) -> bool:
    """A label with nothing after it: "Tags:", "Follow-up:", "Links:", "Sponsored by:".

    Also a short lead-in that only announces what follows ("Patch for x:").
    """
    t = s.rstrip()
    if not t.endswith(":"):
        return bool(_LABEL_RE.match(t)) and len(t.split()) <= 5
    return len(t.split()) <= 5


def is_link_line(s: str) -> bool:
    """A line that is only links, or a short label and a link ("Website (http://…)")."""
    if "http" not in s and "www." not in s:
        return False
    rest = _URL_RE.sub(" ", s)
    words = [w for w in re.split(r"[\s,;|/·•:–—-]+", rest) if any(c.isalnum() for c in w)]
    if len(words) <= 3:
        return True
    # "Follow the show on Youtube: https://…": a label and its link
    return len(words) <= 8 and rest.rstrip(" .)(").endswith(":")


def strip_timestamp(s: str) -> str:
    """A show-notes outline line without its timestamp: "00:12:30 – Topic" → "Topic"."""
    m = _TIMESTAMP_RE.match(s)
    return s[m.end() :].strip() if m else s


@lru_cache(maxsize=4096)
def is_junk_sentence(s: str) -> bool:
    """A sentence or line no reader keeps: a plug, chrome, a greeting, a label, links.

    Cached: an item's summary and key points test the same sentences, and a
    feed repeats its furniture in every item.
    """
    t = s.strip()
    if not t:
        return True
    return (
        bool(_ONLY_RE.match(t))
        or is_label(t)
        or (bool(_CREDIT_RE.match(t)) and len(t.split()) <= 16)
        or is_plug(t)
        or is_link_line(t)
    )
