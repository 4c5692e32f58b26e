"""What the user types as a tag (CLI `tag`, the UI's `t`) becomes one stored spelling.

Why: a typed tag must meet the automatic one ("Open Source" is the tagger's
"open-source"), and a word the tagger refuses ("post", "todo", "the") is still
the user's to use. Checked by the kind of input: spacing, a leading '#', the
words the tagger refuses, the length limit.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from store.errors import UsageError
from store.index.tagids import as_tag_id, normalize_tag
from store.index.usertags import check_spelled, user_tag
from store.index.wordlists import chrome, stop_words


@pytest.mark.parametrize(
    ("typed", "want"),
    [
        ("Open Source", "open-source"),
        ("  open\n source ", "open-source"),
        ("#Open  Source", "open-source"),
        ("# deep seek", "deepseek"),
        ("Data Centers", "datacenter"),
        ("#Xbox", "xbox"),  # only the "#" goes
    ],
)
def test_a_typed_tag_meets_the_automatic_one(typed: str, want: str) -> None:
    assert user_tag(typed) == want == normalize_tag(want)


@pytest.mark.parametrize("typed", ["", " ", "\n\t", "#", " # "])
def test_nothing_typed_is_no_tag(typed: str) -> None:
    assert user_tag(typed) == ""


@pytest.mark.parametrize("word", sorted(w for w in chrome() | stop_words() if " " not in w)[:40])
def test_a_word_the_tagger_refuses_is_kept_lower_case(word: str) -> None:
    assert normalize_tag(word) == ""
    assert user_tag(word.upper()) == word
    assert user_tag(f"# {word}") == word
    assert user_tag(f"\n#{word}  ") == word


def test_a_refused_phrase_is_one_hyphenated_tag() -> None:
    phrase = next(p for p in sorted(chrome()) if p.count(" ") >= 2 and p.replace(" ", "").isalnum())
    assert normalize_tag(phrase) == ""
    assert user_tag(phrase.replace(" ", " \n  ").title()) == phrase.replace(" ", "-")


def test_a_tag_longer_than_60_characters_is_refused_not_cut() -> None:
    with pytest.raises(UsageError, match="at most 60"):
        user_tag("A" * 100)


@settings(deadline=None)  # the first call loads the word lists
@given(st.text(max_size=40))
@example("AAjS")  # found by this test: a camel-case name (tagids.camel_name)
def test_the_stored_spelling_is_stable(typed: str) -> None:
    try:
        once = user_tag(typed)
    except UsageError:
        return  # refused with a message (tests/store/test_user_tags.py says which)
    # typed again it is the same tag; or it is a camel-case name's id ("CocoaPods" ->
    # "cocoapods", "AAjS" -> "aajs"), which the store takes back as it is (as_tag_id)
    assert user_tag(once) == once or as_tag_id(once) == once
    check_spelled(once)  # what the store accepts as a stored spelling
    assert once == once.strip() and "\n" not in once and "  " not in once


def test_a_camel_case_names_id_typed_in_lower_case_is_that_name_when_the_library_has_it() -> None:
    """'CocoaPods' is stored as the tag "cocoapods"; typed as shown, in lower case, the
    text reads like a plural. It is the name's tag when the library has that tag (a
    user retyping a tag they see) and the plural's singular otherwise."""
    assert user_tag("CocoaPods") == "cocoapods"
    assert user_tag("cocoapods") == "cocoapod"
    assert user_tag("cocoapods", lambda: {"cocoapods", "llm"}) == "cocoapods"
    assert user_tag("#cocoapods", lambda: frozenset({"cocoapods"})) == "cocoapods"
    assert user_tag("cocoapods", lambda: {"llm"}) == "cocoapod"
    # a word the dictionary knows is its singular whatever the library holds
    assert user_tag("robots", lambda: {"robots"}) == "robot"


def test_the_librarys_tags_are_asked_only_for_a_possible_names_id() -> None:
    asked: list[str] = []

    def known() -> set[str]:
        asked.append("asked")
        return {"open-source"}

    for typed in ("Open Source", "Data Centers", "robots", "post", "CocoaPods", "C++"):
        user_tag(typed, known)
    assert asked == []
    # a word no dictionary knows, ending in "s", may be a name's id: the library decides
    assert user_tag("cocoapods", known) == "cocoapod"
    assert user_tag("LLMs", known) == "llm"
    assert asked == ["asked", "asked"]
