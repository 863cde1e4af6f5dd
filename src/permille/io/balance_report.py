"""Reports of a project balance: JSON (every estimate), CSV (yearly stocks with intervals) and a plot."""

import json
from dataclasses import asdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # names drawn as written: "$…$" is not mathtext (a 500)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..models.balance import CO2_PER_C, MODELS, SCENARIOS, Estimate, ProjectResult  # noqa: E402

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


def write(result: ProjectResult, out_dir: str | Path) -> list[Path]:
    """Write ``balance.json``, ``yearly.csv`` and ``balance.png`` into ``out_dir``."""
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
    paths = [out_dir / "balance.json", out_dir / "yearly.csv", out_dir / "balance.png"]
    paths[0].write_text(json.dumps(document, indent=2, ensure_ascii=False))
    yearly_table(result).to_csv(paths[1], index=False)
    plot(result, paths[2])
    return paths


def plot(result: ProjectResult, path: Path) -> Path:
    """SOC with and without the project for each model, with 95 % bands, and the balance."""
    fig, axes = plt.subplots(1, len(MODELS) + 1, figsize=(15, 4.2))
    p = result.project
    for ax, model in zip(axes, MODELS, strict=False):
        for scenario, color in zip(SCENARIOS, ("tab:gray", "tab:green"), strict=True):
            years, draws = result.yearly(model, scenario)
            low, high = np.percentile(draws, [2.5, 97.5], axis=1)
            ax.fill_between(years, low, high, color=color, alpha=0.25, lw=0)
            ax.plot(years, draws.mean(axis=1), color=color, label=f"{scenario} project")
        ax.axvspan(p.first_year - 0.5, p.last_year + 0.5, color="tab:blue", alpha=0.05)
        ax.set_title(model)
        ax.set_xlabel("year")
        ax.set_xlim(p.first_year - 10, p.last_year + 1)
    axes[0].set_ylabel("SOC 0–30 cm, t C/ha (mean, 95 % band)")
    axes[0].legend(loc="upper left", fontsize="small")
    summary = result.summary()
    ax = axes[-1]
    for i, model in enumerate(MODELS):
        e = summary[model]["balance_t_co2e_ha_yr"]
        ax.errorbar(i, e.mean, yerr=[[e.mean - e.low], [e.high - e.mean]], fmt="o", capsize=6)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(range(len(MODELS)), MODELS, rotation=15)
    ax.set_ylabel("balance, t CO2e/ha/yr (95 % interval)")
    ax.set_title(f"with − without, {p.first_year}–{p.last_year}")
    fig.suptitle(p.name)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
