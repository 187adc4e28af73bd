"""Where a command writes, checked before it writes (issue 22.12): never through a symbolic
link, never into a folder it would have to create, never over a file without `--force`."""

from __future__ import annotations

from pathlib import Path

from reads.errors import BadInput


def target_file(path: Path, *, force: bool) -> Path:
    if path.is_symlink():
        raise BadInput(f"{path} is a symbolic link: give the path of a plain file")
    if not path.parent.is_dir():
        raise BadInput(f"{path}: the folder {path.parent} does not exist; create it first")
    if path.exists() and not force:
        raise BadInput(f"{path} exists: --force overwrites it")
    return path


def target_folder(path: Path) -> Path:
    """A folder written into (created when only it is missing, never its parents)."""
    if path.is_symlink():
        raise BadInput(f"{path} is a symbolic link: give the path of a plain folder")
    if not path.exists() and not path.parent.is_dir():
        raise BadInput(f"{path}: the folder {path.parent} does not exist; create it first")
    if path.exists() and not path.is_dir():
        raise BadInput(f"--out: {path} is a file, not a folder")
    return path


def source_text_file(path: Path) -> Path:
    """A text file read in: itself, not a link to something else, not a device."""
    if path.is_symlink():
        raise BadInput(f"{path} is a symbolic link: give the path of the file itself")
    if path.exists() and not path.is_file():
        raise BadInput(f"{path} is not a plain file")
    return path
