"""store.index."""
