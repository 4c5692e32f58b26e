"""A parse worker's result unpickles without the parsers: the process that owns
the library merges every feed's ``FeedParse`` and, when its workers parse, never
imports ``store.parse`` for it (~0.1 s of a daily refresh's main process)."""

from __future__ import annotations

import pickle

from store.config import FeedConfig
from store.index.vocabulary import vocabulary_for
from store.sync.batch import FeedParse
from store.sync.feed_job import parse_job
from tests.support.feedserver import rss
from tests.support.fresh import run_fresh


def test_a_feed_result_unpickles_without_the_parsers() -> None:
    topics = {"ai": ["artificial intelligence"]}
    vocabulary_for(topics)
    res = parse_job(
        rss(3, prefix="p").encode(),
        "https://example.org/feed",
        None,
        topics,
        FeedConfig("https://example.org/feed", None, ()),
        (None, "example.org"),
    )
    assert isinstance(res, FeedParse) and res.prepared and len(res.entries) == 3
    code = (
        "import pickle, sys\n"
        "res = pickle.loads(sys.stdin.buffer.read())\n"
        "assert len(res.entries) == 3, res\n"
        "print(sorted(m for m in sys.modules if m.startswith(('store.parse', 'feedparser'))))\n"
    )
    out = run_fresh(code, pickle.dumps(res))
    assert out.strip() == "[]", out
