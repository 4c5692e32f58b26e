"""From paths to stored entries: read file → text → parse → entries → library.

The CLI's ``ingest``, the first-run samples and refresh's local ``paths:`` all
come through here, so they report and de-duplicate the same way.

The UI imports this module when it starts (``store.sync.firstrun`` checks for
first-run samples in a worker thread while the first frame is drawn), so the
parsers, the tagger and the process pool are imported where they are first
used, not here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from store.models import Entry
from store.storage.library import Library
from store.storage.shards import content_text
from store.sync.filememory import FileMemory, FileStamp, file_stamp

if TYPE_CHECKING:
    from store.index.prepared import Prepared

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".org", ".text"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
SUFFIXES = TEXT_SUFFIXES | FEED_SUFFIXES
MAX_FILE_BYTES = 20_000_000
# A folder of digests often carries its own notes (README.md, SOURCES.md,
# EXPECTED.md…): named in capitals by convention, they describe the folder and
# are not digests. Named explicitly on the command line, they are still read.
_FOLDER_DOC_NAMES = {
    "README",
    "LICENSE",
    "LICENCE",
    "CHANGELOG",
    "CONTRIBUTING",
    "AUTHORS",
    "COPYING",
}


def _is_folder_doc(name: str) -> bool:
    stem = name.split(".", 1)[0]
    letters = stem.replace("_", "").replace("-", "")
    return stem.upper() in _FOLDER_DOC_NAMES or (
        len(letters) >= 4 and letters.isalpha() and letters.isupper()
    )


@dataclass
class IngestReport:
    """What `ingest` did, file by file, for the user and for tests."""

    files_read: int = 0
    files_unchanged: int = 0  # not read: as at the ingest that stored their entries
    entries_new: int = 0
    entries_known: int = 0
    entries_updated: int = 0
    duplicates_folded: int = 0  # copies of an item met earlier in the same ingest
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    new_ids: list[str] = field(default_factory=list)


def iter_files(paths: Iterable[str | os.PathLike[str]], report: IngestReport) -> list[Path]:
    """Expand folders (recursively, sorted, hidden files skipped) into files."""
    out: list[Path] = []
    for p in paths:
        path = Path(p).expanduser()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    f = Path(root) / name
                    if name.startswith("."):
                        continue
                    if _is_folder_doc(name):
                        report.skipped.append((str(f), "the folder's own notes, not a digest"))
                        continue
                    if f.suffix.lower() in SUFFIXES:
                        out.append(f)
                    else:
                        report.skipped.append((str(f), "not a digest or feed file"))
        elif path.is_file():
            out.append(path)
        elif path.exists():
            report.skipped.append((str(path), "not a regular file"))
        else:
            report.skipped.append((str(path), "no such file or directory"))
    return out


def parse_path(path: Path) -> tuple[list[Entry], str | None]:
    """Parse one local file into entries; returns (entries, why-skipped)."""
    from store.parse import ParseError, looks_like_feed, parse_document
    from store.parse.feed import parse_feed_bytes
    from store.sync.entries import entries_from_document, feed_file_source, file_source

    try:
        st = path.stat()
        if st.st_size > MAX_FILE_BYTES:
            return [], f"larger than {MAX_FILE_BYTES // 1_000_000} MB"
        data = path.read_bytes()
    except OSError as exc:
        return [], f"cannot read: {exc.strerror or exc}"
    if looks_like_feed(data) or (path.suffix.lower() in FEED_SUFFIXES and b"<" in data[:4096]):
        try:
            doc = parse_feed_bytes(data, base_url=path.resolve().as_uri())
        except ParseError as exc:
            return [], str(exc)
        source = feed_file_source(doc, path)
        return entries_from_document(doc, source, id_scope=source.location), None
    try:
        doc = parse_document(data, name=path.name, mtime=st.st_mtime)
    except ParseError as exc:
        return [], str(exc)
    if not doc.entries:
        return [], "no entries found"
    return entries_from_document(doc, file_source(doc, path)), None


def ingest_paths(
    lib: Library,
    paths: Sequence[str | os.PathLike[str]],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    batch_size: int = 5000,
    topics: Mapping[str, Sequence[str]] | None = None,
    defer: bool = False,
) -> IngestReport:
    """Ingest files and folders; writes in batches (never one write per entry).

    Arriving entries are folded by identity first (``store.sync.batch``): a copy
    of a known item from another folder, or unchanged content, is counted and
    left alone (not tagged, not written). The rest is tagged in chunks as parse
    results arrive, so tagging in this process overlaps with parsing in the
    workers, and saved in batches of ``batch_size`` (each save rewrites every
    content shard it touches). ``defer``: stored readable-first, derived by
    ``store.sync.derive.derive_pending``.
    """
    from store.config import default_topics, topics_in_force
    from store.index.vocabulary import merge_topics
    from store.sync.batch import EntryBatch

    vocab = merge_topics(default_topics(), topics_in_force() if topics is None else topics)
    report = IngestReport()
    memory = FileMemory(lib)
    batch = EntryBatch(lib, vocab)
    batch.defer = defer
    files: list[Path] = []
    stamps: list[FileStamp | None] = []
    for f in iter_files(paths, report):
        stamp = file_stamp(f)
        ids = memory.unchanged(f, stamp)
        if ids is None:
            files.append(f)
            stamps.append(stamp)
        else:  # as it was when its entries were saved: they are what it holds
            report.files_unchanged += 1
            batch.confirm(ids)
    for n, (f, stamp, (entries, why, preps, encoded)) in enumerate(
        zip(files, stamps, _parse_all(files, prepare=not defer), strict=True), 1
    ):
        if progress:
            progress(n, len(files), str(f))
        if why:
            report.skipped.append((str(f), why))
            continue
        report.files_read += 1
        memory.learn(f, stamp, (e.id for e in entries))
        batch.add(entries, encoded, preps)
        if batch.pending_untagged >= TAG_CHUNK:
            batch.tag()
        if batch.pending >= batch_size:
            report.new_ids += batch.save().new
    report.new_ids += batch.save().new
    memory.save()  # after the save: a memory never names entries not stored
    report.entries_new = batch.entries_new
    report.entries_known = batch.entries_known
    report.entries_updated = batch.entries_updated
    report.duplicates_folded = batch.duplicates_folded
    return report


TAG_CHUNK = 500
PARALLEL_MIN_FILES = 64


# (entries, why skipped, their tagging ``prepare`` (None: tagging does it), their ``content_text``)
Parsed = tuple[list[Entry], str | None, "list[Prepared] | None", list[str]]


def _parse_here(path: Path) -> Parsed:
    """``parse_path`` and the stored JSON: tagging (or the derivation, for a
    readable-first ingest) prepares the entries itself. Run in this process, or
    in the workers when they need not prepare (preparing twice costs twice)."""
    entries, why = parse_path(path)
    return entries, why, None, [content_text(e) for e in entries]


def _parse_and_prepare(path: Path) -> Parsed:
    """Worker job: ``parse_path`` plus each entry's tagging ``prepare`` and stored JSON.

    Preparing and encoding here moves tokenising, word hashing and JSON off
    the main process, which otherwise is the bottleneck of a large ingest
    (its final save is not overlapped with anything). Vocabulary matching
    stays in the main process: with it here the workers became the bottleneck
    and ingest was ~10% slower (refresh passes its vocabulary; neutral there).
    """
    from store.index.topics import prepare

    entries, why = parse_path(path)
    return entries, why, [prepare(e) for e in entries], [content_text(e) for e in entries]


def _parse_all(files: Sequence[Path], *, prepare: bool = True) -> Iterable[Parsed]:
    """Parse files in order; on many files, on every core (parsing is CPU-bound).
    ``prepare``: the workers prepare each entry for tagging too.

    Results come back in input order so reports and batches stay deterministic.
    A pool that cannot start (no /dev/shm, no fork, a worker that fails to
    fork) falls back to one process.
    """
    workers = min(os.cpu_count() or 1, 4)
    if len(files) < PARALLEL_MIN_FILES or workers < 2:
        yield from (_parse_here(f) for f in files)
        return
    from store.sync.pool import start_workers, stop_pool

    pool = start_workers("fork" if os.name == "posix" else "spawn", workers)
    if pool is None:
        yield from (_parse_here(f) for f in files)
        return
    try:
        job = _parse_and_prepare if prepare else _parse_here
        yield from pool.map(job, files, chunksize=16)
    except BaseException:  # Ctrl-C, an error while saving, or the caller stopped early
        # drop the files not started instead of parsing them all first; the
        # workers (deaf to Ctrl-C) finish the chunk in hand and exit. Not
        # terminate(): a worker killed while sending its result leaves a torn
        # message that the pool's reader thread then waits on for ever.
        stop_pool(pool)
        raise
    pool.shutdown()
