"""Throughput of the gridded pipeline (T0 anchoring, 20-year BAU and three scenarios) on a synthetic grid,
chunked with Dask on this machine, against a per-pixel loop of the same pipeline in the same process, with
the peak memory, and the time a global 1 km run would take at this speed.

Pixel-months count model months simulated per modelled pixel (forward BAU and the scenario response,
12 × years each, per member), however the pipeline computes them (the forward runs apply one annual map
per year). The load average is printed: on a shared machine it slows every figure.

    uv run python benchmarks/bench_grid.py [--size 1000] [--chunks 250] [--members 0]
"""

import argparse
import os
import resource
import time

import numpy as np

from permille.grid import pipeline
from permille.grid.synthetic import synthetic_grid

GLOBAL_PIXELS = 50e6  # agricultural 1 km pixels worldwide (GSOCseq order of magnitude)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="grid side: size × size pixels")
    parser.add_argument("--chunks", type=int, default=250)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--members", type=int, default=0, help="uncertainty members")
    parser.add_argument("--loop", type=int, default=20, help="pixels run one by one for the baseline")
    args = parser.parse_args()
    load = os.getloadavg()[0]

    small = synthetic_grid(8, 8)
    pipeline.run(small, years=2)  # compile / load the kernels
    grid = synthetic_grid(args.size, args.size, chunks=args.chunks)
    modelled = int(np.isin(grid.land_cover.values, (2, 3, 4)).sum())
    t0 = time.perf_counter()
    result = pipeline.run(grid, years=args.years, members=args.members).compute()
    seconds = time.perf_counter() - t0
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    # months simulated per modelled pixel: the forward run, BAU and the scenario response, per member
    months = 12 * args.years * 2 * max(args.members, 1)
    rate = modelled / seconds

    ids = np.argwhere(np.isin(small.land_cover.values, (2, 3, 4)))[: args.loop]
    t0 = time.perf_counter()
    for iy, ix in ids:
        one = small.isel(y=slice(iy, iy + 1), x=slice(ix, ix + 1))
        pipeline.run(one, years=args.years)
    loop_rate = len(ids) / (time.perf_counter() - t0)

    assert np.isfinite(result["diff_ssm_20"].values[np.isin(grid.land_cover.values, (2, 3, 4))]).all()
    print(f"grid {args.size} × {args.size} ({modelled:,} modelled pixels), chunks {args.chunks}, {args.years} years, "
          f"members {args.members}; {os.cpu_count()} CPUs, load average {load:.1f} at the start")  # fmt: skip
    print(f"  pipeline (Dask, local threads): {seconds:7.2f} s  {rate:>10,.0f} pixels/s  "
          f"{rate * months:>14,.0f} pixel-months/s  peak memory {peak_gib:.2f} GiB")  # fmt: skip
    print(f"  per-pixel loop ({len(ids)} pixels):  {loop_rate:>10,.1f} pixels/s  → ×{rate / loop_rate:,.0f}")
    hours = GLOBAL_PIXELS / rate / 3600
    print(f"  global 1 km ({GLOBAL_PIXELS / 1e6:.0f} M pixels) at this speed: {hours:,.1f} h on this machine"
          f"{'' if args.members else ' (× members for uncertainty runs)'}")  # fmt: skip


if __name__ == "__main__":
    main()
