"""Which files a batch (or ``ktp-ocr read``) reads: files, folders searched recursively, and ``@list`` files.

The order is stable (arguments in order, a folder's files sorted) and each file appears once, however it is
spelled: a file is its resolved path (``file_key``), which is also what a batch's output is keyed by, so a rerun
naming the same files another way (relative or absolute, through a link) resumes instead of reading them again.
A source that names no file at all (an empty folder or list) is a usage error, not an empty success.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..decode import IMAGE_SUFFIXES


class SourceError(ValueError):
    """A source that cannot be expanded (a missing ``@list`` file, an empty folder): a usage error, not a status."""


def file_key(path: str | Path) -> str:
    """What identifies a file: its absolute path with links and ``..`` resolved (relative to the working folder)."""
    return str(Path(path).resolve())


def expand_sources(sources: Iterable[str]) -> list[str]:
    """Every file to read, as spelled in the sources, in order; a file named twice (however spelled) once.

    A folder yields the images and PDFs under it (by extension, any case). A ``@list.txt`` yields one path a line
    (blank lines and lines starting with ``#`` skipped; relative paths are taken from the working directory, as a
    shell would). Anything else is taken as a file even when it does not exist, so that it gets its own
    ``NO_FILE`` result like any unreadable card instead of vanishing from the output. Raises ``SourceError`` for
    a list that cannot be read and for a folder or list with nothing to read in it.
    """
    seen: dict[str, str] = {}
    for source in sources:
        for path in _expand_one(source):
            seen.setdefault(file_key(path), path)
    return list(seen.values())


def _expand_one(source: str) -> Iterator[str]:
    if source.startswith("@"):
        lines = _list_lines(Path(source[1:]))
        if not lines:
            raise SourceError(f"the list {source[1:]} names no file")
        for line in lines:
            yield from _expand_one(line) if Path(line).is_dir() else (line,)
    elif Path(source).is_dir():
        found = folder_images(Path(source))
        if not found:
            raise SourceError(f"no image or PDF (JPEG, PNG, WEBP, BMP, TIFF, PDF) in the folder {source}")
        yield from found
    else:
        yield source


def _list_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"cannot read the list {path}: {exc.strerror or exc}") from exc
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def folder_images(folder: Path) -> list[str]:
    """Images and PDFs under ``folder`` (recursive, hidden files skipped), sorted."""
    found = (
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )
    return sorted(str(p) for p in found)
