"""The Keras 3 backend: each node's layer call, the model built from them, and its check
against the static analysis. Keras is imported only inside functions."""
