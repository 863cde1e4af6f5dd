"""A verification report a verifier can read: HTML and PDF with tables and plots (stock by depth, change
with intervals, credit waterfall), plus the same numbers as JSON."""

import base64
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # names drawn as written: "$…$" is not mathtext (a 500)
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

from ..measure.credits import CreditLine  # noqa: E402
from ..measure.schemes import SchemeProfile  # noqa: E402
from ..measure.validation import Validation  # noqa: E402


@dataclass
class VerificationReport:
    """What a report shows. ``stocks`` (optional): one row per group and layer with columns group,
    upper_cm, lower_cm, mean_t_c_ha, low_t_c_ha, high_t_c_ha (an interval, e.g. 90 %); ``changes``: one
    row per estimate with label, mean_t_c_ha, low_t_c_ha, high_t_c_ha and any other columns; ``credits``:
    the credit lines the scheme issues (summed in the waterfall); ``stratum_credits``: lines shown for
    transparency only (e.g. each stratum of a stratified estimate); ``methods``: how the numbers were made
    (ESM interpolator, reference mass rule, conversion factors…)."""

    title: str
    scheme: SchemeProfile
    stocks: pd.DataFrame | None
    changes: pd.DataFrame
    credits: list[CreditLine]
    methods: dict[str, str]
    validation: Validation | None = None
    notes: list[str] = field(default_factory=list)
    stratum_credits: list[CreditLine] = field(default_factory=list)  # shown, not summed

    def document(self) -> dict:
        """Every number of the report, JSON-ready."""
        return {
            "title": self.title,
            "scheme": self.scheme.model_dump(),
            "methods": self.methods,
            "stocks": None if self.stocks is None else self.stocks.to_dict(orient="records"),
            "changes": self.changes.to_dict(orient="records"),
            "credits": [c.as_dict() for c in self.credits],
            "stratum_credits": [c.as_dict() for c in self.stratum_credits],
            "validation": self.validation.as_dict() if self.validation else None,
            "notes": self.notes,
        }


def stock_figure(report: VerificationReport):
    """Mean SOC stock of each layer by group, with its interval, depth downwards."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    groups = list(dict.fromkeys(report.stocks["group"]))
    height = 0.8 / max(len(groups), 1)
    for i, (group, rows) in enumerate(report.stocks.groupby("group", sort=False)):
        mid = (rows.upper_cm + rows.lower_cm) / 2 + (i - (len(groups) - 1) / 2) * height * (
            rows.lower_cm - rows.upper_cm
        )
        err = [rows.mean_t_c_ha - rows.low_t_c_ha, rows.high_t_c_ha - rows.mean_t_c_ha]
        ax.barh(mid, rows.mean_t_c_ha, height=height * (rows.lower_cm - rows.upper_cm), xerr=err, label=group,
                alpha=0.8, capsize=3)  # fmt: skip
    ax.invert_yaxis()
    ax.set_xlabel("SOC stock of the layer, t C/ha (mean, interval)")
    ax.set_ylabel("depth, cm")
    ax.legend(fontsize="small")
    ax.set_title("Stock by depth")
    fig.tight_layout()
    return fig


def change_figure(report: VerificationReport):
    """Each estimated change with its interval."""
    fig, ax = plt.subplots(figsize=(6, 0.6 + 0.5 * len(report.changes)))
    c = report.changes.reset_index(drop=True)
    ax.errorbar(c.mean_t_c_ha, range(len(c)), xerr=[c.mean_t_c_ha - c.low_t_c_ha, c.high_t_c_ha - c.mean_t_c_ha],
                fmt="o", capsize=5)  # fmt: skip
    ax.axvline(0, color="black", lw=0.7)
    ax.set_yticks(range(len(c)), c.label)
    ax.invert_yaxis()
    ax.set_xlabel("change, t C/ha (mean, interval)")
    ax.set_title("Change with intervals")
    fig.tight_layout()
    return fig


def waterfall_figure(report: VerificationReport):
    """Gross removal → uncertainty deduction → leakage → buffer → issuable credits (t CO2e, all strata)."""
    total = {k: sum(getattr(c, k) for c in report.credits) for k in
             ("gross_t_co2e", "uncertainty_deduction_t_co2e", "leakage_t_co2e", "buffer_t_co2e", "issuable_t_co2e")}  # fmt: skip
    steps = [("gross", total["gross_t_co2e"]), ("uncertainty", -total["uncertainty_deduction_t_co2e"]),
             ("leakage", -total["leakage_t_co2e"]), ("buffer", -total["buffer_t_co2e"])]  # fmt: skip
    fig, ax = plt.subplots(figsize=(6, 4))
    level = 0.0
    for i, (_, value) in enumerate(steps):
        bottom = level if value >= 0 else level + value
        ax.bar(i, abs(value), bottom=bottom, color="tab:green" if i == 0 else "tab:red")
        ax.text(i, bottom + abs(value), f"{value:,.0f}", ha="center", va="bottom", fontsize="small")
        level += value
    ax.bar(len(steps), total["issuable_t_co2e"], color="tab:blue")
    ax.text(
        len(steps), total["issuable_t_co2e"], f"{total['issuable_t_co2e']:,.0f}", ha="center", va="bottom"
    )
    ax.set_xticks(range(len(steps) + 1), [s for s, _ in steps] + ["issuable"])
    ax.set_ylabel("t CO2e")
    ax.set_title(f"Credit waterfall — {report.scheme.id}")
    fig.tight_layout()
    return fig


FIGURES = (stock_figure, change_figure, waterfall_figure)


def _figures(report: VerificationReport):
    """The figures that apply: stocks only when given, the waterfall only when there are credits."""
    skip = {stock_figure: report.stocks is None, waterfall_figure: not report.credits}
    return [f for f in FIGURES if not skip.get(f, False)]


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _tables(report: VerificationReport) -> dict[str, pd.DataFrame]:
    tables = {
        "Methods": pd.DataFrame(list(report.methods.items()), columns=["step", "method"]),
        "Stock by depth (t C/ha)": report.stocks,
        "Changes (t C/ha)": report.changes,
    }
    for name, lines in (
        ("Credit chain", report.credits),
        ("Credit chain of each stratum (not summed)", report.stratum_credits),
    ):
        if lines:
            chain = pd.DataFrame([c.as_dict() for c in lines])
            chain.index = chain.period + ": " + chain.stratum
            tables[f"{name} (t CO2e)"] = chain.drop(columns=["period", "stratum"]).T.reset_index(names="step")
    tables = {k: v for k, v in tables.items() if v is not None}
    if report.validation:
        tables["Model validation"] = pd.DataFrame([report.validation.as_dict()])
    return tables


def write(report: VerificationReport, out_dir: str | Path) -> list[Path]:
    """Write ``report.html``, ``report.pdf`` and ``report.json`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.html", out_dir / "report.pdf", out_dir / "report.json"]
    s = report.scheme
    header = [
        f"<h1>{html.escape(report.title)}</h1>",
        f"<p><b>Scheme:</b> {html.escape(s.name)} — {html.escape(s.version)}"
        + ("" if s.verified else " <b>(profile values not yet verified against the method text)</b>")
        + "</p>",
        "<p><b>Follows:</b></p><ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in s.follows) + "</ul>",
        "<p><b>Simplifies:</b></p><ul>"
        + "".join(f"<li>{html.escape(x)}</li>" for x in s.simplifies)
        + "</ul>",
    ]
    body = [
        f'<img alt="{f.__doc__.splitlines()[0]}" src="data:image/png;base64,{_png(f(report))}">'
        for f in _figures(report)
    ]
    tables = [f"<h2>{html.escape(name)}</h2>" + t.to_html(index=False, float_format=lambda v: f"{v:,.4g}")
              for name, t in _tables(report).items()]  # fmt: skip
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in report.notes)
    style = "body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse;font-size:13px}" \
            "td,th{border:1px solid #ccc;padding:2px 6px}img{max-width:48%;vertical-align:top}"  # fmt: skip
    paths[0].write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(report.title)}</title>"
        f"<style>{style}</style></head><body>{''.join(header)}{''.join(body)}{''.join(tables)}"
        f"<h2>Notes</h2><ul>{notes}</ul></body></html>",
        encoding="utf-8",
    )
    with PdfPages(paths[1]) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        text = [report.title, "", f"Scheme: {s.name}", s.version, ""] + [
            f"{k}: {v}" for k, v in report.methods.items()
        ]
        text += [""] + [f"- {n}" for n in report.notes]
        fig.text(0.06, 0.96, "\n".join(text), va="top", fontsize=9, wrap=True)
        pdf.savefig(fig)
        plt.close(fig)
        for make in _figures(report):
            fig = make(report)
            pdf.savefig(fig)
            plt.close(fig)
        for name, table in _tables(report).items():
            fig, ax = plt.subplots(figsize=(11.69, 8.27))
            ax.axis("off")
            ax.set_title(name)
            shown = table.map(lambda v: f"{v:,.4g}" if isinstance(v, float) else str(v)[:40])
            t = ax.table(cellText=shown.values, colLabels=list(table.columns), loc="upper center", fontsize=7)
            t.auto_set_font_size(False)
            t.set_fontsize(6)
            pdf.savefig(fig)
            plt.close(fig)
    paths[2].write_text(
        json.dumps(report.document(), indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    return paths
