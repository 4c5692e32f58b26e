"""The ``digest-tui`` command: opens the UI, or runs a subcommand for scripts.

Every subcommand is a thin shell over a ``store.api`` function, the same one
the UI's key calls; one module per group of commands (library, feeds, tags,
stories, brief, player, undo, doctor), each with ``register(subparsers)`` and
handlers taking (args, ctx). A user mistake is one line on stderr and exit status 2 (1 for a library/IO
failure), never a traceback. Textual is imported only when the UI opens, so
scripted commands start fast.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from store import api
from store.errors import DigestError, UsageError

# a command's collector: a young-generation collection every this many allocations
# (CPython's default is 700), as batch tools do (mypy: 200,000); see ``_batch_collector``
COMMAND_GC_YOUNG = 100_000


class Context:
    """What every command needs: where the library and config are, lazily opened.

    ``freeze``: the command owns its process (``entry``), so what is loaded by
    the time the library is open (modules, config, every row) is frozen out of
    the collector's walks (``_batch_collector``).
    """

    def __init__(self, data_dir: str | None, config: str | None, *, freeze: bool = False) -> None:
        self.data_dir: Path = api.data_dir(data_dir)
        self.config_override = config
        self.freeze = freeze
        self._lib: api.Library | None = None

    def library(self) -> api.Library:
        """The library, with feeds.yaml's mute rules and searches taken in if it changed."""
        if self._lib is None:
            self._lib = api.open_library(self.data_dir)
            path = self.config_path()
            if not self.config_override or path.is_file():
                api.sync_config(self._lib, path)
            if self.freeze:
                gc.freeze()
        return self._lib

    def config_path(self) -> Path:
        return api.config_path(self.config_override)

    def config(self) -> api.Config:
        """The config in force (a named one that is missing is an error)."""
        return api.config_in_force(self.config_override)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _global_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--data-dir", help="library directory (env DIGEST_TUI_DATA_DIR)")
    parser.add_argument("--config", help="feeds.yaml to use (env DIGEST_TUI_CONFIG)")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    return parser


# the command modules, in the order the help lists their commands, and the commands each
# registers (tests/cli/test_cli_parser_modules.py holds this to what they register)
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "library": ("ingest", "list", "show", "tag", "untag", "bookmark", "unbookmark", "read")
    + ("unread", "export"),
    "feeds": ("refresh", "feeds", "import-opml"),
    "derive": ("derive",),
    "tags": ("tags",),
    "stories": ("stories",),
    "smart": ("save", "saved", "unsave", "mute", "unmute", "mutes"),
    "brief": ("brief",),
    "kept": ("kept", "keep", "unkeep"),
    "player": ("play",),
    "undo": ("undo",),
    "doctor": ("doctor",),
}
_MODULE_OF = {cmd: mod for mod, cmds in COMMAND_MODULES.items() for cmd in cmds}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of the module registering ``command``.

    The command modules are imported here, not on the UI's way; a command line
    naming a known command imports and registers its module alone (the others,
    the list's columns with Rich's cell widths among them, were ~10 ms of every
    command's start). Anything else (``--help``, a mistake) gets every command.
    """
    import importlib

    one = _MODULE_OF.get(command or "")
    parser = _global_options(
        _Parser(prog="digest-tui", description="A terminal reader for podcast and article digests.")
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in [one] if one is not None else COMMAND_MODULES:
        importlib.import_module(f"tui.cli.{name}").register(sub)
    return parser


def _global_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]] | None:
    """``argv``'s global options and what follows them; None when those are wrong."""
    pre = _global_options(_Parser(prog="digest-tui", add_help=False))
    try:
        return pre.parse_known_args(argv)
    except UsageError:
        return None


Globals = tuple[argparse.Namespace, list[str]] | None  # what ``_global_args`` gives


def _command_named(got: Globals) -> str | None:
    """The command named after the global options (``_global_args``), if one is."""
    rest = got[1] if got is not None else []
    return rest[0] if rest and not rest[0].startswith("-") else None


def _ui_options(got: Globals) -> argparse.Namespace | None:
    """The global options (``_global_args``) when no command follows them (the UI
    opens), else None.

    Why: the eleven command modules (their parsers, the list's columns, the
    exporters) cost ~25 ms of import that the UI's first screen waited for;
    a bare ``digest-tui`` needs only these three options. Anything else
    (``-h``, a command, a mistake) goes to the whole parser.
    """
    if got is None or got[1]:
        return None
    args = got[0]
    args.command = None
    return args


def _batch_collector() -> None:
    """A command's garbage collector: young collections ~140x rarer.

    Why: a refresh or an ingest allocates hundreds of thousands of objects
    that live to its end (parsed entries, tags, index postings), and each 700
    allocations the collector walked the young ones, and often every tracked
    object: the library's rows (a Row is a tuple subclass, never untracked)
    and everything imported. With the loaded state frozen (``Context``) and
    this threshold, a daily refresh of 50 feeds took 1.036 -> 0.997 s
    (interleaved medians of 10), about what no collector at all gives; it
    still collects, so a long ingest's cycles are bounded.
    """
    _young, *older = gc.get_threshold()
    gc.set_threshold(COMMAND_GC_YOUNG, *older)


def main(argv: Sequence[str] | None = None, *, own_process: bool = False) -> int:
    """Run ``digest-tui`` with ``argv``; its exit status. ``own_process``: the
    command owns the process (``entry``), so it may tune the collector for it."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        got = _global_args(argv)
        args = _ui_options(got) or build_parser(_command_named(got)).parse_args(argv)
        if args.version:
            print(api.VERSION)
            return 0
        ctx = Context(args.data_dir, args.config, freeze=own_process and bool(args.command))
        if not args.command:
            # the collector is paused over the UI's start-up: it allocates objects that
            # live as long as the process (Textual's modules, the panes, the first
            # page's rows) and makes few cycles, and walked them ~100 times before
            # the first screen (~40 ms of ~0.8 s at 100k entries); the app resumes
            # it once that screen is drawn (DigestApp._library_opened), and however
            # the app ends, it is on again here
            gc.disable()
            try:
                from tui.app import run_app

                return run_app(ctx.data_dir, ctx.config_override)
            finally:
                gc.enable()
        if own_process:
            _batch_collector()
        return int(args.handler(args, ctx) or 0)
    except UsageError as exc:
        _err(str(exc) if str(exc).startswith("digest-tui") else f"digest-tui: {exc}")
        return 2
    except DigestError as exc:
        _err(f"digest-tui: {exc}")
        return 1
    except BrokenPipeError:
        # `digest-tui list | head`: the reader went away; not an error
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except OSError as exc:
        # a file the user named or a directory we need: say which, no traceback
        where = f": {exc.filename}" if exc.filename else ""
        _err(f"digest-tui: {exc.strerror or exc}{where}")
        return 1
    except KeyboardInterrupt:
        _err("digest-tui: interrupted")
        return 130


def entry() -> None:
    """The ``digest-tui`` command: ``main``, then out at once.

    Why: once the work is done, what is left is the interpreter freeing every
    object one by one: ~0.1 s of each quit of the UI at 100k entries (~0.3 s at
    500k), and ~0.04 s of every command (a daily refresh: 0.04 s of 1.2). After
    the UI (terminal restored, workers joined, visit written) the process leaves
    at once. A command first runs the exit handlers (``atexit``: a library's,
    multiprocessing's wait for its children) as the normal exit would, unless a
    thread is still running: then it takes the normal exit, which waits for it.
    So does a run under a profiler or a debugger (``python -m cProfile -m tui.cli``),
    which writes its results after the program returns.
    """
    argv = sys.argv[1:]
    code = main(argv, own_process=True)
    if sys.getprofile() is not None or sys.gettrace() is not None:
        raise SystemExit(code)  # a profiler or debugger writes its results as the run ends
    if _ui_options(_global_args(argv)) is None:
        if threading.active_count() > 1:
            raise SystemExit(code)
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed, or None
            stream.flush()
    os._exit(code)


def _err(msg: str) -> None:
    print(api.screen_line(msg), file=sys.stderr)
