"""Subcommands of ``digest-tui``, one module per family; each has ``register``."""
