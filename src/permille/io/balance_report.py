"""Reports of a project balance: JSON (every estimate), CSV (yearly stocks with intervals, rounded) and the
report — one Jinja2 template rendered as HTML and, by WeasyPrint, as an A4 PDF — in English, French or
Spanish: inputs, method with references, results with units and 95 % intervals, charts, where the models
disagree and why, caveats, sources, versions of the software and of every coefficient table."""

import json
from dataclasses import asdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # names drawn as written: "$…$" is not mathtext (a 500)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .. import i18n  # noqa: E402
from ..models.balance import CO2_PER_C, MODELS, SCENARIOS, Estimate, ProjectResult  # noqa: E402
from . import report_render  # noqa: E402

#: What each summary quantity is, with its unit.
QUANTITIES = {
    "start_with": "SOC at the start, with project, t C/ha",
    "end_with": "SOC at the end, with project, t C/ha",
    "start_without": "SOC at the start, baseline, t C/ha",
    "end_without": "SOC at the end, baseline, t C/ha",
    "balance_t_c_ha": "balance with − without over the period, t C/ha",
    "balance_t_c_ha_yr": "balance, t C/ha/yr",
    "balance_t_co2e_ha_yr": "balance, t CO2e/ha/yr",
    "total_t_co2e": "balance over all areas and years, t CO2e",
    "area_ha": "area, ha",
    "relative_change_per_yr": "relative SOC change with project, /yr (4‰ = 0.004)",
    "share_of_4permille": "share of the 4‰ aspiration reached with project",
    "relative_balance_per_yr": "relative change due to the project (with − without), /yr",
    "balance_share_of_4permille": "share of the 4‰ aspiration due to the project",
}

#: Decimals the yearly CSV keeps: 0.001 t C/ha, well below what the coefficients' uncertainty resolves
#: (their 95 % ranges are ± 5–90 %, i.e. tenths to tens of t C/ha).
CSV_DECIMALS = 3

#: The coefficient tables a balance reads (paths under ``permille/data``).
TABLES = (
    "ipcc/socref_mineral_0-30cm.csv",
    "ipcc/stock_change_factors_mineral.csv",
    "ipcc/tier2_parameters.csv",
    "ipcc/organic_soils_drained_ef.csv",
)


def yearly_table(result: ProjectResult) -> pd.DataFrame:
    """Per model, scenario (without, with, balance = with − without) and year: the area-weighted stock
    (t C/ha), its change over the year (t C/ha/yr and t CO2e/ha/yr) and the change summed over the
    areas (t CO2e/yr); each as mean, sd and 95 % interval over the Monte Carlo draws."""
    rows = []
    for model in MODELS:
        for scenario in (*SCENARIOS, "balance"):
            per_area = []
            for a in result.areas:
                s = a.stocks[model]
                per_area.append(s["with"] - s["without"] if scenario == "balance" else s[scenario])
            years = result.areas[0].years
            area = sum(a.area_ha for a in result.areas)
            stock = sum(x * a.area_ha for x, a in zip(per_area, result.areas, strict=True)) / area
            change = np.diff(stock, axis=0, prepend=stock[:1])
            quantities = {
                "stock_t_c_ha": stock,
                "change_t_c_ha_yr": change,
                "change_t_co2e_ha_yr": change * CO2_PER_C,
                "total_t_co2e_yr": change * CO2_PER_C * area,
            }
            for i, year in enumerate(years):
                row = {"model": model, "scenario": scenario, "year": int(year)}
                for name, draws in quantities.items():
                    e = Estimate.of(draws[i])
                    row |= {
                        f"{name}_mean": e.mean,
                        f"{name}_sd": e.sd,
                        f"{name}_low95": e.low,
                        f"{name}_high95": e.high,
                    }
                rows.append(row)
    return pd.DataFrame(rows)


def yearly_csv_table(result: ProjectResult) -> pd.DataFrame:
    """:func:`yearly_table` rounded to :data:`CSV_DECIMALS` decimals (what the CSV downloads hold)."""
    return yearly_table(result).round(CSV_DECIMALS)


def disagreements(summary: dict, quantity: str = "balance_t_co2e_ha_yr") -> list[tuple[str, str]]:
    """The pairs of models whose 95 % intervals of ``quantity`` do not overlap."""
    pairs = []
    for i, a in enumerate(MODELS):
        for b in MODELS[i + 1 :]:
            ea, eb = summary[a][quantity], summary[b][quantity]
            if ea.high < eb.low or eb.high < ea.low:
                pairs.append((a, b))
    return pairs


def write(result: ProjectResult, out_dir: str | Path, lang: str = "en") -> list[Path]:
    """Write ``balance.json``, ``yearly.csv``, ``balance.html`` and ``balance.pdf`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {m: {k: asdict(e) for k, e in q.items()} for m, q in result.summary().items()}
    p = result.project
    document = {
        "project": p.name,
        "period": [p.first_year, p.last_year],
        "guidelines": f"IPCC {p.guidelines}",
        "monte_carlo_draws": result.n_draws,
        "quantities": QUANTITIES,
        "estimates": summary,
        "areas": [a.area.name for a in result.areas],
    }
    paths = [out_dir / n for n in ("balance.json", "yearly.csv", "balance.html", "balance.pdf")]
    paths[0].write_text(json.dumps(document, indent=2, ensure_ascii=False))
    yearly_csv_table(result).to_csv(paths[1], index=False)
    html = report_html(result, lang)
    paths[2].write_text(html, encoding="utf-8")
    paths[3].write_bytes(report_render.pdf(html))
    return paths


def report_html(result: ProjectResult, lang: str = "en", seed: int | None = None) -> str:
    """The balance report as HTML in ``lang`` (the PDF is this HTML printed)."""
    _ = i18n.translations(lang).gettext
    summary = result.summary()
    p = result.project
    rows = [
        ("balance_t_co2e_ha_yr", _("Balance, t CO2e/ha/yr"), 2),
        ("balance_t_c_ha_yr", _("Balance, t C/ha/yr"), 3),
        ("balance_t_c_ha", _("Balance over the period, t C/ha"), 2),
        ("total_t_co2e", _("Balance over all areas and years, t CO2e"), 0),
        ("start_without", _("SOC at the start, without the project, t C/ha"), 1),
        ("end_without", _("SOC at the end, without the project, t C/ha"), 1),
        ("start_with", _("SOC at the start, with the project, t C/ha"), 1),
        ("end_with", _("SOC at the end, with the project, t C/ha"), 1),
        ("share_of_4permille", _("Share of the 4‰ aspiration reached with the project"), 2),
        ("balance_share_of_4permille", _("Share of the 4‰ aspiration due to the project"), 2),
    ]
    results = [
        {"label": label, "cells": [(summary[m][key], digits) for m in MODELS]} for key, label, digits in rows
    ]
    years = result.areas[0].years
    shown = [y for y in years if y >= p.first_year - 1 and (y - p.first_year + 1) % 5 == 0] or [years[-1]]
    if shown[-1] != p.last_year:
        shown.append(p.last_year)
    yearly = []
    for year in shown:
        i = int(np.flatnonzero(years == year)[0])
        cells = []
        for model in MODELS:
            without = result.yearly(model, "without")[1][i]
            with_ = result.yearly(model, "with")[1][i]
            cells += [Estimate.of(without), Estimate.of(with_), Estimate.of(with_ - without)]
        yearly.append({"year": int(year), "cells": cells})
    disagree = [
        {
            "a": _(a),
            "b": _(b),
            "ea": summary[a]["balance_t_co2e_ha_yr"],
            "eb": summary[b]["balance_t_co2e_ha_yr"],
        }
        for a, b in disagreements(summary)
    ]
    return report_render.render(
        "balance.html",
        lang,
        project=p,
        n_draws=result.n_draws,
        seed=seed,
        models=[_(m) for m in MODELS],
        areas=[_area(a.area, _) for a in result.areas],
        results=results,
        yearly=yearly,
        disagree=disagree,
        organic=any(a.area.organic_soc_t_c_ha is not None for a in result.areas),
        tables=report_render.table_versions(*TABLES),
        stocks_chart=report_render.svg(stocks_figure(result, _)),
        balance_chart=report_render.svg(balance_figure(summary, p, _)),
    )


def _area(area, _) -> dict:
    """An area's inputs in words (categories translated)."""

    def period(m) -> dict:
        pr = m.practice
        land_use = pr.land_use.value
        detail = pr.tillage.value if land_use == "long-term cultivated (annual crops)" else ""
        if land_use == "all grassland":
            detail = pr.grazing.value
        return {
            "year": m.start_year,
            "land_use": _(land_use),
            "management": _(detail) if detail else "–",
            "carbon_input": _(pr.carbon_input.value),
            "plant_input": m.plant_input,
            "manure": m.manure,
            "drained": _(m.drained.value) if m.drained else _("not drained"),
        }

    return {
        "name": area.name,
        "area_ha": area.area_ha,
        "area_uncertainty_pct": area.area_uncertainty_pct,
        "input_uncertainty_pct": area.input_uncertainty_pct,
        "zone": _(area.zone.value),
        "soil_class": _(area.soil_class.value),
        "clay": area.clay,
        "organic": area.organic_soc_t_c_ha,
        "baseline": [period(m) for m in area.baseline],
        "project": [period(m) for m in area.project],
    }


def stocks_figure(result: ProjectResult, _=lambda s: s):
    """SOC with and without the project for each model, mean and 95 % band, over the project period."""
    p = result.project
    fig, axes = plt.subplots(1, len(MODELS), figsize=(9, 3.2), sharey=True)
    labels = {"without": _("without the project"), "with": _("with the project")}
    for ax, model in zip(axes, MODELS, strict=True):
        for scenario, color in zip(SCENARIOS, ("tab:gray", "tab:green"), strict=True):
            years, draws = result.yearly(model, scenario)
            keep = years >= p.first_year - 5
            low, high = np.percentile(draws[keep], [2.5, 97.5], axis=1)
            ax.fill_between(years[keep], low, high, color=color, alpha=0.25, lw=0)
            ax.plot(years[keep], draws[keep].mean(axis=1), color=color, label=labels[scenario])
        ax.axvline(p.first_year - 0.5, color="tab:blue", lw=0.6, ls=":")
        ax.set_title(_(model), fontsize=10)
        ax.set_xlabel(_("year"))
    axes[0].set_ylabel(_("SOC 0–30 cm, t C/ha"))
    axes[0].legend(loc="best", fontsize="small")
    fig.tight_layout()
    return fig


def balance_figure(summary: dict, project, _=lambda s: s):
    """The balance of each model, t CO2e/ha/yr, mean with its 95 % interval as an error bar."""
    fig, ax = plt.subplots(figsize=(5, 3))
    for i, model in enumerate(MODELS):
        e = summary[model]["balance_t_co2e_ha_yr"]
        ax.errorbar(
            i, e.mean, yerr=[[e.mean - e.low], [e.high - e.mean]], fmt="o", capsize=6, color="tab:green"
        )
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(range(len(MODELS)), [_(m) for m in MODELS])
    ax.set_xlim(-0.5, len(MODELS) - 0.5)
    ax.set_ylabel(_("t CO2e/ha/yr (mean, 95 % interval)"))
    ax.set_title(
        _("Balance, with − without, {first}–{last}").format(first=project.first_year, last=project.last_year),
        fontsize=10,
    )
    fig.tight_layout()
    return fig
