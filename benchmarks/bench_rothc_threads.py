"""How the RothC engine scales with threads: the same runs at 1, 2, 4, … N numba threads in one process,
each as a ratio to the 1-thread time measured here (issue 18: ≥ 12× at 16 threads).

    uv run python benchmarks/bench_rothc_threads.py [--sites 100000] [--years 50] [--threads 1,2,4,8,16]

For each thread count: the forward run (``rothc.run``, output ``final`` and ``yearly``; site-months/s),
the exact equilibrium (``rothc.equilibrium``; sites/s), and the preparation alone (input checks and
shaping, ``inputs.prepare``, plus the cumulative input of the yearly output) — the part that ran on one
core before and capped the speed-up. Best of ``--repeats``; the load average is printed (on a shared machine
it lowers every ratio). Not a pass/fail test; ``tests/test_rothc_threads.py`` checks that the results do not
depend on the thread count.
"""

import argparse
import os
import sys
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_rothc import _warm, best_of, synthetic  # noqa: E402

from permille.models import rothc  # noqa: E402
from permille.models.rothc import inputs  # noqa: E402


def thread_counts(text: str | None) -> list[int]:
    """The thread counts asked for, else 1, 2, 4, … up to every thread numba may start, and that one."""
    top = numba.config.NUMBA_NUM_THREADS
    if text:
        return sorted({int(t) for t in text.split(",") if 1 <= int(t) <= top})
    counts, t = [], 1
    while t < top:
        counts.append(t)
        t *= 2
    return [*counts, top]


def measure(soil, forcing, eq_soil, eq_forcing, repeats: int) -> dict[str, float]:
    """Seconds (best of ``repeats``) of each timed step at the current thread count."""
    months = np.arange(11, len(forcing.evaporation), 12)

    def preparation():
        inputs.prepare(soil, forcing).cumulative_input(months)

    steps = {
        "run final": lambda: rothc.run(soil, forcing, output="final"),
        "run yearly": lambda: rothc.run(soil, forcing, output="yearly"),
        "equilibrium": lambda: rothc.equilibrium(eq_soil, eq_forcing),
        "preparation": preparation,
    }
    return {name: best_of(repeats, step)[0] for name, step in steps.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=50)
    parser.add_argument("--eq-sites", type=int, default=1_000_000)
    parser.add_argument("--threads", help="comma-separated thread counts (default 1, 2, 4, … all)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    _warm()
    soil, forcing = synthetic(args.sites, args.years)
    eq_soil, eq_forcing = synthetic(args.eq_sites, 1, seed=1)
    site_months = args.sites * 12 * args.years
    counts = thread_counts(args.threads)
    print(
        f"numba {numba.__version__} ({numba.threading_layer()} layer), {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; {args.sites:,} sites × {args.years} yr, "
        f"equilibrium {args.eq_sites:,} sites; best of {args.repeats}"
    )
    rows = {}
    for threads in counts:
        numba.set_num_threads(threads)
        rows[threads] = measure(soil, forcing, eq_soil, eq_forcing, args.repeats)
    base = rows[counts[0]]
    print(
        f"{'threads':>7} | {'run final':>22} | {'run yearly':>22} | {'equilibrium':>20} | {'preparation':>16}"
    )
    for threads, t in rows.items():
        cells = [
            f"{site_months / t['run final'] / 1e6:8.1f} M/s ×{base['run final'] / t['run final']:5.2f}",
            f"{site_months / t['run yearly'] / 1e6:8.1f} M/s ×{base['run yearly'] / t['run yearly']:5.2f}",
            f"{args.eq_sites / t['equilibrium'] / 1e6:6.2f} M/s ×{base['equilibrium'] / t['equilibrium']:5.2f}",
            f"{t['preparation']:7.3f} s ×{base['preparation'] / t['preparation']:5.2f}",
        ]
        print(f"{threads:>7} | " + " | ".join(f"{c:>22}" for c in cells))
    print(
        f"ratios: time at {counts[0]} thread(s) / time at n threads, same process (ideal: n); "
        "forward runs in site-months/s, equilibrium in sites/s"
    )


if __name__ == "__main__":
    main()
