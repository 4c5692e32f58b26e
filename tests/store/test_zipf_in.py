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
