"""Tags on real feeds (``../shared/corpus/realworld``): every tag rests on the entry's own words.

The checks here are written independently of the tagger's code: the text
outside URLs and e-mail addresses is found with a plain pattern, words are
compared after lower-casing only, and a word's English frequency comes from
``wordfreq`` directly. A tag fails when

* its only evidence is inside a URL or an e-mail address;
* it is ``united-states`` and the text names the country only as "us";
* one of its words is not a word of the entry's text and not an English
  word either (a broken singular: "texa", "christma", "itune").

That ingesting the same files again changes no tag is checked in
``test_identity_realworld.py`` (on a copy of the same session ingest).
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from wordfreq import zipf_frequency

from store.config import default_topics
from store.index.tokens import entry_text
from store.storage.library import Library
from tests.support.realworld import GROUP, RealworldLibrary

_LINKS = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\b[\w-]+\.(?:com|org|net|fm|io)/\S*", re.I
)
_WORDS = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
_COUNTRY = re.compile(
    r"\b(?:U\.S(?!\.S\.)\.?A?|US|USA|United States|America|Americas|Americans?|Washington"
    r"|White House"
    r"|Congress|Silicon Valley)(?![\w])"
)

pytestmark = pytest.mark.xdist_group(GROUP)


@pytest.fixture(scope="module")
def library(realworld_library: RealworldLibrary) -> Library:
    """The session's ingest, for tests that only read it."""
    return Library.open(realworld_library.directory)


def _fold(text: str) -> str:
    """Lower case without accents ("Süden" -> "suden"), as tags are written."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


def _words(text: str) -> list[str]:
    return _WORDS.findall(_fold(text))


def _phrases() -> dict[str, list[list[str]]]:
    """Vocabulary tag -> its phrases as lower-case word lists (plus the tag id's words)."""
    out: dict[str, list[list[str]]] = {}
    for tag, phrases in default_topics().items():
        forms = [p.lower() for p in (tag.replace("-", " "), *phrases)]
        out.setdefault(tag.rstrip("s"), []).extend(_WORDS.findall(f) for f in forms)
    return out


def _has_phrase(words: list[str], phrase: list[str]) -> bool:
    """``phrase`` occurs in ``words`` (a trailing plural "s" ignored on both sides)."""
    norm = [w.rstrip("s") for w in words]
    want = [w.rstrip("s") for w in phrase]
    k = len(want)
    if k == 0:
        return False
    joined = "".join(want)
    pairs = {a + b for a, b in zip(norm, norm[1:], strict=False)}
    return (
        any(norm[i : i + k] == want for i in range(len(norm) - k + 1))
        or joined in norm
        or joined in pairs  # "UTF-8" -> utf8, "Stack Exchange" -> stackexchange
    )


def _evidence(lib: Library) -> list[tuple[str, tuple[str, ...], str, str]]:
    """(id, tags, text, text outside links) of every entry."""
    rows = lib.rows()
    out = []
    for e in lib.get_many([r.id for r in rows]):
        text = entry_text(e)
        out.append((e.id, e.auto_tags, text, _LINKS.sub(" ", text)))
    return out


def test_no_tag_rests_only_on_a_url(library: Library) -> None:
    vocab = _phrases()
    bad = []
    for eid, tags, text, prose in _evidence(library):
        words = _words(prose)
        all_words = _words(text)
        for tag in tags:
            phrases = vocab.get(tag.rstrip("s"), [tag.split("-")])
            if any(_has_phrase(words, p) for p in phrases):
                continue
            if any(_has_phrase(all_words, p) for p in phrases):
                bad.append((eid, tag))
    assert not bad, bad[:20]


def test_united_states_never_from_the_pronoun_us(library: Library) -> None:
    bad = [
        eid
        for eid, tags, _text, prose in _evidence(library)
        if "united-states" in tags and not _COUNTRY.search(prose)
    ]
    assert not bad, bad[:20]


def test_no_broken_singular(library: Library) -> None:
    vocab = {t.rstrip("s") for t in _phrases()}
    bad = []
    for eid, tags, text, _prose in _evidence(library):
        words = _words(text)
        known = set(words)
        pairs = {a + b for a, b in zip(words, words[1:], strict=False)}
        for tag in tags:
            if tag.rstrip("s") in vocab:
                continue  # a vocabulary id is the vocabulary's word, not the text's
            for w in tag.split("-"):
                if w in known or w in pairs:
                    continue  # a word of the text, or two written apart
                plural = next((w + x for x in ("s", "es") if w + x in known), None)
                z = zipf_frequency(w, "en")
                if plural is None and z >= 2.5:
                    continue  # an English word (a vocabulary-like spelling)
                if plural is not None and z >= zipf_frequency(plural, "en") - 0.5:
                    continue  # a real singular ("podcaster"), not "texa" of "texas"
                bad.append((eid, tag, w))
    assert not bad, bad[:20]


def test_tags_per_entry_stay_few(library: Library) -> None:
    counts = sorted(len(r.auto_tags) for r in library.rows())
    assert counts[-1] <= 8
    assert counts[len(counts) // 2] <= 6
