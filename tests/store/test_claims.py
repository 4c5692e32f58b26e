"""Figures in any spelling, and key points grouped by the claim they state."""

from __future__ import annotations

import pytest

from store.index.claims import Point, group_points
from store.index.numbers import figure_label, figures, is_strong


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("62,000 vehicles", "sixty-two thousand vehicles"),
        ("62k vehicles", "62,000 vehicles"),
        ("a fine of 310 million euros", "EUR 310m"),
        ("a 90-day deadline", "three months"),
        ("at least 30 days", "no less than thirty days"),
        ("four hundred cars", "400 cars"),
        ("a 48-hour strike", "two days"),
        ("4.5 per cent", "4.5%"),
        ("twelve hundred drivers", "1.2k drivers"),
    ],
)
def test_same_figure_in_other_words(a: str, b: str) -> None:
    assert figures(a) & figures(b)


def test_words_that_are_not_figures() -> None:
    assert figures("one of its vehicles") == set()
    assert figures("zero-hours contracts") == set()
    assert figures("built in 2023") == {"y:2023"} and not is_strong("y:2023")
    assert figures("62,000 cars") != figures("62,000 days")


def test_figure_labels() -> None:
    assert figure_label("n:62000") == "62,000"
    assert figure_label("n:310000000") == "310 million"
    assert figure_label("d:90") == "90 days"
    assert figure_label("p:80") == "80%"


def _p(entry: str, i: int, text: str) -> Point:
    return Point(entry, "origin-" + entry, i, text)


def test_same_claim_linked_different_claims_of_one_story_apart() -> None:
    points = [
        _p("a", 0, "The recall covers 62,000 SUVs built in 2023 and 2024."),
        _p("a", 1, "Nine fires have been reported so far."),
        _p("b", 0, "About 62k vehicles are covered."),
        _p("b", 1, "The maker tied 9 fire incidents to the defect."),
        _p("c", 0, "Sixty-two thousand SUVs are being recalled."),
        _p("c", 1, "The supplier recalibrated the line in late 2023."),
    ]
    groups = [[(p.entry, p.index) for p in g] for g in group_points(points)]
    assert [("a", 0), ("b", 0), ("c", 0)] in groups
    assert [("a", 1), ("b", 1)] in groups
    assert all(("c", 1) not in g for g in groups)  # a shared year is no claim


def test_one_source_does_not_corroborate_itself() -> None:
    points = [
        Point("a", "same", 0, "62,000 SUVs are recalled."),
        Point("b", "same", 0, "62,000 SUVs are recalled."),
    ]
    assert group_points(points) == []


def test_a_point_with_two_figures_does_not_chain_two_claims() -> None:
    points = [
        _p("a", 0, "62,000 SUVs recalled after nine fires."),
        _p("b", 0, "62,000 SUVs are recalled."),
        _p("c", 0, "Nine fires so far."),
    ]
    for g in group_points(points):
        entries = {p.entry for p in g}
        assert not {"b", "c"} <= entries


def test_small_counts_need_a_shared_word() -> None:
    points = [_p("a", 0, "Three regulators objected."), _p("b", 0, "It took three tries.")]
    assert group_points(points) == []
