"""Session fixtures of the reliability tests: the hostile library, ingested once.

Why: ingesting the whole hostile corpus and the real feeds through the CLI
takes most of a minute on a shared 2-core machine; the CLI test and the UI
test each did it again. One ingest per session (per xdist worker), recorded
with its output; each test works on a copy, so none sees another's marks.
The digests with their marks (``seeded_library``) are ingested once too:
the hostile library starts from a copy, and so does each test's ``seeded``.
"""

from __future__ import annotations

import pytest

from store.storage.library import Library
from tests.support.hostile import HostileLibrary
from tests.support.reliability import CORPUS, run_cli


@pytest.fixture(scope="session")
def seeded_library(tmp_path_factory: pytest.TempPathFactory) -> HostileLibrary:
    """Real digests with marks, ingested by the CLI once: what no hostile input may cost."""
    d = tmp_path_factory.mktemp("seeded") / "lib"
    run_cli(d, "ingest", str(CORPUS / "digests"), check=True)
    lib = Library.open(d)
    ids = [r.id for r in lib.rows()]
    lib.set_bookmarked(ids[:4])
    lib.add_tags([ids[4]], ["precious"])
    return HostileLibrary(d, ids, [])


@pytest.fixture(scope="session")
def hostile_library(
    seeded_library: HostileLibrary, tmp_path_factory: pytest.TempPathFactory
) -> HostileLibrary:
    d = seeded_library.copy(tmp_path_factory.mktemp("hostile") / "lib")
    outputs: list[tuple[str, str]] = []
    for folder in (CORPUS / "hostile", CORPUS / "feeds"):
        proc = run_cli(d, "ingest", str(folder), timeout=300)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        outputs.append((f"ingest {folder.name}", proc.stdout + proc.stderr))
    return HostileLibrary(d, seeded_library.ids, outputs)
