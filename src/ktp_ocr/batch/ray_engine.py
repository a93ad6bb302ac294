"""The Ray engine: the same read as a Ray Data pipeline, on a local Ray or a cluster.

A manifest of paths (``from_items``) -> ``map_batches`` on a fixed pool of actors, each holding one ``KtpReader``
(models load once per actor) -> records streamed back to the driver, which writes the JSON Lines file itself, so
resuming works as for the local pool. The actors read the files by path: on a cluster the paths must be
readable on every node (a shared mount), as for any Ray Data file source. Ray is imported only here.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from ..ocr.runtime import available_cores
from ..options import ReaderOptions, threads_per_worker
from .records import Record, read_record

RECORD_FIELDS = tuple(f.name for f in fields(Record))
MAX_BLOCKS = 10_000  # one file per block (results stream back card by card) up to this many blocks


CONNECT_TIMEOUT_S = 30.0  # how long a cluster at --address has to answer


class RayMissingError(ImportError):
    """Ray is an optional extra."""


class RayUnreachableError(ConnectionError):
    """No Ray cluster answered at the address in time; the message names the address."""


class CardReader:
    """A Ray Data actor: one reader, built once, reading one batch of paths per call."""

    def __init__(self, options_json: dict[str, Any]) -> None:
        from ..reader import KtpReader

        self.reader = KtpReader(ReaderOptions.model_validate(options_json))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        records = [read_record(self.reader, str(file)) for file in batch["file"]]
        return {name: [getattr(r, name) for r in records] for name in RECORD_FIELDS}


def read_ray(
    files: Sequence[str],
    options: ReaderOptions,
    jobs: int | None,
    address: str | None,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
) -> tuple[Iterator[Record], int]:
    """Records for ``files`` read by ``jobs`` Ray actors; starts a local Ray, or joins ``address``'s cluster.

    Returns the records (streamed, any order) and the number of actors. Threads per actor: ``options.threads``,
    else locally cores / jobs and on a cluster 1 (the least CPU per card), with jobs = the cluster's CPUs /
    threads by default. A cluster that does not answer within ``connect_timeout_s`` is ``RayUnreachableError``.
    """
    ray = _import_ray()
    started = not ray.is_initialized()
    if started and address:
        connect(ray, address, connect_timeout_s)
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


def connect(ray: Any, address: str, timeout_s: float) -> None:
    """Join the cluster at ``address`` within ``timeout_s`` or raise ``RayUnreachableError`` naming it.

    Left alone, ``ray.init`` retries an address that does not answer for minutes, printing warnings; here its
    port must accept a connection by the deadline, and ``ray.init`` itself (a port that accepts but is no Ray
    head) must return by then too: it runs in a daemon thread, abandoned if it does not.
    """
    deadline = time.monotonic() + timeout_s
    _wait_for_port(address, timeout_s, deadline)
    failure: list[BaseException] = []

    def init() -> None:
        try:
            ray.init(address=address, logging_level=logging.WARNING)
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=init, name="ray-connect", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise RayUnreachableError(f"no Ray cluster answered at {address} within {timeout_s:g} s")
    if failure and isinstance(failure[0], ConnectionError):
        raise RayUnreachableError(f"cannot join the Ray cluster at {address}: {failure[0]}") from failure[0]
    if failure:
        raise failure[0]


def _wait_for_port(address: str, timeout_s: float, deadline: float) -> None:
    """Until ``deadline``, try to open a TCP connection to ``address``'s host:port (a head starting up may take
    a moment); an address without a port (``auto``) is left to Ray."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return
    while True:
        remaining = deadline - time.monotonic()
        try:
            socket.create_connection((host, int(port)), timeout=max(0.1, min(2.0, remaining))).close()
            return
        except OSError as exc:
            if time.monotonic() >= deadline:
                reason = exc.strerror or str(exc) or type(exc).__name__
                raise RayUnreachableError(
                    f"no Ray cluster answered at {address} within {timeout_s:g} s ({reason})"
                ) from exc
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


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
            str(row["file"]),
            str(row["status"]),
            str(row["line"]),
            float(row["read_ms"]),
            float(row["cpu_ms"]),
            str(row["sha256"]),
        )


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RayMissingError("the Ray engine needs the ray extra: pip install 'ktp-ocr[ray]'") from exc
    return ray
