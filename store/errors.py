"""Errors a user can act on. Each carries one line meant for stderr or a toast."""

from __future__ import annotations


class DigestError(Exception):
    """Base for failures that are reported as one clear line, not a traceback."""


class LibraryError(DigestError):
    """The library cannot be read or written (damaged, locked, read-only, full)."""


class NotFound(DigestError):
    """An id or prefix matched nothing, or matched more than one entry."""


class ConfigError(DigestError):
    """feeds.yaml is malformed; the message names file, line and key."""


class UsageError(DigestError):
    """A mistake in how a command was typed (exit status 2)."""


class Stopped(Exception):  # noqa: N818 - a signal, not an error
    """Work that was asked to stop (its ``stop`` callable said so) did: nothing is wrong.

    Not a DigestError: no message for the user, the caller asked for it (the
    UI's worker, cancelled because the screen is closing).
    """
