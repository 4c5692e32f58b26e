"""``store/index/words/zipf_en.txt``: the English figures the shipped vocabulary
asks for, shipped so that compiling it reads no wordfreq table (a daily refresh
compiles it in its own process and in each parse worker).

The file is data written from wordfreq; these tests hold it to wordfreq (every
figure as ``zipf_in`` gives it) and to the vocabulary (every word compiling it
asks for, and every default topic's tag). When a word list or the default
topics change, write it again: ``python -m tests.store.test_zipf_shipped``.
"""

from __future__ import annotations

import json

from wordfreq import zipf_frequency

from store.index import specificity
from tests.support.fresh import run_fresh

# run in a fresh process: every word ``zipf`` is asked while the default
# vocabulary compiles (recorded before the modules that bind ``zipf`` load),
# and the default topics' tags, which tagging scores by their figure
_ASKED = """
import json, sys
from store.index import specificity
asked = set()
real = specificity.zipf
def zipf(word):
    asked.add(word)
    return real(word)
specificity.zipf = zipf
from store.config import default_topics
from store.index.tagids import normalize_tag
from store.index.vocabulary import vocabulary_for
vocabulary_for(default_topics())
tags = {normalize_tag(t) for t in default_topics()}
print(json.dumps({"asked": sorted(asked), "tags": sorted(t for t in tags if t),
                  "packs": specificity._sorted.cache_info().currsize}))
"""


def _fresh(code: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(run_fresh(code))
    return result


def wanted() -> list[str]:
    got = _fresh(_ASKED)
    return sorted({*got["asked"], *got["tags"]})  # type: ignore[misc]


def write() -> None:
    lines = [
        "# English Zipf figures (wordfreq) of the words the shipped vocabulary asks for;",
        "# written by `python -m tests.store.test_zipf_shipped`, checked by that test file",
    ]
    lines += [f"{w}\t{specificity.zipf_in(w, 'en')!r}" for w in wanted()]
    specificity.SHIPPED.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_every_shipped_figure_is_wordfreqs() -> None:
    shipped = specificity._shipped()
    assert shipped
    words = sorted(shipped)
    assert [shipped[w] for w in words] == [float(zipf_frequency(w, "en")) for w in words]
    assert [shipped[w] for w in words] == [specificity.zipf_in(w, "en") for w in words]


def test_the_default_vocabulary_asks_only_shipped_words() -> None:
    got = _fresh(_ASKED)
    shipped = set(specificity._shipped())
    assert set(got["asked"]) <= shipped  # type: ignore[call-overload]
    assert set(got["tags"]) <= shipped  # type: ignore[call-overload]
    assert got["packs"] == 0  # no wordfreq table was read (nor its sorted file mapped)


def test_a_word_not_shipped_is_looked_up_as_before() -> None:
    for w in ("ampwell", "robotaxis", "qzxv", "window", "mother"):
        assert w not in specificity._shipped()
        assert specificity.zipf(w) == float(zipf_frequency(w, "en"))


if __name__ == "__main__":
    write()
