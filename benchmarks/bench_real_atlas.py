"""Time and peak memory of the real default atlas build (``permille atlas build``: every bundled layer, the
zone summaries, the GSOCseq potential with four scenarios and ≥ 10 uncertainty members, the 20 yearly
monitoring runs), on this machine's default Dask scheduler (threads) and on a Dask ``LocalCluster`` of
worker processes, with a check that both give identical results.

    uv run python benchmarks/bench_real_atlas.py [--workers 2] [--members 10] [--resolution 1.0] [--years 20]

Each build runs in its own child process (peak resident memory = the child's ru_maxrss, plus the cluster
workers' peaks for the LocalCluster run, made by :func:`permille.grid.cluster.local_cluster`: workers that
preload the pipeline and the cached kernels, numba on one thread each). Prints wall time (with the cluster's
start-up, included), peak memory and whether ``summary.csv``,
``potential.tif`` and the monitoring table are identical between the two builds. Not a test; figures depend
on the machine (and on its load).
"""

import argparse
import filecmp
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(out: str, members: int, resolution: float, workers: int, years: int) -> None:
    from contextlib import nullcontext

    from permille.grid import cluster, real_atlas

    params = real_atlas.Parameters(resolution_deg=resolution, members=members, years=years)
    start = time.perf_counter()
    with cluster.local_cluster(workers) if workers else nullcontext() as client:
        started = time.perf_counter() - start  # workers up, pipeline imported, kernels loaded (preload)
        real_atlas.build(Path(out), params)
        worker_peaks = []
        if client is not None:
            worker_peaks = list(
                client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values()
            )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"seconds": seconds, "start_seconds": started, "peak_mb": peak, "worker_peak_mb": worker_peaks}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--resolution", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=20, help="forward years (monitoring runs)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as root:
        for label, workers in (("threads", 0), (f"LocalCluster({args.workers} processes)", args.workers)):
            out = Path(root) / str(workers)
            text = subprocess.run(
                [sys.executable, __file__, "--child", str(out), str(args.members), str(args.resolution), str(workers),
                 str(args.years)],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            results[label] = (json.loads(text.strip().splitlines()[-1]), out)
        (first, a), (second, b) = results.values()
        same = all(
            filecmp.cmp(a / name, b / name, shallow=False)
            for name in ("summary.csv", "potential.tif", "monitoring/zone_statistics.csv")
        )
        for label, (figures, _) in results.items():
            workers = figures["worker_peak_mb"]
            extra = f", workers' peaks {', '.join(f'{w:.0f}' for w in workers)} MB" if workers else ""
            start = f" (cluster start-up {figures['start_seconds']:.1f} s)" if workers else ""
            print(f"{label}: {figures['seconds']:.1f} s{start}, peak {figures['peak_mb']:.0f} MB{extra}")
        print(f"identical results: {same}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        main()
