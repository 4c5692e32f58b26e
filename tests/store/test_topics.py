"""Automatic tags: normalisation, the chrome stop-list, vocabulary, discovery."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store.config import default_topics
from store.index import wordlists
from store.index.discovery import discover_candidates
from store.index.tagids import normalize_tag
from store.index.tokens import tokenize
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library

SHARED = Path(__file__).resolve().parents[3] / "shared"


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def entry(eid: str, source: str, title: str, body: str = "", **kw: Any) -> Entry:
    return Entry(
        id=eid, source=Source("file", source, f"/x/{source}"), title=title, body=body, **kw
    )


@pytest.mark.parametrize(
    ("spellings", "canonical"),
    [
        (["Deep Seek", "DeepSeek", "deepseek", "DEEPSEEK", "Deep-Seek"], "deepseek"),
        (
            ["open-source", "open source", "Open Source", "open_source", " open   source "],
            "open-source",
        ),
        (["LLMs", "LLM", "llm", "llms"], "llm"),
        (["GPUs", "gpu"], "gpu"),
        (["Open AI", "OpenAI"], "openai"),
        (["Économie", "economie"], "economie"),
        (["policies", "Policy"], "policy"),
        (["United States"], "united-states"),
        (["news"], "news"),
        (["Hugging Face", "HuggingFace"], "huggingface"),
    ],
)
def test_normalize_tag_variants_are_one_tag(spellings: list[str], canonical: str) -> None:
    assert {normalize_tag(s) for s in spellings} == {canonical}


@pytest.mark.parametrize(
    "junk",
    [
        "join",
        "Sign Up",
        "post",
        "Comments",
        "Previous Digests",
        "Key Points",
        "Details",
        "chapters",
        "min read",
        "No Comments",
        "Top Podcast",
        "the",
        "and",
        "2025",
        "3631",
        "2025-02-03",
        "Feb 3",
        "",
        "   ",
        "!!!",
        "x",
    ],
)
def test_chrome_and_junk_are_never_tags(junk: str) -> None:
    assert normalize_tag(junk) == ""


def test_every_chrome_word_normalises_to_nothing() -> None:
    assert [c for c in wordlists.chrome() if normalize_tag(c)] == []


def test_tokens_fold_case_accents_plurals() -> None:
    assert tokenize("Café LLMs' GPUs DeepSeek’s open-source") == [
        "cafe",
        "llm",
        "gpu",
        "deepseek",
        "open",
        "source",
    ]


def test_vocabulary_matches_on_word_boundaries(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    topics = {"ai": ["AI"], "chips": ["GPU", "semiconductor"], "open source": ["open-source"]}
    es = [
        entry("a1", "s1", "Said and maid", "A raid on the main road."),  # "ai" inside words
        entry("a2", "s2", "AI models", "New GPUs and Open Source weights; semiconductors."),
    ]
    out = {e.id: e.auto_tags for e in tag_entries(es, lib, topics)}
    assert out["a1"] == ()
    assert set(out["a2"]) >= {"ai", "chip", "open-source"}


def test_existing_auto_tags_are_merged_first(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    e = entry("a1", "feed", "AI news", "About AI.", auto_tags=("From Feed",))
    (out,) = tag_entries([e], lib, {"ai": ["AI"]})
    assert out.auto_tags[0] == "from-feed" and "ai" in out.auto_tags


def test_no_chrome_or_stop_word_is_a_tag_from_real_chrome(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    chrome = (
        "Join the conversation\nJoin the community of Machine Learners.\nSign Up\nPost\n"
        "Previous Digests\nKey Points:\nDetails:\nChapters: 11 15.2 min read\nNo Comments\n"
    )
    es = [entry(f"c{i}", f"site{i}", "Post", chrome * 2) for i in range(3)]
    tagged = tag_entries(es, lib)
    lib.save_entries(tagged)
    tagged = tag_entries([entry("c9", "site9", "Post", chrome)], lib)
    tags = {t for e in tagged for t in e.auto_tags} | {t for r in lib.rows() for t in r.auto_tags}
    bad = {t for t in tags if t.replace("-", " ") in wordlists.chrome() or normalize_tag(t) != t}
    assert not bad, bad


def test_discovered_names_need_two_sources_and_retag_older(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    first = entry(
        "d1",
        "Blog A",
        "Notes",
        "Yesterday Zorblax Robotics announced a new arm. Engineers at Zorblax Robotics said so.",
    )
    lib.save_entries(tag_entries([first], lib, {}))
    assert "zorblax-robotics" not in lib.row("d1").auto_tags  # one source: not yet a topic
    second = entry("d2", "Podcast B", "Talk", "We discussed Zorblax Robotics and its arm.")
    (tagged,) = tag_entries([second], lib, {})
    assert "zorblax-robotics" in tagged.auto_tags
    assert "zorblax-robotics" in lib.row("d1").auto_tags  # the older entry was re-tagged
    # a third source mentioning it in passing, in another spelling, gets it too
    third = entry("d3", "Site C", "More", "Shares of ZORBLAX robotics rose.")
    (t3,) = tag_entries([third], lib, {})
    assert "zorblax-robotics" in t3.auto_tags


def test_discovery_merges_spacing_variants(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    a = entry("s1", "A", "x", "The lab Quantix Labs shipped QuantixNet today. QuantixNet is fast.")
    b = entry("s2", "B", "y", "Reviewers tried Quantix Net and liked it.")
    lib.save_entries(tag_entries([a], lib, {}))
    (tb,) = tag_entries([b], lib, {})
    assert "quantixnet" in tb.auto_tags
    assert "quantixnet" in lib.row("s1").auto_tags


def test_discover_candidates_skips_sentence_start_words_and_urls() -> None:
    c = set(
        discover_candidates(
            "Additionally, the team met. Men are here. See https://example.com/a-b-c now. "
            "Richard Reeves spoke with DeepSeek."
        ).values()
    )
    assert "additionally" not in c and "men" not in c
    assert not any("example" in t or "https" in t for t in c)
    assert {"richard-reeves", "deepseek"} <= c  # a person: never singularised


def test_removed_auto_tag_stays_removed_through_reingest_and_retag(tmp_path: Path) -> None:
    from store.index.topics import retag_library

    lib = Library.open(tmp_path / "lib")
    e = entry("r1", "A", "China and AI", "China builds AI chips.")
    lib.save_entries(tag_entries([e], lib))
    assert "china" in lib.row("r1").auto_tags
    lib.remove_tags(["r1"], [normalize_tag("China")])
    lib.save_entries(tag_entries([e], lib))  # re-ingest
    assert "china" not in lib.effective_tags("r1")[0]
    retag_library(lib)
    assert "china" in lib.row("r1").auto_tags  # still computed...
    assert "china" not in lib.effective_tags("r1")[0]  # ...and still hidden


def test_default_vocabulary_ids_are_canonical() -> None:
    for tag in default_topics():
        assert normalize_tag(tag), tag


def test_tagging_a_batch_does_not_touch_every_entry(tmp_path: Path) -> None:
    """Incremental: a new batch re-tags only entries that contain a new topic."""
    lib = Library.open(tmp_path / "lib")
    old = [
        entry(f"o{i}", f"src{i % 7}", f"Old {i}", f"Item {i} about gardening.") for i in range(60)
    ]
    lib.save_entries(tag_entries(old, lib))
    gen = lib.generation
    new = [entry("n1", "fresh", "AI today", "AI and compute.")]
    lib.save_entries(tag_entries(new, lib))
    assert lib.generation == gen + 1  # one index write (the save); no re-tag pass


SEEDS = SHARED / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")
def test_seed_entries_carry_the_expected_topics(tmp_path: Path) -> None:
    from tests.support.seeds import seed_library

    lib, by = seed_library(tmp_path)
    assert {"china", "open-source", "compute", "deepseek"} <= set(by["deepseek"].auto_tags)
    assert {"china", "gender", "ai"} <= set(by["post"].auto_tags)
    # generic topics the episode merely mentions are not its tags any more
    assert not {"cost", "job", "education", "security", "market"} & set(by["deepseek"].auto_tags)
    assert "gender" in by["williamson"].auto_tags
    assert "compute" in by["article"].auto_tags
    assert "compute" in by["chapter"].auto_tags
    for r in lib.rows():
        for t in r.auto_tags:
            assert t == normalize_tag(t) and t.replace("-", " ") not in wordlists.chrome()


# --------------------------------------------------------------------------
# bounds: discovery must stay small whatever the text
# --------------------------------------------------------------------------


def test_lowercase_word_pairs_are_not_discovered(tmp_path: Path) -> None:
    """Body word pairs recur across sources on any small vocabulary: not topics."""
    lib = Library.open(tmp_path / "lib")
    body = "training run export controls data center energy grid " * 5
    es = [entry(f"w{i}", f"src{i}", f"Item {i}", body) for i in range(6)]
    tagged = tag_entries(es, lib, {})
    assert all(e.auto_tags == () for e in tagged)


def test_at_most_eight_tags_per_entry_whatever_the_names(tmp_path: Path) -> None:
    from store.index import salience

    lib = Library.open(tmp_path / "lib")
    names = [f"Zq{c}ron Labs" for c in "abcdefghijkl"]  # 12 distinct names
    lede = "Today " + ", ".join(f"the team at {n}" for n in names) + " met."
    es = [entry(f"n{i}", f"site{i}", f"News {i}", lede) for i in range(3)]
    lib.save_entries(tag_entries(es, lib, {}))
    (probe,) = tag_entries([entry("p1", "site8", "Probe", lede)], lib, {})
    assert 0 < len(probe.auto_tags) <= salience.MAX_TAGS
    assert set(probe.auto_tags) <= {normalize_tag(n) for n in names}


def test_topic_over_the_document_frequency_ceiling_is_not_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.index import topics

    monkeypatch.setattr(topics, "DF_MIN_LIBRARY", 10)
    lib = Library.open(tmp_path / "lib")
    filler = [entry(f"f{i}", f"fill{i % 5}", f"Filler {i}", "Nothing here.") for i in range(40)]
    lib.save_entries(tag_entries(filler, lib, {}))
    # a name on 6 of 46 entries (13% > 3%): recurring, but says nothing apart
    common = [
        entry(f"c{i}", f"src{i}", f"Item {i}", "Reports from Blorvex Industries again.")
        for i in range(6)
    ]
    tagged = tag_entries(common, lib, {})
    assert not any("blorvex-industry" in e.auto_tags for e in tagged)


def test_discovery_state_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.index import topics

    monkeypatch.setattr(topics, "MAX_PENDING", 20)
    lib = Library.open(tmp_path / "lib")
    for b in range(5):
        es = [
            entry(f"s{b}-{i}", f"src{b}-{i}", f"Item {i}", f"Yesterday Qx{b}v{i}zz Corp spoke.")
            for i in range(10)
        ]
        tag_entries(es, lib, {})
    state = lib.read_sidecar(topics.STATE_NAME)
    assert len(state["pending"]) <= 22  # the cap, plus the 10% slack of amortised pruning


def test_retag_of_older_entries_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.index import topics

    monkeypatch.setattr(topics, "MAX_RETAG", 3)
    lib = Library.open(tmp_path / "lib")
    old = [
        entry(
            f"o{i}",
            "Blog A",
            f"Post {i}",
            f"Notes on Vantrix Motors, part {i}.",
            published=f"2025-01-{i + 1:02d}",
        )
        for i in range(10)
    ]
    lib.save_entries(tag_entries(old, lib, {}))
    (new,) = tag_entries([entry("n1", "Pod B", "Talk", "We discussed Vantrix Motors.")], lib, {})
    assert "vantrix-motors" in new.auto_tags
    retagged = [r.id for r in lib.rows() if "vantrix-motors" in r.auto_tags]
    assert sorted(retagged) == ["o7", "o8", "o9"]  # the newest three only


def test_prepared_in_a_worker_tags_exactly_as_tagging_here(tmp_path: Path) -> None:
    """prepare() (run in parse workers) must change nothing but where the work happens."""
    from store.index.topics import prepare
    from store.index.vocabulary import merge_topics, vocabulary_for
    from store.index.wordindex import search

    topics = merge_topics(default_topics(), {"cooking": ["sourdough", "bread starter"]})
    es = [
        entry(
            "a1", "Pod A", "Baking with DeepSeek", "A bread starter and sourdough. Vantrix Labs."
        ),
        entry("b1", "Pod B", "Open source GPUs", "Vantrix Labs ships open-source GPU drivers."),
        entry("c1", "Site C", "Notes", "Nothing in particular here."),
    ]
    here = tag_entries(es, Library.open(tmp_path / "here"), topics)
    other = merge_topics(default_topics(), {})  # a worker that matched another map is ignored
    preps = [prepare(es[0], vocabulary_for(topics)), prepare(es[1], vocabulary_for(other)), None]
    lib = Library.open(tmp_path / "there")
    there = tag_entries(es, lib, topics, preps)
    assert [e.auto_tags for e in there] == [e.auto_tags for e in here]
    assert "cooking" in there[0].auto_tags
    lib.save_entries(there)
    assert search(lib, ["sourdough"]) == {"a1"}


def test_entry_text_skips_only_parts_the_body_holds_as_whole_words() -> None:
    from store.index.tokens import entry_text

    e = entry("w1", "S", "Notes", "We asked an LLMOps vendor. Key: Rust.", summary="LLM")
    e = e.with_(key_points=("Rust",))
    text = entry_text(e)
    assert "LLM\n" in text  # "LLM" only occurs inside "LLMOps": kept
    assert "\nRust\n" not in text  # the body has it as a word: read once
    assert "llm" in tokenize(text)


def test_word_lists_are_folded_words_one_a_line() -> None:
    """words/*.txt are compared with folded text: an entry in capitals would never match."""
    from store.index.tokens import fold

    for name in (
        "stop_words",
        "chrome",
        "generic_words",
        "months_and_days",
        "known_compounds",
        "broad_tags",
        "plural_keep",
        "ies_keep",
        "modifiers",
    ):
        words = wordlists.word_list(name)
        assert words, name
        assert {w for w in words if w != fold(w) or w != " ".join(w.split())} == set(), name
