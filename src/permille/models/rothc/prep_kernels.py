"""The RothC engine's preparation and collection steps on every core (numba, parallel over blocks): the
bounds check of the large forcings, their conversion to contiguous float64, the cumulative carbon input of
the recorded months, the finiteness check of the equilibrium's per-site results (the kernel writes them
in (4, N) order, so nothing is transposed). Serial numpy did these before and capped the engine's speed-up
on many cores (Amdahl: on a 16-core machine 5.3× one thread); ``benchmarks/bench_rothc_threads.py``
measures it.

Below :data:`PARALLEL_MIN` elements the numpy path is kept (starting threads costs more)."""

import numpy as np
from numba import njit, prange

PARALLEL_MIN = 1 << 18
"""Elements from which an array is checked and converted in parallel."""
_BLOCK = 1 << 15
"""Elements per parallel work item of the bounds check."""


@njit(cache=True, error_model="numpy")
def _count_outside(x, lo, hi, lo_open):
    """How many values of ``x`` are NaN, infinite, or outside [lo, hi] ((lo, hi] with ``lo_open``): one
    branch-free loop, which vectorises (v − v is NaN for NaN and ±inf)."""
    count = 0
    if lo_open:
        for i in range(x.size):
            v = x[i]
            count += (v <= lo) | (v > hi) | (v - v != 0.0)
    else:
        for i in range(x.size):
            v = x[i]
            count += (v < lo) | (v > hi) | (v - v != 0.0)
    return count


@njit(parallel=True, cache=True)
def _outside(flat, lo, hi, lo_open):
    """:func:`_count_outside` of a 1-D array, blocks of :data:`_BLOCK` values in parallel."""
    n = flat.size
    blocks = (n + _BLOCK - 1) // _BLOCK
    counts = np.zeros(blocks, dtype=np.int64)
    for b in prange(blocks):
        counts[b] = _count_outside(flat[b * _BLOCK : min(n, (b + 1) * _BLOCK)], lo, hi, lo_open)
    return counts.sum()


def all_within(values: np.ndarray, lo: float, hi: float, lo_open: bool) -> bool | None:
    """Whether every value of a large C-contiguous float64 array is finite and within [lo, hi] ((lo, hi]
    with ``lo_open``), checked in parallel; None for a small or other array (numpy's serial path)."""
    if values.size < PARALLEL_MIN or values.dtype != np.float64 or not values.flags.c_contiguous:
        return None
    return _outside(values.reshape(-1), float(lo), float(hi), bool(lo_open)) == 0


@njit(parallel=True, cache=True)
def _copy2d(source, out):
    for i in prange(source.shape[0]):
        for j in range(source.shape[1]):
            out[i, j] = source[i, j]


def as_float64(value) -> np.ndarray:
    """``value`` as a float64 array; a large 2-D array of another dtype or layout copied to C order in
    parallel, else as ``np.asarray(value, dtype=float)``."""
    a = np.asarray(value)
    if (
        a.ndim == 2
        and a.size >= PARALLEL_MIN
        and a.dtype.kind in "fiu"
        and (a.dtype != np.float64 or not a.flags.c_contiguous)
    ):
        out = np.empty(a.shape)
        _copy2d(a, out)
        return out
    return np.asarray(a, dtype=float)


def contiguous(a: np.ndarray) -> np.ndarray:
    """A C-contiguous float64 copy of a 2-D array (in parallel when large), or the array itself."""
    if a.flags.c_contiguous and a.dtype == np.float64:
        return a
    return as_float64(a) if a.size >= PARALLEL_MIN else np.ascontiguousarray(a, dtype=float)


@njit(cache=True, error_model="numpy")
def _add_row(total, row, lo):
    """total[k] += row[lo + k] (a row of N sites), or row[0] for a row shared by all sites."""
    if row.size == 1:
        for k in range(total.size):
            total[k] += row[0]
    else:
        for k in range(total.size):
            total[k] += row[lo + k]


@njit(parallel=True, cache=True)
def _cumulative(plant, fym, rows, n_sites, chunk, out):
    """Running total of plant + fym (each (months or 1, sites or 1)) written at the months ``rows``
    (ascending) into ``out`` (len(rows), n_sites); chunks of sites in parallel."""
    for c in prange((n_sites + chunk - 1) // chunk):
        lo, hi = c * chunk, min(n_sites, (c + 1) * chunk)
        total = np.zeros(hi - lo)
        r = 0
        for t in range(rows[-1] + 1):
            _add_row(total, plant[t if plant.shape[0] > 1 else 0], lo)
            _add_row(total, fym[t if fym.shape[0] > 1 else 0], lo)
            if t == rows[r]:
                out[r, lo:hi] = total
                r += 1


def cumulative_input(plant: np.ndarray, fym: np.ndarray, rows, n_sites: int, chunk: int) -> np.ndarray:
    """Plant + manure carbon added from the first month up to each month in ``rows`` (ascending), t C/ha,
    (R, N), summed month after month for every site in parallel."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    out = np.empty((len(rows), n_sites))
    if len(rows):
        _cumulative(plant, fym, rows, n_sites, chunk, out)
    return out
