"""English frequencies without wordfreq's import: the bucket lists read from its
data file, English looked up in them like the other languages, the same figures.

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


def test_english_gives_the_dict_figure() -> None:
    """English from the bucket lists, found or not, as the dict and ``zipf_frequency``
    give it, however many words are asked (no table is made after some)."""
    table = get_frequency_dict("en")
    common = list(table)[:: len(table) // 60][:60]
    words = [*common, "the", "models", "model", "ampwell", "qzxv", "robotaxis", "datacenter"]
    assert [specificity.zipf_in(w, "en") for w in words] == [
        float(zipf_frequency(w, "en")) for w in words
    ]


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
        "('wordfreq', 'langcodes', 'ftfy')), specificity._sorted.cache_info().currsize]))\n"
    )
    modules, mapped = json.loads(run_fresh(code))
    assert modules == []
    assert mapped == 0  # the shipped figures answered every word: no list was read
