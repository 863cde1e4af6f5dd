"""Sampling design, estimators and conservative bounds for soil carbon MRV (measure and re-measure).

Units: stocks and stock changes in t C/ha (any unit works; results carry the unit of the input),
areas in ha, variances in the squared unit. Strata are named; per-stratum inputs are mappings
``{stratum: value}``.

Design (stratified random sampling, STSI): proportional and Neyman allocation (Cochran 1977 §5.5, §5.9;
de Gruijter et al. 2006 §7.2). Power: minimum detectable difference and the sample size that reaches it
(paired / one-sample t test on the differences). Composite sampling: variance of a composite of k cores
(de Gruijter et al. 2006 §4.3; Bradford et al. 2023; Stanley et al. 2023 on field versus lab error).
Estimators: STSI mean and variance of the mean with Satterthwaite degrees of freedom (Cochran 1977
§5.3, §5.4), paired re-measurement change, and the project-versus-control difference (Welch).
Conservative bounds: lower bound at a probability of exceedance, 90 % CI half-width and the
VM0042-style uncertainty deduction (Verra VM0042 v2.x).

Every problem with an input is reported at once, in one ValueError naming the stratum and the field.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..i18n import Text, joined


@dataclass(frozen=True)
class Estimate:
    """An estimated mean (unit of the data), the variance of that mean, its standard error and the
    degrees of freedom for t quantiles."""

    mean: float
    var_mean: float
    se: float
    df: float


@dataclass(frozen=True)
class Bound:
    """A conservative number and every step behind it: ``value`` (as documented by the function that
    returns it) = f(mean, se, quantile), with ``quantile`` = t_{probability, df}."""

    value: float
    mean: float
    se: float
    df: float
    probability: float
    quantile: float


def _raise(problems: list[Text]) -> None:
    if problems:
        raise ValueError(joined(problems))


def _probability_problems(p: float, name: str) -> list[Text]:
    return (
        []
        if 0.5 < p < 1
        else [Text("{name} = {value}: must lie strictly between 0.5 and 1", name=name, value=repr(p))]
    )


def _key_problems(names: Sequence[str], other: Mapping[str, object], what: str) -> list[Text]:
    missing = [
        Text("stratum {stratum}: no {what} given", stratum=repr(k), what=what)
        for k in names
        if k not in other
    ]
    extra = [
        Text("stratum {stratum}: {what} given but no stratum of that name", stratum=repr(k), what=what)
        for k in other
        if k not in names
    ]
    return missing + extra


def _area_problems(areas: Mapping[str, float]) -> list[Text]:
    return [
        Text(
            "stratum {stratum}: {what} = {value} must be a positive finite number",
            stratum=repr(k),
            what="area_ha",
            value=repr(a),
        )
        for k, a in areas.items()
        if not (math.isfinite(a) and a > 0)
    ]


def _sample_problems(values: Sequence[float], label: str) -> list[Text]:
    x = np.asarray(values, dtype=float)
    problems = []
    if x.ndim != 1 or x.size < 2:
        problems.append(
            Text(
                "{label}: {n} observation; at least 2 are needed for a variance",
                "{label}: {n} observations; at least 2 are needed for a variance",
                n=int(x.size),
                label=label,
            )
        )
    if np.isnan(x).any():
        where = np.flatnonzero(np.isnan(x)).tolist()
        problems.append(
            Text(
                "{label}: NaN at position {where}",
                "{label}: NaN at positions {where}",
                n=len(where),
                label=label,
                where=where,
            )
        )
    elif not np.isfinite(x).all():
        where = np.flatnonzero(~np.isfinite(x)).tolist()
        problems.append(
            Text(
                "{label}: infinite value at position {where}",
                "{label}: infinite values at positions {where}",
                n=len(where),
                label=label,
                where=where,
            )
        )
    return problems


def t_quantile(probability: float, df: float) -> float:
    """t_{p, df}: the p quantile of Student's t with df degrees of freedom (df = inf gives the normal)."""
    return float(stats.t.ppf(probability, df))


def satterthwaite_df(variances: Sequence[float], dfs: Sequence[float]) -> float:
    """Satterthwaite (1946) effective degrees of freedom of a sum of independent variance estimates:
    ν = (Σ vᵢ)² / Σ (vᵢ² / νᵢ) (Cochran 1977 Eq 5A.1). When every vᵢ is 0 the formula is 0/0 and Σ νᵢ
    is returned (the bound then does not depend on ν)."""
    v, nu = np.asarray(variances, dtype=float), np.asarray(dfs, dtype=float)
    denominator = float(np.sum(v**2 / nu))
    return float(np.sum(v) ** 2 / denominator) if denominator > 0 else float(np.sum(nu))


# --- design -------------------------------------------------------------------------------------------


def _positive_integer(name: str, value: object) -> list[Text]:
    if isinstance(value, int) and value > 0:
        return []
    return [Text("{name} = {value}: must be a positive integer", name=name, value=repr(value))]


def _allocation_problems(n: int, areas: Mapping[str, float]) -> list[Text]:
    problems = _positive_integer("n", n)
    return problems + (_area_problems(areas) if areas else [Text("areas: no stratum given")])


def proportional_allocation(n: int, areas: Mapping[str, float]) -> dict[str, float]:
    """Real-valued proportional allocation nₕ = n·Aₕ/ΣA (Cochran 1977 §5.5); sums to n."""
    _raise(_allocation_problems(n, areas))
    total = sum(areas.values())
    return {k: n * a / total for k, a in areas.items()}


def neyman_allocation(n: int, areas: Mapping[str, float], sds: Mapping[str, float]) -> dict[str, float]:
    """Real-valued Neyman (optimum for equal cost) allocation nₕ = n·Aₕsₕ / Σ Aₕsₕ (Cochran 1977
    Eq 5.26; de Gruijter et al. 2006 Eq 7.13), with sₕ the prior standard deviation in stratum h
    (unit of the data). Minimises the variance of the STSI mean for a total of n."""
    problems = _allocation_problems(n, areas) + _key_problems(list(areas), sds, "sd")
    problems += [
        Text(
            "stratum {stratum}: {what} = {value} must be a non-negative finite number",
            stratum=repr(k),
            what="sd",
            value=repr(s),
        )
        for k, s in sds.items()
        if not (math.isfinite(s) and s >= 0)
    ]
    if not problems and sum(areas[k] * sds[k] for k in areas) == 0:
        problems.append(Text("sds: all zero, Neyman allocation is undefined"))
    _raise(problems)
    products = {k: areas[k] * sds[k] for k in areas}
    total = sum(products.values())
    return {k: n * p / total for k, p in products.items()}


def integer_allocation(n: int, shares: Mapping[str, float], minimum: int = 2) -> dict[str, int]:
    """Whole sample sizes summing to n, proportional to ``shares`` (areas for proportional allocation,
    Aₕsₕ or a real-valued allocation for Neyman) with at least ``minimum`` per stratum (2, so that
    every stratum has a variance). Strata whose share falls below the minimum get the minimum and the
    rest is shared again among the others; fractions are then rounded by largest remainder."""
    problems = _positive_integer("n", n)
    problems += [
        Text(
            "stratum {stratum}: {what} = {value} must be a non-negative finite number",
            stratum=repr(k),
            what="share",
            value=repr(s),
        )
        for k, s in shares.items()
        if not (math.isfinite(s) and s >= 0)
    ]
    if not problems and sum(shares.values()) == 0:
        problems.append(Text("shares: all zero"))
    if isinstance(n, int) and n < minimum * len(shares):
        problems.append(
            Text(
                "n = {total}: fewer than {minimum} per stratum for {n} stratum",
                "n = {total}: fewer than {minimum} per stratum for {n} strata",
                n=len(shares),
                total=n,
                minimum=minimum,
            )
        )
    _raise(problems)
    fixed: set[str] = set()
    while True:
        free = [k for k in shares if k not in fixed]
        total = sum(shares[k] for k in free)
        rest = n - minimum * len(fixed)
        scaled = {k: rest * shares[k] / total for k in free}
        low = {k for k in free if scaled[k] < minimum}
        if not low:
            break
        fixed |= low
    sizes = {k: minimum for k in fixed} | {k: math.floor(x) for k, x in scaled.items()}
    by_remainder = sorted(scaled, key=lambda k: scaled[k] - sizes[k], reverse=True)
    for k in by_remainder[: n - sum(sizes.values())]:
        sizes[k] += 1
    return {k: sizes[k] for k in shares}


def random_points_in_strata(
    counts: Mapping[str, int],
    bboxes: Mapping[str, tuple[float, float, float, float]],
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Points uniformly at random in each stratum's rectangle (xmin, ymin, xmax, ymax), as an array
    (nₕ, 2) of x, y in the rectangle's coordinates. Only rectangles: for a stratum that does not fill its
    bounding box the caller drops points outside the polygon and draws again (rejection sampling keeps
    the design uniform)."""
    problems = _key_problems(list(counts), bboxes, "bbox")
    problems += [
        Text(
            "stratum {stratum}: {what} = {value} must be a non-negative integer",
            stratum=repr(k),
            what="count",
            value=repr(c),
        )
        for k, c in counts.items()
        if not (isinstance(c, int) and c >= 0)
    ]
    problems += [
        Text(
            "stratum {stratum}: {what} = {value} must be (xmin, ymin, xmax, ymax) with xmin < xmax and ymin < ymax",
            stratum=repr(k),
            what="bbox",
            value=repr(b),
        )
        for k, b in bboxes.items()
        if not (len(b) == 4 and b[0] < b[2] and b[1] < b[3])
    ]
    _raise(problems)
    return {k: rng.uniform(bboxes[k][:2], bboxes[k][2:], size=(c, 2)) for k, c in counts.items()}


# --- power ----------------------------------------------------------------------------------------------


def _positive_finite(name: str, value: float) -> list[Text]:
    if math.isfinite(value) and value > 0:
        return []
    return [Text("{name} = {value}: must be a positive finite number", name=name, value=repr(value))]


def _between_0_and_1(name: str, value: float) -> list[Text]:
    if 0 < value < 1:
        return []
    return [Text("{name} = {value}: must lie strictly between 0 and 1", name=name, value=repr(value))]


def _not_negative(name: str, value: float) -> list[Text]:
    if math.isfinite(value) and value >= 0:
        return []
    return [Text("{name} = {value}: must be ≥ 0", name=name, value=repr(value))]


def _power_problems(sd: float, alpha: float, power: float) -> list[Text]:
    problems = _positive_finite("sd", sd) + _between_0_and_1("alpha", alpha)
    return problems + _probability_problems(power, "power")


def mdd(n: int, sd: float, alpha: float = 0.05, power: float = 0.90, two_sided: bool = True) -> float:
    """Minimum detectable difference (unit of sd) of a paired (or one-sample) t test on n differences
    with standard deviation sd: MDD = (t_{1−α/2, n−1} + t_{power, n−1})·sd/√n, with 1−α for a one-sided
    test (de Gruijter et al. 2006 §4.4; Stanley et al. 2023). The defaults (two-sided α = 0.05,
    power 0.90, t quantiles with n − 1 df) are those of the reference example (sd 4, n 20 → 3.0596)."""
    problems = _power_problems(sd, alpha, power)
    problems += (
        [] if isinstance(n, int) and n >= 2 else [Text("n = {value}: must be an integer ≥ 2", value=repr(n))]
    )
    _raise(problems)
    a = alpha / 2 if two_sided else alpha
    return (t_quantile(1 - a, n - 1) + t_quantile(power, n - 1)) * sd / math.sqrt(n)


def n_for_mdd(
    target: float, sd: float, alpha: float = 0.05, power: float = 0.90, two_sided: bool = True
) -> int:
    """Smallest n ≥ 2 with mdd(n, sd, alpha, power) ≤ target (same test and defaults as ``mdd``;
    reference example: sd 4, MDD 3 → 21). The normal-quantile n = ((z_{1−α/2} + z_{power})·sd/MDD)²
    is a lower bound, since t quantiles exceed z quantiles; n grows from there."""
    problems = _power_problems(sd, alpha, power)
    problems += _positive_finite("mdd", target)
    _raise(problems)
    a = alpha / 2 if two_sided else alpha
    z = stats.norm.ppf(1 - a) + stats.norm.ppf(power)
    n = max(2, math.ceil((z * sd / target) ** 2))
    while mdd(n, sd, alpha, power, two_sided) > target:
        n += 1
    return n


def composite_variance(field_var: float, k: int, lab_var: float = 0.0) -> float:
    """Variance of one composite of k cores measured once: σ²_field/k + σ²_lab (de Gruijter et al. 2006
    §4.3; Bradford et al. 2023). Mixing averages the field variation of the k cores but not the error of
    the single lab analysis. Reference example: σ² = 25, k = 10, σ²_lab = 1 → 3.5."""
    problems = _not_negative("field_var", field_var) + _not_negative("lab_var", lab_var)
    problems += _positive_integer("k", k)
    _raise(problems)
    return field_var / k + lab_var


# --- estimators -----------------------------------------------------------------------------------------


def _estimate(mean: float, var_mean: float, df: float) -> Estimate:
    return Estimate(mean=float(mean), var_mean=float(var_mean), se=math.sqrt(var_mean), df=float(df))


def simple_estimate(values: Sequence[float]) -> Estimate:
    """Simple random sample: mean ȳ, variance of the mean s²/n (s² with n − 1 divisor), df = n − 1
    (Cochran 1977 §2.4; no finite-population correction, the population of points is infinite)."""
    _raise(_sample_problems(values, "values"))
    x = np.asarray(values, dtype=float)
    return _estimate(x.mean(), x.var(ddof=1) / x.size, x.size - 1)


def stratified_estimate(values: Mapping[str, Sequence[float]], areas: Mapping[str, float]) -> Estimate:
    """Stratified simple random sampling (STSI) with stratum weights Wₕ = Aₕ/ΣA (Cochran 1977 Eq 5.1,
    5.6; de Gruijter et al. 2006 Eq 7.2, 7.4): mean = Σ Wₕȳₕ, var(mean) = Σ Wₕ²sₕ²/nₕ (no finite-population
    correction), df from Satterthwaite with gₕ = Wₕ²sₕ²/nₕ and νₕ = nₕ − 1 (Cochran 1977 Eq 5.16).
    ``values`` may be stocks (one time) or paired differences t1 − t0 (change), in t C/ha; areas in ha."""
    problems = _key_problems(list(values), areas, "area_ha") + _area_problems(areas)
    for k, x in values.items():
        problems += _sample_problems(x, Text("stratum {stratum}: values", stratum=repr(k)))
    _raise(problems)
    total = sum(areas.values())
    parts = [simple_estimate(x) for x in values.values()]
    weights = [areas[k] / total for k in values]
    g = [w**2 * p.var_mean for w, p in zip(weights, parts, strict=True)]
    mean = sum(w * p.mean for w, p in zip(weights, parts, strict=True))
    return _estimate(mean, sum(g), satterthwaite_df(g, [p.df for p in parts]))


def paired_change(before: Sequence[float], after: Sequence[float]) -> Estimate:
    """Change at re-measured points (same locations at t0 and t1): d = after − before with
    var(d) = var(t1) + var(t0) − 2·cov(t1, t0) (sample moments, n − 1 divisor), var(mean) = var(d)/n,
    df = n − 1. The covariance term is what pairing gains over two independent samples."""
    problems = _sample_problems(before, "before") + _sample_problems(after, "after")
    if len(before) != len(after):
        problems.append(
            Text(
                "before has {before} values, after {after}: pairs must match",
                before=len(before),
                after=len(after),
            )
        )
    _raise(problems)
    t0, t1 = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    cov = np.cov(t1, t0, ddof=1)
    var_d = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    return _estimate(np.mean(t1 - t0), var_d / t0.size, t0.size - 1)


def difference(project: Estimate, control: Estimate) -> Estimate:
    """Project minus control for independent samples (Welch 1947): mean difference, var = v_p + v_c,
    df = Satterthwaite over the two variances of the mean and their df. With ``simple_estimate`` on each
    sample this is Welch's t (scipy.stats.ttest_ind(equal_var=False)); it also takes stratified
    estimates of project and control change."""
    return _estimate(
        project.mean - control.mean,
        project.var_mean + control.var_mean,
        satterthwaite_df([project.var_mean, control.var_mean], [project.df, control.df]),
    )


# --- conservative bounds --------------------------------------------------------------------------------


def lower_bound(estimate: Estimate, probability: float) -> Bound:
    """Lower bound exceeded with the given probability (probability of exceedance, POE):
    value = mean − t_{p, df}·SE with the estimate's (Satterthwaite) df. Reference example: p = 0.60 and
    p = 2/3 (the "66.7 %" bound is computed with exactly 2/3, not 0.667). Higher p, lower bound."""
    _raise(_probability_problems(probability, "probability"))
    q = t_quantile(probability, estimate.df)
    return Bound(estimate.mean - q * estimate.se, estimate.mean, estimate.se, estimate.df, probability, q)


def ci_half_width_pct(estimate: Estimate, confidence: float = 0.90) -> Bound:
    """Half-width of the two-sided ``confidence`` CI as a percentage of the mean:
    value = 100·t_{(1+c)/2, df}·SE/|mean| (c = 0.90 uses t_{0.95, df}), the VCS "90 % CI half-width ≤ x %
    of the mean" precision rule. ``probability`` is (1 + c)/2."""
    problems = [] if estimate.mean != 0 else [Text("mean = 0: a relative half-width is undefined")]
    problems += _between_0_and_1("confidence", confidence)
    _raise(problems)
    p = (1 + confidence) / 2
    q = t_quantile(p, estimate.df)
    return Bound(100 * q * estimate.se / abs(estimate.mean), estimate.mean, estimate.se, estimate.df, p, q)


def uncertainty_fraction(estimate: Estimate, probability: float = 2 / 3) -> Bound:
    """VM0042-style uncertainty deduction UNC (fraction of the mean): value = t_{p, df}·SE/mean with
    p = 2/3, so that mean·(1 − UNC) is the lower bound at 66.7 % POE (``lower_bound``). This is what the
    reference example encodes (0.1178 there; it is not the 90 % half-width/mean, 0.50 there); check the
    equation of the Verra VM0042 version in force. Above 1 the lower bound is negative (no credit).
    Requires a positive mean."""
    problems = _probability_problems(probability, "probability")
    if not estimate.mean > 0:
        problems.append(Text("mean = {value}: must be positive for a deduction", value=repr(estimate.mean)))
    _raise(problems)
    q = t_quantile(probability, estimate.df)
    return Bound(q * estimate.se / estimate.mean, estimate.mean, estimate.se, estimate.df, probability, q)
