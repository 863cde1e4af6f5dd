"""Monte Carlo speed of a project balance (3 models × 2 scenarios × areas), vectorised over the draws,
against the simple baseline of one central run per draw in a Python loop, in the same process.

    uv run python benchmarks/bench_balance.py [examples/project.yaml] [--draws 1000 5000]
"""

import argparse
import time
from pathlib import Path

from permille.io.project_file import read_project
from permille.models import balance

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "project.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=EXAMPLE)
    parser.add_argument("--draws", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--loop", type=int, default=20, help="draws run one by one for the baseline")
    args = parser.parse_args()
    project = read_project(args.project).to_model()
    balance.simulate(project, draws=10)  # compile / load the kernels

    t0 = time.perf_counter()
    for seed in range(args.loop):
        balance.simulate(project, draws=0, seed=seed)
    loop_rate = args.loop / (time.perf_counter() - t0)
    print(f"{project.name}: {len(project.areas)} areas, years {project.first_year}–{project.last_year}")
    print(f"  one central run per draw, Python loop: {loop_rate:,.0f} draws/s")
    for n in args.draws:
        t0 = time.perf_counter()
        balance.simulate(project, draws=n, seed=1)
        seconds = time.perf_counter() - t0
        print(
            f"  vectorised, {n:>6,} draws: {seconds:6.3f} s  {n / seconds:>9,.0f} draws/s  ×{n / seconds / loop_rate:,.0f}"
        )


if __name__ == "__main__":
    main()
