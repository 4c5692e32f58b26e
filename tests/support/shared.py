"""Where the shared seeds and corpus live: ``../shared/`` beside the checkout.

Why a helper: a git worktree (``git worktree add``) sits elsewhere than the
main checkout, so ``../shared`` beside it may not exist and every test that
needs the corpus would skip or fail for the wrong reason. The order is
``DIGEST_TUI_SHARED`` (an explicit override), ``../shared`` beside this
checkout, then ``../shared`` beside the main checkout of this worktree.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _main_checkout(repo: Path) -> Path | None:
    """The main checkout of a worktree: its ``.git`` file names ``<main>/.git/worktrees/X``."""
    git = repo / ".git"
    if not git.is_file():
        return None
    text = git.read_text(encoding="utf-8", errors="replace").strip()
    if not text.startswith("gitdir:"):
        return None
    gitdir = Path(text.split(":", 1)[1].strip())
    if not gitdir.is_absolute():
        gitdir = (repo / gitdir).resolve()
    return gitdir.parent.parent.parent if gitdir.parent.name == "worktrees" else None


def find_shared(repo: Path = REPO) -> Path:
    override = os.environ.get("DIGEST_TUI_SHARED")
    if override:
        return Path(override)
    beside = repo.parent / "shared"
    if beside.is_dir():
        return beside
    main = _main_checkout(repo)
    if main is not None and (main.parent / "shared").is_dir():
        return main.parent / "shared"
    return beside


SHARED = find_shared()
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
