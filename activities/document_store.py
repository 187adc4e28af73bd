"""The documents live in the shared database: see `store.documents`."""

from store.documents import DocumentStore, OutsideStore, StoredDocument

__all__ = ["DocumentStore", "OutsideStore", "StoredDocument"]
