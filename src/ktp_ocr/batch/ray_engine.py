"""The Ray engine: the same read as a Ray Data pipeline, on a local Ray or a cluster.

A manifest of paths (``from_items``) -> ``map_batches`` on a fixed pool of actors, each holding one ``KtpReader``
(models load once per actor) -> records streamed back to the driver, which writes the JSON Lines file itself, so
resuming works as for the local pool. The actors read the files by path: on a cluster the paths must be
readable on every node (a shared mount), as for any Ray Data file source. Ray is imported only here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from ..ocr.runtime import available_cores
from ..options import ReaderOptions, threads_per_worker
from .records import Record, read_record

RECORD_FIELDS = tuple(f.name for f in fields(Record))
MAX_BLOCKS = 10_000  # one file per block (results stream back card by card) up to this many blocks


class RayMissingError(ImportError):
    """Ray is an optional extra."""


class CardReader:
    """A Ray Data actor: one reader, built once, reading one batch of paths per call."""

    def __init__(self, options_json: dict[str, Any]) -> None:
        from ..reader import KtpReader

        self.reader = KtpReader(ReaderOptions.model_validate(options_json))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        records = [read_record(self.reader, str(file)) for file in batch["file"]]
        return {name: [getattr(r, name) for r in records] for name in RECORD_FIELDS}


def read_ray(
    files: Sequence[str], options: ReaderOptions, jobs: int | None, address: str | None
) -> tuple[Iterator[Record], int]:
    """Records for ``files`` read by ``jobs`` Ray actors; starts a local Ray, or joins ``address``'s cluster.

    Returns the records (streamed, any order) and the number of actors. Threads per actor: ``options.threads``,
    else locally cores / jobs and on a cluster 1 (the least CPU per card), with jobs = the cluster's CPUs /
    threads by default.
    """
    ray = _import_ray()
    started = not ray.is_initialized()
    if started and address:
        ray.init(address=address, logging_level=logging.WARNING)
    elif started:
        ray.init(num_cpus=available_cores(), include_dashboard=False, logging_level=logging.WARNING)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    if address or not started:
        threads = options.threads or 1
        jobs = jobs or max(1, cpus // threads)
    else:
        jobs = jobs or cpus
        threads = options.threads or threads_per_worker(jobs, cpus)
    options = options.model_copy(update={"threads": threads})
    return _stream(ray, files, options, jobs, stop=started), jobs


def _stream(ray: Any, files: Sequence[str], options: ReaderOptions, jobs: int, stop: bool) -> Iterator[Record]:
    try:
        if files:
            yield from _pipeline(ray, files, options, jobs)
    finally:
        if stop:
            ray.shutdown()


def _pipeline(ray: Any, files: Sequence[str], options: ReaderOptions, jobs: int) -> Iterator[Record]:
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the batch driver draws its own bar
    items = [{"file": file} for file in files]
    dataset = ray.data.from_items(items, override_num_blocks=min(len(items), MAX_BLOCKS)).map_batches(
        CardReader,
        fn_constructor_kwargs={"options_json": options.model_dump(mode="json")},
        batch_size=1,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=jobs),
        num_cpus=options.threads,
        udf_modifying_row_count=False,
    )
    for row in dataset.iter_rows():
        yield Record(
            str(row["file"]), str(row["status"]), str(row["line"]), float(row["read_ms"]), float(row["cpu_ms"])
        )


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RayMissingError("the Ray engine needs the ray extra: pip install 'ktp-ocr[ray]'") from exc
    return ray
