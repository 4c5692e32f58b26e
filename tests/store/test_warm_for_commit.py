"""``_Refresh.warm_for_commit``, run while the parse workers parse: afterwards
the commit imports nothing more (tagging's modules, and the word index's numpy
when a body is parsed whole) and finds its vocabulary compiled; a refresh whose
bodies all have an item memory (a daily one) never imports numpy."""

from __future__ import annotations

import pytest

from tests.support.fresh import run_fresh

CODE = """
import sys, tempfile
from pathlib import Path
from store.config import Config, RefreshSettings
from store.storage.library import Library
from store.sync.feeds import _Refresh
from store.index import vocabulary
lib = Library.open(Path(tempfile.mkdtemp()) / "lib")
run = _Refresh(lib, Config(feeds=(), refresh=RefreshSettings(), path=Path("f.yaml")), [], {}, None)
run.whole_bodies = int(sys.argv[1])
run.warm_for_commit()
loaded = [m for m in ("store.index.topics", "store.index.wordindex", "numpy") if m in sys.modules]
misses = vocabulary._compiled.cache_info().misses
vocabulary.vocabulary_for(run.vocab)
print(loaded, misses, vocabulary._compiled.cache_info().misses)
"""


@pytest.mark.parametrize(
    ("whole", "loaded"),
    [
        (1, "['store.index.topics', 'store.index.wordindex', 'numpy']"),
        (0, "['store.index.topics', 'store.index.wordindex']"),
    ],
)
def test_the_commit_finds_its_imports_and_vocabulary_ready(whole: int, loaded: str) -> None:
    out = run_fresh(CODE, args=[str(whole)])
    assert out.split("]")[0] + "]" == loaded
    misses_before, misses_after = out.split("]")[1].split()
    assert misses_before == misses_after  # compiled by the warm-up, not by tagging
