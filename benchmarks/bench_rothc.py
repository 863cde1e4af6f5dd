"""RothC throughput: the compiled, vectorised engine against a plain per-site Python loop of the same
equations (``permille.models.rothc.plain``), both run here, in this process.

    uv run python benchmarks/bench_rothc.py [--sites 100000] [--years 50] [--eq-sites 1000000]

Prints site-months per second of a forward run, sites per second of the exact equilibrium (and of the
official iterative spin-up), with the speed-up over the plain loop. Not a pass/fail test.
"""

import argparse
import time

import numba
import numpy as np

from permille.models import rothc
from permille.models.rothc import plain

SEASON = np.array([3.5, 4.0, 5.8, 8.0, 11.3, 14.4, 16.4, 16.2, 13.8, 10.5, 6.6, 4.5])  # °C, Rothamsted
EVAP = np.array([8.0, 17.0, 40.0, 70.0, 100.0, 117.0, 130.0, 107.0, 62.0, 30.0, 9.0, 4.0])  # mm, open pan
PLANT = np.array([0, 0, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.2, 0.0, 0, 0])  # t C/ha/month


def synthetic(n_sites: int, n_years: int, seed: int = 0):
    """Plausible sites from boreal to tropical: per-site temperature offset and rain, yearly noise."""
    rng = np.random.default_rng(seed)
    offset = rng.uniform(-8.0, 14.0, n_sites)
    wetness = rng.uniform(0.3, 2.5, n_sites)
    months = 12 * n_years
    temp = np.tile(SEASON, n_years)[:, None] + offset[None, :] + rng.normal(0.0, 1.5, (months, 1))
    rain = (np.tile(np.full(12, 55.0), n_years)[:, None] * wetness[None, :]).clip(0)
    soil = rothc.Soil(clay=rng.uniform(5.0, 60.0, n_sites), depth=23.0, iom=rng.uniform(1.0, 5.0, n_sites))
    forcing = rothc.Forcing(
        temperature=temp, rain=rain, evaporation=np.tile(EVAP, n_years), plant_input=np.tile(PLANT, n_years)
    )
    return soil, forcing


def best_of(repeats: int, fn):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return min(times), value


def column(a, i):
    a = np.asarray(a, dtype=float)
    return a[:, i] if a.ndim == 2 else np.broadcast_to(a, (len(a),))


def plain_run(soil, forcing, sites):
    months = len(forcing.evaporation)
    for i in sites:
        clay = soil.clay[i]
        series = [column(getattr(forcing, f), i) for f in ("temperature", "rain", "evaporation")]
        plain.run(
            [0.0] * 4, 0.0, clay, 23.0, *series, [1.0] * months, column(forcing.plant_input, i),
            [0.0] * months, [1.44] * months,
        )  # fmt: skip


def plain_equilibrium(soil, climate, sites):
    for i in sites:
        plain.equilibrium(
            soil.clay[i], 23.0, column(climate.temperature, i), column(climate.rain, i), EVAP, [1.0] * 12,
            PLANT, [0.0] * 12, [1.44] * 12,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=50)
    parser.add_argument("--eq-sites", type=int, default=1_000_000)
    parser.add_argument("--plain-sites", type=int, default=20)
    args = parser.parse_args()
    print(
        f"numba {numba.__version__}, {numba.get_num_threads()} threads ({numba.threading_layer()} layer)"
        if _warm()
        else ""
    )

    soil, forcing = synthetic(args.sites, args.years)
    site_months = args.sites * 12 * args.years
    rows = []
    for output in ("final", "yearly"):
        seconds, result = best_of(3, lambda o=output: rothc.run(soil, forcing, output=o))
        rows.append(
            (f"run, {args.sites:,} sites × {args.years} yr, output={output}", site_months / seconds, seconds)
        )
    plain_seconds, _ = best_of(1, lambda: plain_run(soil, forcing, range(args.plain_sites)))
    plain_rate = args.plain_sites * 12 * args.years / plain_seconds
    print(
        f"\nforward run (site-months/s); plain Python loop: {plain_rate:,.0f} site-months/s "
        f"({args.plain_sites} sites)"
    )
    for name, rate, seconds in rows:
        print(f"  {name:<48} {rate:>14,.0f}/s  {seconds:7.3f} s  ×{rate / plain_rate:,.0f} vs plain")

    eq_soil, eq_forcing = synthetic(args.eq_sites, 1, seed=1)
    seconds, state = best_of(3, lambda: rothc.equilibrium(eq_soil, eq_forcing))
    eq_rate = args.eq_sites / seconds
    plain_seconds, _ = best_of(1, lambda: plain_equilibrium(eq_soil, eq_forcing, range(200)))
    plain_eq_rate = 200 / plain_seconds
    spin_n = 500
    spin_soil = rothc.Soil(eq_soil.clay[:spin_n], 23.0, eq_soil.iom[:spin_n])
    spin_forcing = rothc.Forcing(
        eq_forcing.temperature[:, :spin_n], eq_forcing.rain[:, :spin_n], EVAP, plant_input=PLANT
    )
    spin_seconds, (_, months) = best_of(1, lambda: rothc.spin_up(spin_soil, spin_forcing))
    print(
        f"\nequilibrium (sites/s); plain Python loop of the same exact method: {plain_eq_rate:,.0f} sites/s"
    )
    print(
        f"  exact, {args.eq_sites:,} sites{'':<28} {eq_rate:>14,.0f}/s  {seconds:7.3f} s  "
        f"×{eq_rate / plain_eq_rate:,.0f} vs plain"
    )
    print(
        f"  official iterative spin-up (compiled), {spin_n:,} sites  {spin_n / spin_seconds:>11,.0f}/s  "
        f"{spin_seconds:7.3f} s  (median {np.median(months) / 12:,.0f} years per site)"
    )


def _warm() -> bool:
    """Compile (or load from cache) every kernel before timing."""
    soil, forcing = synthetic(10, 1)
    rothc.run(soil, forcing)
    rothc.equilibrium(soil, forcing)
    rothc.spin_up(soil, forcing)
    return True


if __name__ == "__main__":
    main()
