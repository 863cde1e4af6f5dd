"""Soil organic carbon on an equivalent soil mass (ESM) basis.

A core's cumulative SOC is interpolated at reference cumulative masses of mineral soil instead of being
summed to fixed depths, so that compaction or loosening of the soil does not pass for a change of stock
(Ellert & Bettany 1995, Can. J. Soil Sci., doi:10.4141/cjss95-075; Wendt & Hauser 2013, Eur. J. Soil Sci.,
doi:10.1111/ejss.12002; von Haden, Yang & DeLucia 2020, "Soils' dirty little secret", Glob. Change Biol.,
doi:10.1111/gcb.15124). The tables follow the layout of the authors' R script (cabbi-bio ESM-R-script):
per layer, soil mass = BD × thickness, SOC and SOM masses = soil mass × content, mineral mass = soil − SOM,
all cumulated from (0 cm, 0 g cm⁻²).

Units: depths cm; contents % (g per 100 g of fine earth); bulk densities g cm⁻³ (fine earth per total
volume, e.g. from :func:`permille.measure.stocks.fine_earth_bulk_density`); masses g cm⁻²; stocks t C/ha
(1 g cm⁻² = 100 t/ha).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from scipy.interpolate import CubicHermiteSpline, CubicSpline, make_interp_spline
from scipy.linalg import solve_banded

from permille.i18n import Number, Text, joined
from permille.measure.stocks import g_cm2_to_t_ha, layer_problems

LAYOUT = [
    "Type",
    "ID",
    "Rep",
    "Ref_ID",
    "Upper_cm",
    "Lower_cm",
    "SOC_pct",
    "SOM_pct",
    "BD_g_cm3",
    "Soil_g_cm2",
    "SOC_g_cm2",
    "SOM_g_cm2",
    "Min_Soil_g_cm2",
    "Cum_Soil_g_cm2",
    "Cum_SOC_g_cm2",
    "Cum_SOM_g_cm2",
    "Cum_Min_Soil_g_cm2",
]
"""Columns of the fixed-depth and ESM tables, as in the authors' expected outputs; the tables add
``SOC_t_ha`` and ``Cum_SOC_t_ha`` (t C/ha), and the ESM table ``Method`` and ``Extrapolated``."""


class Interpolation(StrEnum):
    """How cumulative SOC (and SOM) is interpolated between a core's cumulative mineral masses."""

    NATURAL_SPLINE = "natural_spline"
    """Natural cubic spline (zero second derivative at both ends), as Wendt & Hauser (2013) and VM0042;
    extended beyond the deepest sample by its tangent there (R's ``spline(method="natural")``)."""
    FMM_HYMAN = "fmm_hyman"
    """Cubic spline with Forsythe, Malcolm & Moler end conditions whose knot slopes then pass Hyman's
    (1983, SIAM J. Sci. Stat. Comput., doi:10.1137/0904045) monotonicity filter: R's
    ``spline(method="hyman")``, used by von Haden et al. (2020); extended by its last cubic piece."""
    LINEAR = "linear"
    """Linear between samples (Ellert & Bettany 1995); extended by its last segment."""


class ReferenceMass(StrEnum):
    """How the reference cores' cumulative mineral masses at each ESM depth become the reference."""

    MEAN = "mean"
    MINIMUM = "minimum"
    MAXIMUM = "maximum"


@dataclass(frozen=True)
class CoreProfile:
    """Cumulative masses of a core at its layers' boundaries, from (0 cm, 0 g cm⁻²) down: depth_cm (cm),
    soil, mineral (soil − SOM), SOC and SOM masses (g cm⁻²)."""

    depth_cm: np.ndarray
    soil_g_cm2: np.ndarray
    mineral_g_cm2: np.ndarray
    soc_g_cm2: np.ndarray
    som_g_cm2: np.ndarray


@dataclass(frozen=True)
class EsmCore:
    """A core's SOC at the reference cumulative mineral masses (g cm⁻²): cumulative mineral mass, SOC and
    SOM; the method used; ``extrapolated``, True where a reference mass lies beyond the core's deepest
    sample and its values were extrapolated (with extrapolation off those values are NaN, not flagged)."""

    cum_mineral_g_cm2: np.ndarray
    cum_soc_g_cm2: np.ndarray
    cum_som_g_cm2: np.ndarray
    extrapolated: np.ndarray
    method: Interpolation

    @property
    def soc_g_cm2(self) -> np.ndarray:
        """SOC of each ESM layer by difference of the cumulative values, g cm⁻²."""
        return np.diff(self.cum_soc_g_cm2, prepend=0.0)

    @property
    def soc_t_ha(self) -> np.ndarray:
        """SOC of each ESM layer, t C/ha."""
        return g_cm2_to_t_ha(self.soc_g_cm2)

    @property
    def cum_soc_t_ha(self) -> np.ndarray:
        """Cumulative SOC down to each reference mass, t C/ha."""
        return g_cm2_to_t_ha(self.cum_soc_g_cm2)


def _profile_problems(upper, lower, soc_pct, bd_g_cm3, som_pct, where="") -> list[Text]:
    """Problems of one core's layers (:func:`~permille.measure.stocks.layer_problems`), plus the ESM's
    needs: layers contiguous from 0 cm, and SOM_pct < 100 % (some mineral soil in every layer); catalogue
    messages, each prefixed by ``where``."""
    upper, lower = (
        np.atleast_1d(np.asarray(upper, dtype=float)),
        np.atleast_1d(np.asarray(lower, dtype=float)),
    )
    problems = layer_problems(upper, lower, soc_pct=soc_pct, bd_g_cm3=bd_g_cm3, som_pct=som_pct, where=where)
    if upper.size and upper[0] != 0:
        problems.append(
            Text(
                "{where}first layer starts at {upper} cm, not at the surface (0 cm)",
                where=where,
                upper=Number(upper[0], None),
            )
        )
    for i in np.flatnonzero(upper[1:] > lower[:-1]) + 1:
        problems.append(
            Text(
                "{where}layer {i}: gap between {lower} and {upper} cm",
                where=where,
                i=int(i),
                lower=Number(lower[i - 1], None),
                upper=Number(upper[i], None),
            )
        )
    for i in np.flatnonzero(np.broadcast_to(np.asarray(som_pct, dtype=float), upper.shape) == 100.0):
        problems.append(Text("{where}layer {i}: SOM_pct = 100 leaves no mineral soil", where=where, i=int(i)))
    return problems


def cumulative_profile(upper_cm, lower_cm, soc_pct, bd_g_cm3, som_pct=0.0) -> CoreProfile:
    """Cumulative soil, mineral, SOC and SOM masses of a core (g cm⁻²) from its contiguous layers (depths
    cm, contents %, BD g cm⁻³): soil = BD × thickness, SOC = soil × SOC_pct / 100, SOM = soil × SOM_pct /
    100, mineral = soil − SOM. Without SOM (``som_pct`` 0) the mineral mass is the whole fine-earth mass,
    as in Wendt & Hauser (2013). ``ValueError`` lists every bad layer and field."""
    problems = _profile_problems(upper_cm, lower_cm, soc_pct, bd_g_cm3, som_pct)
    if problems:
        raise ValueError(
            Text(
                "{n} problem in the core: {problems}",
                "{n} problems in the core: {problems}",
                n=len(problems),
                problems=joined(problems),
            )
        )
    upper, lower, soc, bd, som = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(a, dtype=float)) for a in (upper_cm, lower_cm, soc_pct, bd_g_cm3, som_pct))
    )
    soil = bd * (lower - upper)
    layers = np.stack([soil, soil * (1 - som / 100), soil * soc / 100, soil * som / 100])
    cumulative = np.concatenate([np.zeros((4, 1)), np.cumsum(layers, axis=1)], axis=1)
    return CoreProfile(np.concatenate([[0.0], lower]), *cumulative)


def _third_divided_difference(x: np.ndarray, y: np.ndarray) -> float:
    """f[x0, x1, x2, x3] of four points: the leading coefficient of the cubic through them."""
    d = y
    for k in (1, 2, 3):
        d = np.diff(d) / (x[k:] - x[:-k])
    return float(d[0])


def fmm_slopes(x, y) -> np.ndarray:
    """Slopes at the knots of the cubic spline through (x, y) with the end conditions of Forsythe, Malcolm
    & Moler (1977, Computer Methods for Mathematical Computations): the spline's third derivative in the
    first and last intervals equals that of the cubic through the four points at that end (R's
    ``spline(method="fmm")``). With three points this is the parabola through them, with two the line.
    ``x`` strictly increasing; units those of y per unit of x."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    h, delta = np.diff(x), np.diff(y) / np.diff(x)
    n = x.size
    if n == 2:
        return np.full(2, delta[0])
    # Second derivatives M: interior rows h[i-1] M[i-1] + 2 (h[i-1] + h[i]) M[i] + h[i] M[i+1] = 6 Δ(delta);
    # end rows (M[1] − M[0]) / h[0] = 6 f[x0..x3] and (M[n-1] − M[n-2]) / h[n-2] = 6 f[x(n-4)..x(n-1)].
    bands, rhs = np.zeros((3, n)), np.zeros(n)
    bands[0, 1], bands[0, 2:] = h[0], h[1:]
    bands[1, 0], bands[1, 1:-1], bands[1, -1] = -h[0], 2 * (h[:-1] + h[1:]), -h[-1]
    bands[2, :-2], bands[2, -2] = h[:-1], h[-1]
    rhs[1:-1] = 6 * np.diff(delta)
    if n > 3:
        rhs[0] = 6 * h[0] ** 2 * _third_divided_difference(x[:4], y[:4])
        rhs[-1] = -6 * h[-1] ** 2 * _third_divided_difference(x[-4:], y[-4:])
    m = solve_banded((1, 1), bands, rhs)
    left = delta - h * (2 * m[:-1] + m[1:]) / 6
    return np.append(left, delta[-1] + h[-1] * (m[-2] + 2 * m[-1]) / 6)


def hyman_filter(x, y, slopes) -> np.ndarray:
    """Knot slopes limited so that the cubic Hermite interpolant of monotone data is monotone (Hyman 1983,
    doi:10.1137/0904045, as R's ``splinefun(method="hyman")``): each slope takes the sign of the adjacent
    secants (of the spline's own slope at an extremum or flat part) and at most 3 × the smaller of the
    secants' magnitudes."""
    x, y, slopes = (np.asarray(a, dtype=float) for a in (x, y, slopes))
    secant = np.diff(y) / np.diff(x)
    before, after = np.append(secant[0], secant), np.append(secant, secant[-1])
    bound = 3 * np.minimum(np.abs(before), np.abs(after))
    sign = np.where(before * after > 0, after, slopes)
    return np.where(sign >= 0, np.clip(slopes, 0, bound), np.clip(slopes, -bound, 0))


def _curve(x: np.ndarray, y: np.ndarray, method: Interpolation):
    """The interpolant of (x, y) by ``method``, with its extension beyond x[-1] (see :class:`Interpolation`)."""
    if method is Interpolation.LINEAR:
        return make_interp_spline(x, y, k=1)
    if method is Interpolation.NATURAL_SPLINE:
        spline = CubicSpline(x, y, bc_type="natural")
        tangent = spline(x[-1], 1)
        return lambda at: np.where(at <= x[-1], spline(at), y[-1] + tangent * (at - x[-1]))
    if np.any(np.diff(y) < 0) and np.any(np.diff(y) > 0):
        raise ValueError("the FMM–Hyman spline needs monotone values (cumulative masses are)")
    return CubicHermiteSpline(x, y, hyman_filter(x, y, fmm_slopes(x, y)))


def interpolate(mass, value, at, method: Interpolation, *, extrapolate: bool = False):
    """``value`` (cumulative, g cm⁻²) interpolated at the cumulative masses ``at`` (g cm⁻²) from the core's
    (``mass``, ``value``) points, ``mass`` strictly increasing (from 0 for a core). Returns (values,
    beyond): masses beyond the deepest sample (``beyond`` True) are extrapolated when ``extrapolate``
    (see :class:`Interpolation`), else NaN."""
    mass, value, at = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (mass, value, at))
    if mass.size < 2 or np.any(np.diff(mass) <= 0) or mass.shape != value.shape:
        raise ValueError(f"masses must be ≥ 2, strictly increasing and paired with values: {mass.tolist()}")
    if np.any(~np.isfinite(at)) or np.any(at < mass[0]):
        raise ValueError(f"masses to interpolate at must be finite and ≥ {mass[0]:g}: {at.tolist()}")
    beyond = at > mass[-1]
    result = np.asarray(_curve(mass, value, Interpolation(method))(at), dtype=float)
    return (result if extrapolate else np.where(beyond, np.nan, result)), beyond


def esm_core(
    profile: CoreProfile,
    reference_g_cm2,
    *,
    method: Interpolation = Interpolation.NATURAL_SPLINE,
    extrapolate: bool = False,
) -> EsmCore:
    """A core's cumulative SOC and SOM (g cm⁻²) at the reference cumulative mineral masses
    ``reference_g_cm2`` (g cm⁻², positive, strictly increasing), interpolated in cumulative mineral mass
    by ``method``; beyond the deepest sample extrapolated (and flagged) or NaN (see :func:`interpolate`)."""
    reference = np.atleast_1d(np.asarray(reference_g_cm2, dtype=float))
    if np.any(reference <= 0) or np.any(np.diff(reference) <= 0):
        raise ValueError(f"reference masses must be positive and increasing: {reference.tolist()} g cm⁻²")
    soc, beyond = interpolate(
        profile.mineral_g_cm2, profile.soc_g_cm2, reference, method, extrapolate=extrapolate
    )
    som, _ = interpolate(profile.mineral_g_cm2, profile.som_g_cm2, reference, method, extrapolate=extrapolate)
    return EsmCore(reference, soc, som, beyond & extrapolate, Interpolation(method))


def reference_masses(profiles: Sequence[CoreProfile], depths_cm, how: ReferenceMass = ReferenceMass.MEAN):
    """Reference cumulative mineral masses (g cm⁻²) at ``depths_cm`` (cm): the mean, minimum or maximum
    over the reference cores, each of which must have a layer boundary at every depth."""
    depths = np.atleast_1d(np.asarray(depths_cm, dtype=float))
    if not profiles:
        raise ValueError(Text("no reference cores"))
    missing = [
        Text(
            "reference core {k}: no layer boundary at {depth} cm (boundaries {boundaries})",
            k=k,
            depth=Number(d, None),
            boundaries=str(p.depth_cm[1:].tolist()),
        )
        for k, p in enumerate(profiles)
        for d in depths
        if d not in p.depth_cm[1:]
    ]
    if missing:
        raise ValueError(
            Text(
                "{n} problem in the reference cores: {problems}",
                "{n} problems in the reference cores: {problems}",
                n=len(missing),
                problems=joined(missing),
            )
        )
    masses = np.array([[p.mineral_g_cm2[p.depth_cm == d][0] for d in depths] for p in profiles])
    reduce = {ReferenceMass.MEAN: np.mean, ReferenceMass.MINIMUM: np.min, ReferenceMass.MAXIMUM: np.max}
    return reduce[ReferenceMass(how)](masses, axis=0)


def _cores(samples: pd.DataFrame, columns: Sequence[str]) -> dict[tuple, tuple[str | None, CoreProfile]]:
    """The samples' cores by (ID, Rep), sorted, each with its Ref_ID (None without the column) and
    profile; ``ValueError`` lists every missing column, bad layer and field of every core."""
    missing = [c for c in columns if c not in samples.columns]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")
    data = samples.assign(
        Rep=samples.get("Rep", 1), SOM_pct=samples.get("SOM_pct", 0.0), Ref_ID=samples.get("Ref_ID")
    )
    problems, cores = [], {}
    for (core_id, rep), core in data.sort_values(["ID", "Rep", "Upper_cm"]).groupby(["ID", "Rep"], sort=True):
        fields = [
            core[c].to_numpy(dtype=float) for c in ("Upper_cm", "Lower_cm", "SOC_pct", "BD_g_cm3", "SOM_pct")
        ]
        where = Text("core {core} rep {rep}, ", core=core_id, rep=rep)
        core_problems = _profile_problems(*fields, where=where)
        ref_ids = core["Ref_ID"].unique()
        if len(ref_ids) > 1:
            core_problems.append(
                Text(
                    "core {core} rep {rep}: several Ref_ID {ids}",
                    core=core_id,
                    rep=rep,
                    ids=str(ref_ids.tolist()),
                )
            )
        problems += core_problems
        if not core_problems:
            cores[core_id, rep] = (ref_ids[0], cumulative_profile(*fields))
    if problems:
        raise ValueError(
            Text(
                "{n} problem in the samples: {problems}",
                "{n} problems in the samples: {problems}",
                n=len(problems),
                problems=joined(problems),
            )
        )
    return cores


def _layer_table(kind, core_id, rep, ref_id, depth_cm, cum_mineral, cum_soc, cum_som) -> pd.DataFrame:
    """The LAYOUT table of one core from its cumulative masses (g cm⁻²) at the depths ``depth_cm`` (cm,
    from 0): layer masses by difference, soil = mineral + SOM, BD = soil / thickness, contents in %."""
    mineral, soc, som = (np.diff(c, prepend=0.0) for c in (cum_mineral, cum_soc, cum_som))
    soil = mineral + som
    return pd.DataFrame(
        {
            "Type": kind,
            "ID": core_id,
            "Rep": rep,
            "Ref_ID": ref_id,
            "Upper_cm": depth_cm[:-1],
            "Lower_cm": depth_cm[1:],
            "SOC_pct": soc / soil * 100,
            "SOM_pct": som / soil * 100,
            "BD_g_cm3": soil / np.diff(depth_cm),
            "Soil_g_cm2": soil,
            "SOC_g_cm2": soc,
            "SOM_g_cm2": som,
            "Min_Soil_g_cm2": mineral,
            "Cum_Soil_g_cm2": np.cumsum(soil),
            "Cum_SOC_g_cm2": cum_soc,
            "Cum_SOM_g_cm2": cum_som,
            "Cum_Min_Soil_g_cm2": cum_mineral,
            "SOC_t_ha": g_cm2_to_t_ha(soc),
            "Cum_SOC_t_ha": g_cm2_to_t_ha(cum_soc),
        }
    )


def fixed_depth_table(samples: pd.DataFrame) -> pd.DataFrame:
    """Per core (ID, Rep) and sampled layer: masses and cumulative masses (g cm⁻²) to fixed depths, in the
    authors' LAYOUT with Type 'FD' and no Ref_ID, plus SOC_t_ha and Cum_SOC_t_ha (t C/ha).

    ``samples`` has columns ID, Upper_cm, Lower_cm (cm), SOC_pct (%), BD_g_cm3 (g cm⁻³), and optionally
    Rep (default 1) and SOM_pct (%, default 0: mineral mass = fine-earth mass); one row per layer, layers
    of a core contiguous from 0 cm. ``ValueError`` lists every bad core, layer and field."""
    cores = _cores(samples, ("ID", "Upper_cm", "Lower_cm", "SOC_pct", "BD_g_cm3"))
    tables = [
        _layer_table("FD", i, rep, np.nan, p.depth_cm, p.mineral_g_cm2[1:], p.soc_g_cm2[1:], p.som_g_cm2[1:])
        for (i, rep), (_, p) in cores.items()
    ]
    return pd.concat(tables, ignore_index=True)


def esm_table(
    samples: pd.DataFrame,
    esm_depths_cm=None,
    *,
    method: Interpolation = Interpolation.NATURAL_SPLINE,
    extrapolate: bool = False,
    reference: ReferenceMass | Sequence[float] = ReferenceMass.MEAN,
) -> pd.DataFrame:
    """Per core (ID, Rep) and ESM layer: cumulative mineral mass, interpolated cumulative SOC and SOM, the
    layer's masses by difference (g cm⁻²) and SOC in t C/ha, in the authors' LAYOUT with Type 'ESM', plus
    Method and Extrapolated (True where the reference mass lies beyond the core's deepest sample and the
    values were extrapolated; with ``extrapolate`` off those rows are kept with NaN values, not flagged).

    ``samples`` as for :func:`fixed_depth_table` plus Ref_ID: the reference cores of a core are all cores
    (every Rep) whose ID is its Ref_ID, and the reference mass at each ESM depth their ``reference``
    (mean, minimum or maximum) cumulative mineral mass there. ``esm_depths_cm`` (cm) defaults to the layer
    boundaries the reference cores share. ``reference`` may instead give the reference cumulative masses
    (g cm⁻², one per depth of ``esm_depths_cm``, then required) for every core. The ESM layers keep the
    reference depths as labels (Upper_cm, Lower_cm); their BD is soil mass / thickness there."""
    given = not isinstance(reference, str)
    columns = ("ID", "Upper_cm", "Lower_cm", "SOC_pct", "BD_g_cm3") + (() if given else ("Ref_ID",))
    cores = _cores(samples, columns)
    if given and (esm_depths_cm is None or len(esm_depths_cm) != len(reference)):
        raise ValueError("given reference masses need esm_depths_cm, one depth per mass")
    targets = {}
    for ref_id in {r for r, _ in cores.values()}:
        if given:
            targets[ref_id] = (np.asarray(esm_depths_cm, dtype=float), np.asarray(reference, dtype=float))
            continue
        profiles = [p for (i, _), (_, p) in cores.items() if i == ref_id]
        if not profiles:
            raise ValueError(f"Ref_ID {ref_id} names no core of the samples")
        depths = esm_depths_cm
        if depths is None:
            depths = sorted(set.intersection(*(set(p.depth_cm[1:]) for p in profiles)))
        targets[ref_id] = (np.asarray(depths, dtype=float), reference_masses(profiles, depths, reference))
    tables = []
    for (core_id, rep), (ref_id, profile) in cores.items():
        depths, masses = targets[ref_id]
        result = esm_core(profile, masses, method=method, extrapolate=extrapolate)
        table = _layer_table(
            "ESM",
            core_id,
            rep,
            ref_id,
            np.concatenate([[0.0], depths]),
            result.cum_mineral_g_cm2,
            result.cum_soc_g_cm2,
            result.cum_som_g_cm2,
        )
        tables.append(table.assign(Method=str(result.method), Extrapolated=result.extrapolated))
    return pd.concat(tables, ignore_index=True)
