"""Two groups of soil cores compared — project vs control, or a re-measurement vs the baseline when the
cores are not paired: cumulative SOC stocks by fixed depth and by equivalent soil mass, each group's mean
with its interval, and the difference with its interval (Welch, Satterthwaite df).

Input is the canonical layer frame of :meth:`permille.measure.soildata.SoilData.to_frame`. Stocks in
t C/ha, depths in cm.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..i18n import Text, joined
from . import esm, sampling
from .stocks import fine_earth_bulk_density, soc_from_som


@dataclass(frozen=True)
class Comparison:
    """Results, every table in t C/ha with ``confidence`` intervals (low, high):

    layers: each group's fixed-depth stock of each layer; cumulative: each group's cumulative stock to each
    depth by method ("fixed depth", "ESM"); differences: treatment − control by method and depth (mean, se,
    df, interval); methods: how each number was made; dropped: cores left out and why."""

    treatment: str
    control: str
    confidence: float
    layers: pd.DataFrame
    cumulative: pd.DataFrame
    differences: pd.DataFrame
    methods: dict[str, str]
    dropped: list[str] = field(default_factory=list)


def _interval(estimate: sampling.Estimate, confidence: float) -> tuple[float, float]:
    q = sampling.t_quantile((1 + confidence) / 2, estimate.df)
    return estimate.mean - q * estimate.se, estimate.mean + q * estimate.se


NEEDED = {
    "soc_pct": Text("organic carbon (SOC)"),
    "bd_g_cm3": Text("bulk density"),
    "som_pct": Text("organic matter (SOM)"),
}
"""A core's values the stock calculation needs, as a reader names them."""


def prepare_cores(frame: pd.DataFrame, group_column: str, groups: Sequence[str], deepest: float, som_factor):
    """Per-core sample table for :mod:`esm` (ID = group/profile), and the cores left out with the reason."""
    data = frame[frame[group_column].isin(groups)].copy()
    bd = data["bd_g_cm3"].to_numpy(dtype=float, copy=True)
    from_core = np.isnan(bd) & data["fine_mass_g"].notna().to_numpy() & data["volume_cm3"].notna().to_numpy()
    bd[from_core] = fine_earth_bulk_density(data["fine_mass_g"][from_core], data["volume_cm3"][from_core])
    data["bd_g_cm3"] = bd
    if som_factor is not None:
        missing = data["soc_pct"].isna() & data["som_pct"].notna()
        data.loc[missing, "soc_pct"] = soc_from_som(data.loc[missing, "som_pct"], som_factor)
    use_som = data["som_pct"].notna().any()
    rows, dropped = [], []
    for (group, profile), core in data.groupby([group_column, "profile"], sort=True):
        core = core.sort_values("upper_cm")
        core = core[core.upper_cm < deepest]
        needed = ["soc_pct", "bd_g_cm3"] + (["som_pct"] if use_som else [])
        gaps = [NEEDED[c] for c in needed if core[c].isna().any()]
        if gaps:
            dropped.append(
                Text("{core}: missing {values}", core=f"{group}/{profile}", values=joined(gaps, commas=True))
            )
        elif core.lower_cm.max() < deepest:
            dropped.append(
                Text(
                    "{core}: sampled to {depth:g} cm only (< {deepest:g} cm)",
                    core=f"{group}/{profile}",
                    depth=float(core.lower_cm.max()),
                    deepest=deepest,
                )
            )
        else:
            rows.append(
                pd.DataFrame(
                    {
                        "ID": f"{group}/{profile}",
                        "Rep": 1,
                        "group": group,
                        "Upper_cm": core.upper_cm,
                        "Lower_cm": core.lower_cm,
                        "SOC_pct": core.soc_pct,
                        "BD_g_cm3": core.bd_g_cm3,
                        "SOM_pct": core.som_pct if use_som else 0.0,
                    }
                )
            )
    if not rows:
        raise ValueError(Text("no core has every value needed: {problems}", problems=joined(dropped)))
    return pd.concat(rows, ignore_index=True), dropped, bool(from_core.any()), use_som


def compare(
    frame: pd.DataFrame,
    *,
    treatment: str,
    control: str,
    group_column: str = "field",
    depths_cm: Sequence[float] = (30.0, 50.0),
    method: esm.Interpolation = esm.Interpolation.NATURAL_SPLINE,
    reference: esm.ReferenceMass = esm.ReferenceMass.MINIMUM,
    extrapolate: bool = False,
    som_factor: float | None = None,
    confidence: float = 0.90,
) -> Comparison:
    """Compare ``treatment`` with ``control`` cores (values of ``group_column``) to ``depths_cm``.

    Bulk density is taken from the frame or, where absent, from the core (fine mass / volume). SOC missing
    where SOM is given is SOM × ``som_factor`` when one is given. A core missing a needed value, or not
    reaching the deepest depth, is left out and listed. ESM: one set of reference masses for every core,
    the ``reference`` rule (default the minimum, so that no core needs extrapolating; Wendt & Hauser 2013)
    over all compared cores' cumulative mineral mass at each depth; ``method`` interpolates.
    """
    problems = [
        Text("{column} has no {group} cores", column=group_column, group=repr(g))
        for g in (treatment, control)
        if g not in set(frame[group_column])
    ]
    if not 0 < confidence < 1:
        problems.append(Text("confidence = {value} must be in (0, 1)", value=confidence))
    if problems:
        raise ValueError(joined(problems))
    depths = sorted(float(d) for d in depths_cm)
    samples, dropped, bd_from_core, use_som = prepare_cores(
        frame, group_column, (treatment, control), depths[-1], som_factor
    )
    groups = samples.drop_duplicates("ID").set_index("ID")["group"]
    fixed = esm.fixed_depth_table(samples)
    cores = [
        esm.cumulative_profile(c.Upper_cm, c.Lower_cm, c.SOC_pct, c.BD_g_cm3, c.SOM_pct)
        for _, c in samples.groupby("ID")
    ]
    reference_mass = esm.reference_masses(cores, depths, reference)
    equivalent = esm.esm_table(
        samples, depths, method=method, reference=list(reference_mass), extrapolate=extrapolate
    )

    layer_rows, cumulative_rows, estimates = [], [], {}
    for (core, upper, lower), value in fixed.set_index(["ID", "Upper_cm", "Lower_cm"]).SOC_t_ha.items():
        layer_rows.append((groups[core], upper, lower, value))
    layers = (
        pd.DataFrame(layer_rows, columns=["group", "upper_cm", "lower_cm", "stock"])
        .groupby(["group", "upper_cm", "lower_cm"], sort=False)
        .stock.apply(list)
        .reset_index()
    )
    layer_table = []
    for row in layers.itertuples():
        e = sampling.simple_estimate(row.stock)
        layer_table.append(
            (row.group, row.upper_cm, row.lower_cm, len(row.stock), e.mean, *_interval(e, confidence))
        )
    for name, table in (("fixed depth", fixed), ("ESM", equivalent)):
        for depth in depths:
            at = table[np.isclose(table.Lower_cm, depth)]
            for group in (treatment, control):
                values = at[at.ID.map(groups) == group].Cum_SOC_t_ha.to_numpy(dtype=float)
                e = sampling.simple_estimate(values)
                estimates[name, depth, group] = e
                cumulative_rows.append(
                    (group, name, depth, len(values), e.mean, e.se, e.df, *_interval(e, confidence))
                )
    differences = []
    for name in ("fixed depth", "ESM"):
        for depth in depths:
            d = sampling.difference(estimates[name, depth, treatment], estimates[name, depth, control])
            label = f"{treatment} − {control}, 0–{depth:g} cm, {name}"
            differences.append((label, name, depth, d.mean, d.se, d.df, *_interval(d, confidence)))
    interval = ["low_t_c_ha", "high_t_c_ha"]
    methods = {
        "bulk density": "fine-earth mass / core volume" if bd_from_core else "as measured",
        "SOC": f"measured; from SOM × {som_factor} where missing" if som_factor else "measured",
        "mineral mass": "fine earth minus SOM" if use_som else "fine earth",
        "equivalent soil mass": (
            f"{method.value}; reference mass = {reference.value} over all cores at {', '.join(f'{d:g}' for d in depths)} cm "
            f"({', '.join(f'{m:.2f}' for m in reference_mass)} g/cm²); {'with' if extrapolate else 'no'} extrapolation"
        ),
        "intervals": f"{confidence:.0%} t intervals; differences by Welch with Satterthwaite df",
    }
    return Comparison(
        treatment,
        control,
        confidence,
        pd.DataFrame(layer_table, columns=["group", "upper_cm", "lower_cm", "n", "mean_t_c_ha", *interval]),
        pd.DataFrame(
            cumulative_rows,
            columns=["group", "method", "depth_cm", "n", "mean_t_c_ha", "se_t_c_ha", "df", *interval],
        ),
        pd.DataFrame(
            differences, columns=["label", "method", "depth_cm", "mean_t_c_ha", "se_t_c_ha", "df", *interval]
        ),
        methods,
        dropped,
    )
