"""Measure and re-measure: SOC stock changes at sampling points, by stratum and period, to credits.

Input: one row per sampling point with its period, stratum, the stratum's area (ha) and the point's
change in SOC stock over the period (t C/ha; the paired difference re-measurement − baseline). Each
stratum is estimated on its own and the project by the stratified (STSI) estimator with Satterthwaite
df; the scheme's credit chain runs on every stratum (shown for transparency) and on the project, which
is what the scheme credits.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import Text, joined
from . import credits, sampling
from .schemes import SchemeProfile

COLUMNS = ("period", "stratum", "area_ha", "change_t_c_ha")
PROJECT = "project (stratified)"


@dataclass(frozen=True)
class Remeasurement:
    """Estimates (one row per period and stratum, and the project) and the credit lines, in that order."""

    estimates: pd.DataFrame
    lines: list[credits.CreditLine]
    notes: list[str]


def _check(table: pd.DataFrame) -> list[Text]:
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        return [
            Text(
                "missing column {missing}; expected {expected}",
                "missing columns {missing}; expected {expected}",
                n=len(missing),
                missing=", ".join(missing),
                expected=", ".join(COLUMNS),
            )
        ]
    problems = []
    for column in ("area_ha", "change_t_c_ha"):
        values = pd.to_numeric(table[column], errors="coerce")
        for row in np.flatnonzero(values.isna()):
            value = repr(table[column].iloc[row])
            problems.append(
                Text("row {row}, {column}: {value} is not a number", row=row + 2, column=column, value=value)
            )
    if problems:
        return problems
    for (period, stratum), group in table.groupby(["period", "stratum"]):
        where = Text("{period}, stratum {stratum}", period=period, stratum=stratum)
        if group.area_ha.nunique() != 1:
            problems.append(Text("{where}: area_ha differs between its rows", where=where))
        elif not group.area_ha.iloc[0] > 0:
            problems.append(
                Text("{where}: area_ha = {value} must be > 0", where=where, value=group.area_ha.iloc[0])
            )
        if len(group) < 2:
            problems.append(
                Text(
                    "{where}: {n} point; at least 2 are needed",
                    "{where}: {n} points; at least 2 are needed",
                    n=len(group),
                    where=where,
                )
            )
    return problems


def credit(table: pd.DataFrame, scheme: SchemeProfile, confidence: float = 0.90) -> Remeasurement:
    """Estimates with ``confidence`` intervals and the scheme's credit chain for each period."""
    problems = _check(table)
    if problems:
        raise ValueError(
            Text(
                "{n} problem: {problems}",
                "{n} problems: {problems}",
                n=len(problems),
                problems=joined(problems),
            )
        )
    table = table.assign(area_ha=table.area_ha.astype(float), change_t_c_ha=table.change_t_c_ha.astype(float))
    rows, estimates, notes = [], [], []
    q = (1 + confidence) / 2
    minimum = scheme.sampling.min_samples_per_stratum
    for period, points in table.groupby("period", sort=False):
        values, areas = {}, {}
        for stratum, group in points.groupby("stratum", sort=True):
            values[stratum], areas[stratum] = group.change_t_c_ha.to_list(), group.area_ha.iloc[0]
            if len(group) < minimum:
                notes.append(
                    f"{period}, stratum {stratum}: {len(group)} points, below the {minimum} {scheme.id} requires"
                )
            e = sampling.simple_estimate(values[stratum])
            estimates.append(
                credits.ChangeEstimate(str(stratum), str(period), areas[stratum], e.mean, e.se, e.df)
            )
        e = sampling.stratified_estimate(values, areas)
        estimates.append(
            credits.ChangeEstimate(PROJECT, str(period), sum(areas.values()), e.mean, e.se, e.df)
        )
    for e in estimates:
        half = sampling.t_quantile(q, e.df) * e.se_t_c_ha
        rows.append(
            dict(label=f"{e.period}: {e.stratum}", period=e.period, stratum=e.stratum, area_ha=e.area_ha,
                 mean_t_c_ha=e.mean_t_c_ha, se_t_c_ha=e.se_t_c_ha, df=e.df,
                 low_t_c_ha=e.mean_t_c_ha - half, high_t_c_ha=e.mean_t_c_ha + half)
        )  # fmt: skip
    return Remeasurement(pd.DataFrame(rows), credits.credit_chain(estimates, scheme), notes)
