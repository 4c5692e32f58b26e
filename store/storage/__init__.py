"""store.storage."""
