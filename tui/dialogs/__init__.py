"""Modal dialogs, each a ``ModalScreen[T]`` returning its answer."""
