"""Which files a batch (or ``ktp-ocr read``) reads: files, folders searched recursively, and ``@list`` files.

The order is stable (arguments in order, a folder's files sorted) and each file appears once, because a batch's
output is keyed by the ``file`` string: the same command must name the same files the same way on a rerun.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..decode import IMAGE_SUFFIXES


class SourceError(ValueError):
    """A source that cannot be expanded (a missing ``@list`` file): a usage error, not a card's status."""


def expand_sources(sources: Iterable[str]) -> list[str]:
    """Every file to read, as strings, in order and without repeats.

    A folder yields the images and PDFs under it (by extension, any case). A ``@list.txt`` yields one path a line
    (blank lines and lines starting with ``#`` skipped; relative paths are taken from the working directory, as a
    shell would). Anything else is taken as a file even when it does not exist, so that it gets its own
    ``NO_FILE`` result like any unreadable card instead of vanishing from the output.
    """
    seen: dict[str, None] = {}
    for source in sources:
        for path in _expand_one(source):
            seen.setdefault(path, None)
    return list(seen)


def _expand_one(source: str) -> Iterator[str]:
    if source.startswith("@"):
        for line in _list_lines(Path(source[1:])):
            yield from _expand_one(line) if Path(line).is_dir() else (line,)
    elif Path(source).is_dir():
        yield from folder_images(Path(source))
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
