"""The document store: a folder (by default under the state folder) of content-addressed files.

A file is written once, atomically, and never rewritten: its name carries the hash of its
content, so the same name always means the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutsideStore(ValueError):
    """A document path that would leave the store (`..`, an absolute path)."""


class DocumentStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def resolve(self, relative: str) -> Path:
        root = self.root.resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or path == root:
            raise OutsideStore(f"{relative!r} is not a path inside the document store")
        return path

    def exists(self, relative: str) -> bool:
        return self.resolve(relative).is_file()

    def read(self, relative: str) -> bytes:
        return self.resolve(relative).read_bytes()

    def put(self, relative: str, content: bytes) -> bool:
        """Write a new file; False (and nothing written) when it is already there."""
        path = self.resolve(relative)
        if path.is_file():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write aside then rename, so a reader never sees half a document.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True
