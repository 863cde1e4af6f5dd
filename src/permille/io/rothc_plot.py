"""A figure of a RothC file run: SOC and its pools over time, and cumulative carbon in and out."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # names drawn as written: "$…$" is not mathtext (a 500)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .rothc_files import RothCRun  # noqa: E402


def plot_run(run: RothCRun, path: str | Path) -> Path:
    """Save a two-panel PNG of ``run``: stocks by pool (t C/ha) and cumulative input vs CO2 (t C/ha)."""
    months = run.input.months.iloc[12 : run.input.nsteps]
    time = months.year.to_numpy() + (months.month.to_numpy() - 0.5) / 12.0
    r = run.result
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=(3, 2))
    layers = [np.full(len(time), r.iom[0]), r.hum[:, 0], r.bio[:, 0], r.rpm[:, 0], r.dpm[:, 0]]
    top.stackplot(time, layers, labels=["IOM", "HUM", "BIO", "RPM", "DPM"], alpha=0.85)
    top.plot(time, r.soc[:, 0], color="black", lw=0.8, label="SOC")
    top.set_ylabel("t C/ha")
    top.set_title(
        f"RothC-26.3 — clay {run.input.clay:g} %, depth {run.input.depth:g} cm; "
        f"SOC {r.initial.soc[0]:.2f} → {r.soc[-1, 0]:.2f} t C/ha"
    )
    top.legend(loc="lower left", ncol=6, fontsize="small")
    bottom.plot(time, r.inputs[:, 0], label="carbon input")
    bottom.plot(time, r.co2[:, 0], label="CO2-C released")
    bottom.plot(time, r.active[:, 0] - r.initial.active[0], label="Δ stock")
    bottom.set_ylabel("cumulative, t C/ha")
    bottom.set_xlabel("year")
    bottom.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
