"""The bundled samples arrive under one source a reader recognises.

Why: a fresh library showed "Sample Digests", "Digestly", "mira_k" (a post's
author) and "samples" (the package's folder) as four sources of one set of
samples.
"""

from __future__ import annotations

from pathlib import Path

from store.samples import SOURCE_NAME, sample_paths
from store.storage.library import Library
from store.sync.firstrun import ensure_samples
from store.sync.ingest import ingest_paths


def test_every_sample_is_under_one_source(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "fresh")
    report = ensure_samples(lib)
    assert report is not None and report.files_read == len(sample_paths())
    rows = lib.rows()
    assert {r.source for r in rows} == {SOURCE_NAME}
    assert {lib.get(r.id).source.location for r in rows} == {str(p) for p in sample_paths()}
    assert report.entries_new == len(rows) == len(report.new_ids)
    assert ensure_samples(lib) is None  # once per library


def test_the_samples_keep_the_ids_a_plain_ingest_gives_them(tmp_path: Path) -> None:
    """Marks are keyed by id: naming the source must not make other entries of the samples."""
    named = Library.open(tmp_path / "named")
    ensure_samples(named)
    plain = Library.open(tmp_path / "plain")
    ingest_paths(plain, [str(p) for p in sample_paths()])
    assert {r.id for r in named.rows()} == {r.id for r in plain.rows()}
