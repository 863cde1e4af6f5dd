"""Running the grid pipeline on a Dask ``distributed`` cluster of worker processes without paying each
worker's start-up on the first task, nor oversubscribing the cores.

:func:`local_cluster` starts a ``LocalCluster`` whose workers run :func:`dask_setup` as a preload when they
start (while the main process reads the layers): it limits numba's threads to the worker's own threads (Dask
already runs one task per worker thread; numba's OpenMP teams on top of it would spin on cores that other
workers use) and imports the pipeline and loads the compiled RothC kernels from numba's on-disk cache
(``cache=True``: no worker compiles them). :func:`persist` keeps a chunked input on the workers, so that
computing it again (one run per monitoring year) does not send it again.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import xarray as xr


def dask_setup(worker) -> None:
    """Worker preload hook (``distributed`` calls it at worker start-up): numba threads = the worker's
    threads; the pipeline imported and the RothC kernels loaded by a tiny run."""
    import numba

    numba.set_num_threads(max(1, min(worker.state.nthreads, numba.config.NUMBA_NUM_THREADS)))
    warm()


def warm() -> None:
    """Import the pipeline and load every RothC kernel it calls (from numba's cache) with a 4 × 4 run."""
    from .pipeline import run
    from .synthetic import synthetic_grid

    run(synthetic_grid(4, 4), years=1, members=2).compute(scheduler="synchronous")


@contextmanager
def local_cluster(workers: int, threads_per_worker: int = 1) -> Iterator:
    """A ``distributed`` Client on a ``LocalCluster`` of ``workers`` processes with :func:`dask_setup` as
    preload; every ``compute`` inside the block runs on it. Closed on exit."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
        dashboard_address=None, preload=[__name__],
    )  # fmt: skip
    try:
        with Client(cluster) as client:
            client.wait_for_workers(workers)
            yield client
    finally:
        cluster.close()


def active_client():
    """The current ``distributed`` Client, or None (the default threaded scheduler)."""
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - distributed is a dependency
        return None
    try:
        return default_client()
    except ValueError:
        return None


def persist(dataset: xr.Dataset) -> xr.Dataset:
    """A Dask-backed ``dataset`` kept on the cluster's workers when a ``distributed`` client is active
    (computed once, reused by every later graph), else unchanged."""
    return dataset.persist() if active_client() is not None else dataset
