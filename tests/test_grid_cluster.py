"""The GSOCseq potential maps on a real Dask LocalCluster of worker processes (permille.grid.cluster): the
threaded scheduler's results to the bit, workers that load the RothC kernels from numba's cache (none
compiles them) and run numba on their own thread only."""

import numpy as np

from permille.grid import cluster, real_atlas, real_layers


def _kernel_cache_stats() -> dict[str, tuple[int, int]]:
    """Cache hits and misses of the RothC kernels compiled in this (worker) process."""
    from permille.models.rothc import kernels, prep_kernels

    out = {}
    for module in (kernels, prep_kernels):
        for name in dir(module):
            stats = getattr(getattr(module, name), "stats", None)
            if stats is not None and (stats.cache_hits or stats.cache_misses):
                out[name] = (sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))
    return out


def _numba_threads() -> int:
    import numba

    return numba.get_num_threads()


def test_potential_maps_are_identical_on_worker_processes():
    dataset = real_layers.pipeline_inputs(1.0).sel(y=slice(51, 41), x=slice(-5, 10))
    params = real_atlas.Parameters(members=3)
    threads = real_atlas.potential_maps(params, dataset, chunk=(4, 8))
    with cluster.local_cluster(2) as client:
        assert cluster.active_client() is client
        on_workers = real_atlas.potential_maps(params, dataset, chunk=(4, 8))
        threads_per_worker = client.run(_numba_threads)
        stats = client.run(_kernel_cache_stats)
        pids = client.run(__import__("os").getpid)
    assert cluster.active_client() is None
    assert len(set(pids.values())) == 2 and __import__("os").getpid() not in pids.values()
    assert set(threads_per_worker.values()) == {1}
    for worker_stats in stats.values():
        assert worker_stats, "the worker ran no RothC kernel"
        assert all(misses == 0 for _, misses in worker_stats.values()), worker_stats
    assert int(np.isfinite(threads["diff_ssm_10"]).sum()) > 50
    for name in ("soc_t0", "diff_ssm_5", "diff_ssm_20", "diff_ssm_10_sd", "rate_bau"):
        np.testing.assert_array_equal(threads[name].values, on_workers[name].values)
