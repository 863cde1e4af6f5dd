"""Model validation against measurements: bias, RMSE, modelling efficiency and a VMD0053-style bias test.

Statistics after Smith et al. (1997, Geoderma, doi:10.1016/S0016-7061(97)00087-6) and the Verra
VMD0053 (v2.0) model-validation guidance for VM0042: the mean prediction error must not differ
significantly from zero (two-sided t test on the paired errors at level alpha, default 0.10).
Units: those of the inputs (t C/ha for stocks).
"""

from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from ..i18n import Text, joined


@dataclass(frozen=True)
class Validation:
    """Paired predicted vs observed values: n, bias = mean(pred − obs) with its 1 − alpha interval, RMSE,
    relative RMSE (% of the observed mean), modelling efficiency EF = 1 − Σ(o − p)² / Σ(o − ō)²
    (1 perfect, ≤ 0 no better than the mean), Pearson r, and the bias test: t, p, pass (p ≥ alpha)."""

    n: int
    bias: float
    bias_low: float
    bias_high: float
    rmse: float
    rrmse_pct: float
    efficiency: float
    r: float
    t: float
    p: float
    alpha: float
    passes_bias_test: bool

    def as_dict(self) -> dict:
        return asdict(self)


def validate(predicted, observed, *, alpha: float = 0.10) -> Validation:
    """Validation statistics of ``predicted`` against ``observed`` (same units, paired, ≥ 3 pairs)."""
    p, o = np.asarray(predicted, dtype=float).ravel(), np.asarray(observed, dtype=float).ravel()
    problems = []
    if p.shape != o.shape:
        problems.append(
            Text(
                "{predictions} predictions for {observations} observations",
                predictions=p.size,
                observations=o.size,
            )
        )
    elif p.size < 3:
        problems.append(
            Text("{n} pair: at least 3 are needed", "{n} pairs: at least 3 are needed", n=int(p.size))
        )
    elif not (np.isfinite(p).all() and np.isfinite(o).all()):
        bad = np.flatnonzero(~(np.isfinite(p) & np.isfinite(o)))
        problems.append(Text("NaN or inf at pairs {pairs}", pairs=bad.tolist()))
    if not 0 < alpha < 0.5:
        problems.append(Text("alpha = {value} must be in (0, 0.5)", value=alpha))
    if problems:
        raise ValueError(Text("model validation: {problems}", problems=joined(problems)))
    error = p - o
    n = error.size
    bias, se = error.mean(), error.std(ddof=1) / np.sqrt(n)
    q = stats.t.ppf(1 - alpha / 2, n - 1)
    t = bias / se if se > 0 else (0.0 if bias == 0 else np.inf)
    p_value = float(2 * stats.t.sf(abs(t), n - 1))
    rmse = float(np.sqrt(np.mean(error**2)))
    spread = np.sum((o - o.mean()) ** 2)
    return Validation(
        n=n,
        bias=float(bias),
        bias_low=float(bias - q * se),
        bias_high=float(bias + q * se),
        rmse=rmse,
        rrmse_pct=100.0 * rmse / float(o.mean()),
        efficiency=float(1.0 - np.sum(error**2) / spread) if spread > 0 else float("nan"),
        r=float(np.corrcoef(p, o)[0, 1]) if n > 2 and p.std() > 0 and o.std() > 0 else float("nan"),
        t=float(t),
        p=p_value,
        alpha=alpha,
        passes_bias_test=bool(p_value >= alpha),
    )
