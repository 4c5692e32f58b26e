"""``specificity.zipf_in`` gives wordfreq's own figure, with or without its tokeniser."""

from __future__ import annotations

import pytest
from wordfreq import get_frequency_dict, zipf_frequency

from store.index.specificity import zipf_in


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "it", "pt", "nl", "ru"])
def test_zipf_in_is_zipf_frequency(lang: str) -> None:
    common = list(get_frequency_dict(lang))[::97][:3000]
    words = [
        *common,
        *(w + "s" for w in common[:500]),
        "ampwell",
        "qzxv",
        "a",
        "",
        "US",
        "naïve",
        "don't",
        "x86",
        "straße",
        "когда",
    ]
    assert [zipf_in(w, lang) for w in words] == [float(zipf_frequency(w, lang)) for w in words]


@pytest.mark.parametrize("lang", ["en", "de", "fr", "ru", "el"])
def test_the_mapped_lists_give_the_dict_figure(lang: str) -> None:
    """Every language is looked up in wordfreq's bucket lists (mapped, sorted):
    the figure ``zipf_frequency`` gives, found or not."""
    table = get_frequency_dict(lang)
    words = [
        *list(table)[:: len(table) // 12][:12],
        "ampwell",
        "naïve",
        "когда",
        "x86",
        "datacenter",
    ]
    assert [zipf_in(w, lang) for w in words] == [float(zipf_frequency(w, lang)) for w in words]


def test_bucket_lists_are_sorted() -> None:
    """What the lazy lookup's bisect rests on: wordfreq sorts each bucket."""
    from wordfreq import get_frequency_list

    for lang in ("de", "fr", "es", "it", "pt", "nl", "ru", "el"):
        assert all(b == sorted(b) for b in get_frequency_list(lang, "best")), lang
