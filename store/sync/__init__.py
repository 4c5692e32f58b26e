"""store.sync."""
