"""English frequencies without wordfreq's import: the bucket lists read from its
data file, English answered lazily like the other languages, the same figures.

A daily refresh compiles the vocabulary (about twenty English words looked up)
before it forks its parse workers; importing wordfreq and turning its English
table into a dict there was a fifth of the run.
"""

from __future__ import annotations

import json

import pytest
from wordfreq import get_frequency_dict, get_frequency_list, zipf_frequency

from store.index import specificity
from tests.support.fresh import run_fresh


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "it", "pt", "nl", "ru", "el"])
def test_the_pack_is_wordfreqs_bucket_lists(lang: str) -> None:
    assert specificity._pack(lang) == get_frequency_list(lang, "best")


@pytest.mark.parametrize("lang", ["en", "de", "el"])
def test_the_table_is_wordfreqs_dict(lang: str) -> None:
    ours, theirs = specificity._table(lang), get_frequency_dict(lang, "best")
    assert ours == theirs
    assert list(ours) == list(theirs)  # same words in the same order too


def test_english_is_lazy_and_gives_the_dict_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    """English's first words come from the bucket lists, found or not, as the
    dict and ``zipf_frequency`` give them; the dict is made only after."""
    monkeypatch.setattr(specificity, "_FREQS", {})
    monkeypatch.setattr(specificity, "_ASKED", {})
    table = get_frequency_dict("en")
    common = list(table)[:: len(table) // 20][:20]
    words = [*common, "the", "models", "model", "ampwell", "qzxv", "robotaxis", "datacenter"]
    words = words[: specificity.LAZY_LOOKUPS]
    assert [specificity.zipf_in(w, "en") for w in words] == [
        float(zipf_frequency(w, "en")) for w in words
    ]
    assert "en" not in specificity._FREQS
    extra = list(table)[1 :: len(table) // 40][:40]
    assert [specificity.zipf_in(w, "en") for w in extra] == [
        float(zipf_frequency(w, "en")) for w in extra
    ]
    assert "en" in specificity._FREQS  # past LAZY_LOOKUPS: a dict, the same figures


def test_compiling_the_vocabulary_imports_no_wordfreq() -> None:
    """In a fresh process (as the CLI's refresh before it forks): the default
    vocabulary compiles (its words shipped, any other from the bucket lists), no dict made,
    wordfreq (langcodes, ftfy, regex) never imported."""
    code = (
        "import json, sys\n"
        "from store.config import default_topics\n"
        "from store.index import specificity\n"
        "from store.index.vocabulary import vocabulary_for\n"
        "vocabulary_for(default_topics())\n"
        "print(json.dumps([sorted(m for m in sys.modules if m.split('.')[0] in "
        "('wordfreq', 'langcodes', 'ftfy')), sorted(specificity._FREQS), specificity._ASKED]))\n"
    )
    modules, tables, asked = json.loads(run_fresh(code))
    assert modules == []
    assert tables == []
    assert asked.get("en", 0) <= specificity.LAZY_LOOKUPS  # shipped figures ask none
