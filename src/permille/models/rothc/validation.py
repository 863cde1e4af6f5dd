"""Boundary checks for RothC inputs: every problem is reported, naming the field, the site and the month."""

from collections.abc import Sequence

import numpy as np

from ...i18n import Text, joined
from . import prep_kernels

#: At most this many bad entries are listed per field; the rest are counted.
MAX_LISTED = 10


class RothCInputError(ValueError):
    """Bad RothC input. ``problems`` lists every problem found (catalogue messages)."""

    def __init__(self, problems: list[Text]):
        self.problems = problems
        super().__init__(
            Text(
                "{n} problem in the RothC input: {problems}",
                "{n} problems in the RothC input: {problems}",
                n=len(problems),
                problems=joined(problems),
            )
        )


class Checker:
    """Collects problems while arrays are shaped and checked; :meth:`raise_if_any` reports them all."""

    def __init__(self, site_ids: Sequence[str] | None = None):
        self.problems: list[Text] = []
        self.site_ids = None if site_ids is None else [str(s) for s in site_ids]

    def site(self, n: int) -> Text:
        if self.site_ids is not None and n < len(self.site_ids):
            return Text("site {n} ({name})", n=n, name=repr(self.site_ids[n]))
        return Text("site {n}", n=n)

    def site_of(self, index: tuple[int, ...]) -> Text:
        """``where`` for a per-site array: names the site of the first index."""
        return self.site(index[0]) if index else Text("value")

    def add(self, problem: Text) -> None:
        self.problems.append(problem)

    def raise_if_any(self) -> None:
        if self.problems:
            raise RothCInputError(self.problems)

    def check(self, name, values, rule: Text, bad: np.ndarray, where) -> None:
        """Report the entries of ``values`` flagged in ``bad``; ``where(index)`` names an entry."""
        idx = np.argwhere(bad)
        for i in idx[:MAX_LISTED]:
            i = tuple(int(j) for j in i)
            self.add(
                Text(
                    "{name}: {where}: {value:g} {rule}",
                    name=name,
                    where=where(i),
                    value=float(values[i]),
                    rule=rule,
                )
            )
        if len(idx) > MAX_LISTED:
            self.add(
                Text(
                    "{name}: … and {n} more entry with the same problem",
                    "{name}: … and {n} more entries with the same problem",
                    n=len(idx) - MAX_LISTED,
                    name=name,
                )
            )

    def finite_range(self, name, values, lo=-np.inf, hi=np.inf, *, lo_open=False, unit="", where=None):
        """Flag NaN/inf and values outside [lo, hi] (or (lo, hi] with ``lo_open``)."""
        where = where or self.site_of
        values = prep_kernels.as_float64(values)
        if values.size:  # fast path: one parallel pass for a large array, else min and max (NaN propagates)
            fine = prep_kernels.all_within(values, lo, hi, lo_open)
            if fine is None:
                low, high = values.min(), values.max()
                fine = (
                    np.isfinite(low)
                    and np.isfinite(high)
                    and (low > lo if lo_open else low >= lo)
                    and high <= hi
                )
            if fine:
                return
        nonfinite = ~np.isfinite(values)
        if nonfinite.any():
            self.check(name, values, Text("is not a finite number"), nonfinite, where)
        with np.errstate(invalid="ignore"):
            low = values <= lo if lo_open else values < lo
            out = (low | (values > hi)) & ~nonfinite
        if out.any():
            left = "(" if lo_open else "["
            interval = f"{left}{lo:g}, {hi:g}]{' ' + unit if unit else ''}"
            self.check(name, values, Text("is outside {interval}", interval=interval), out, where)

    def sites(self, name: str, value, n_sites: int) -> np.ndarray:
        """A per-site parameter as a contiguous float array (N,), broadcast from a scalar."""
        a = np.asarray(value, dtype=float)
        if a.ndim == 0:
            return np.full(n_sites, float(a))
        if a.shape != (n_sites,):
            self.add(
                Text(
                    "{name}: has shape {shape}, expected a scalar or one value per site ({sites},)",
                    name=name,
                    shape=a.shape,
                    sites=n_sites,
                )
            )
            return np.full(n_sites, np.nan)
        return np.ascontiguousarray(a)

    def monthly(self, name: str, value, n_months: int, n_sites: int) -> np.ndarray | None:
        """A forcing as a 2-D array (months or 1, sites or 1), not yet broadcast; None if misshapen.

        (1, N) is one value per site for every month."""
        a = prep_kernels.as_float64(value)
        if a.ndim == 0:
            return a.reshape(1, 1)
        if a.ndim == 1 and len(a) == n_months:
            return a[:, None]
        if a.ndim == 2 and a.shape[0] in (1, n_months) and a.shape[1] in (1, n_sites):
            return a
        self.add(
            Text(
                "{name}: has shape {shape}, expected a scalar, ({months},) months, ({months}, {sites}) months × sites "
                "or (1, {sites}) sites",
                name=name,
                shape=a.shape,
                months=n_months,
                sites=n_sites,
            )
        )
        return None

    def month_site(self, a: np.ndarray):
        """``where`` for a 2-D forcing: names the month (1-based) and, if per site, the site."""

        def where(i):
            t, n = i
            month = Text("month {month}", month=t + 1)
            return month if a.shape[1] == 1 else Text("{month}, {site}", month=month, site=self.site(n))

        return where
