"""The derivation a refresh or ingest leaves (readable first): `derive`, and `--no-wait`'s end.

`refresh` and `ingest` return once their entries are derived (tags, word
index); with `--no-wait` they return as soon as the entries are stored and say
how many are left, which the next `refresh`, `ingest` or `derive` finishes.
Progress ("indexing 3,200/10,000") goes to stderr only when it is a terminal,
so scripts and CI see clean output.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from store import api


def register(sub: Any) -> None:
    p = sub.add_parser("derive", help="finish the tags and index a --no-wait run left")
    p.set_defaults(handler=cmd_derive)


def add_no_wait(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-wait",
        action="store_true",
        help="return once entries are stored; the next run derives their tags and index",
    )


def derive(lib: Any, config: Any) -> int:
    """Derive what is pending, with progress on stderr when it is a terminal."""
    tty = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\rindexing {done:,}/{total:,}")
        sys.stderr.flush()

    n = api.derive_pending(lib, config, show if tty else None)
    if tty and n:
        sys.stderr.write("\n")
    return n


def left_line(lib: Any) -> str | None:
    """After a --no-wait run: how many entries the next run derives."""
    n = api.pending_derivation(lib)
    if not n:
        return None
    return f"{n:,} entr{'y' if n == 1 else 'ies'} left to derive (the next run finishes them)"


def cmd_derive(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    n = derive(lib, ctx.config())
    sys.stdout.write(f"derived {n:,} entr{'y' if n == 1 else 'ies'}\n")
    return 0
