"""A verification report a verifier can read: one Jinja2 template rendered as HTML and, by WeasyPrint, as an
A4 PDF (the same content), in English, French or Spanish — scheme and its version, inputs, method in words,
stocks and changes with intervals, the credit chain step by step, charts (stock by depth, changes with
intervals, credit waterfall), caveats, sources — plus the same numbers as JSON."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # names drawn as written: "$…$" is not mathtext (a 500)
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .. import i18n  # noqa: E402
from ..measure.credits import CreditLine  # noqa: E402
from ..measure.schemes import SchemeProfile, UncertaintyRule  # noqa: E402
from ..measure.validation import Validation  # noqa: E402
from . import report_render  # noqa: E402

#: The steps of the credit chain: field of :class:`CreditLine`, label, decimals.
CHAIN = (
    ("area_ha", "Area, ha", 1),
    ("mean_t_c_ha", "Mean change, t C/ha", 3),
    ("se_t_c_ha", "Standard error, t C/ha", 3),
    ("df", "Degrees of freedom", 1),
    ("quantile", "t quantile used", 3),
    ("conservative_t_c_ha", "Change kept after the uncertainty rule, t C/ha", 3),
    ("gross_t_co2e", "Gross removal, t CO2e", 1),
    ("uncertainty_deduction_t_co2e", "− uncertainty deduction, t CO2e", 1),
    ("leakage_t_co2e", "− leakage, t CO2e", 1),
    ("buffer_t_co2e", "− non-permanence buffer, t CO2e", 1),
    ("issuable_t_co2e", "Issuable credits, t CO2e", 1),
)


@dataclass
class VerificationReport:
    """What a report shows. ``stocks`` (optional): one row per group and layer with columns group,
    upper_cm, lower_cm, mean_t_c_ha, low_t_c_ha, high_t_c_ha (an interval, e.g. 90 %); ``changes``: one
    row per estimate with label, mean_t_c_ha, low_t_c_ha, high_t_c_ha and any other columns; ``credits``:
    the credit lines the scheme issues (summed in the waterfall); ``stratum_credits``: lines shown for
    transparency only (e.g. each stratum of a stratified estimate); ``methods``: how the numbers were made
    (ESM interpolator, reference mass rule, conversion factors…); ``confidence``: of the intervals."""

    title: str
    scheme: SchemeProfile
    stocks: pd.DataFrame | None
    changes: pd.DataFrame
    credits: list[CreditLine]
    methods: dict[str, str]
    validation: Validation | None = None
    notes: list[str] = field(default_factory=list)
    stratum_credits: list[CreditLine] = field(default_factory=list)  # shown, not summed
    confidence: float = 0.90

    def document(self) -> dict:
        """Every number of the report, JSON-ready."""
        return {
            "title": self.title,
            "scheme": self.scheme.model_dump(),
            "methods": self.methods,
            "confidence": self.confidence,
            "stocks": None if self.stocks is None else self.stocks.to_dict(orient="records"),
            "changes": self.changes.to_dict(orient="records"),
            "credits": [c.as_dict() for c in self.credits],
            "stratum_credits": [c.as_dict() for c in self.stratum_credits],
            "validation": self.validation.as_dict() if self.validation else None,
            "notes": self.notes,
        }

    def totals(self) -> dict[str, float]:
        """The credit chain summed over :attr:`credits`, t CO2e."""
        keys = (
            "gross_t_co2e",
            "uncertainty_deduction_t_co2e",
            "leakage_t_co2e",
            "buffer_t_co2e",
            "issuable_t_co2e",
        )
        return {k: sum(getattr(c, k) for c in self.credits) for k in keys}


def stock_figure(report: VerificationReport, _=lambda s: s):
    """Mean SOC stock of each layer by group, with its interval as an error bar, depth downwards."""
    fig, ax = plt.subplots(figsize=(6, 4))
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
    ax.set_xlabel(_("SOC stock of the layer, t C/ha (mean, interval)"))
    ax.set_ylabel(_("depth, cm"))
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def change_figure(report: VerificationReport, _=lambda s: s):
    """Each estimated change with its interval."""
    fig, ax = plt.subplots(figsize=(6, 0.8 + 0.45 * len(report.changes)))
    c = report.changes.reset_index(drop=True)
    ax.errorbar(c.mean_t_c_ha, range(len(c)), xerr=[c.mean_t_c_ha - c.low_t_c_ha, c.high_t_c_ha - c.mean_t_c_ha],
                fmt="o", capsize=5)  # fmt: skip
    ax.axvline(0, color="black", lw=0.7)
    ax.set_yticks(range(len(c)), c.label)
    ax.invert_yaxis()
    ax.set_xlabel(_("change, t C/ha (mean, interval)"))
    fig.tight_layout()
    return fig


def waterfall_figure(report: VerificationReport, _=lambda s: s):
    """Gross removal → uncertainty deduction → leakage → buffer → issuable credits (t CO2e, all strata)."""
    total = report.totals()
    steps = [(_("gross"), total["gross_t_co2e"]), (_("uncertainty"), -total["uncertainty_deduction_t_co2e"]),
             (_("leakage"), -total["leakage_t_co2e"]), (_("buffer"), -total["buffer_t_co2e"])]  # fmt: skip
    fig, ax = plt.subplots(figsize=(6, 3.6))
    level = 0.0
    for i, (_name, value) in enumerate(steps):
        bottom = level if value >= 0 else level + value
        ax.bar(i, abs(value), bottom=bottom, color="tab:green" if i == 0 else "tab:red")
        level += value
    ax.bar(len(steps), total["issuable_t_co2e"], color="tab:blue")
    ax.set_xticks(range(len(steps) + 1), [s for s, _v in steps] + [_("issuable")])
    ax.set_ylabel(_("t CO2e"))
    fig.tight_layout()
    return fig


def rule_in_words(scheme: SchemeProfile, _, lang: str = "en") -> str:
    """The scheme's uncertainty rule as a sentence in the reader's language."""
    u = scheme.uncertainty
    if u.rule is UncertaintyRule.POE:
        return _(
            "the change kept is the one-sided lower bound at %(p)s %% probability of exceedance (t quantile, "
            "Satterthwaite degrees of freedom)"
        ) % {"p": i18n.number(u.probability * 100, 1, lang)}
    if u.rule is UncertaintyRule.CI90_HALFWIDTH:
        return _("the change is reduced by the half-width of its 90 % interval, as a fraction of the mean")
    return _("the mean change is kept, without deduction")


def report_html(report: VerificationReport, lang: str = "en") -> str:
    """The report as HTML in ``lang`` (the PDF is this HTML printed)."""
    _ = i18n.translations(lang).gettext
    figures = []
    if report.stocks is not None:
        figures.append((_("SOC stock of each layer by group: mean and interval."), stock_figure(report, _)))
    figures.append((_("Each change with its interval."), change_figure(report, _)))
    totals = report.totals()
    if report.credits and totals["gross_t_co2e"] > 0:
        figures.append(
            (_("From the gross removal to the issuable credits, t CO2e."), waterfall_figure(report, _))
        )
    lines = [*report.credits, *report.stratum_credits]
    return report_render.render(
        "verification.html",
        lang,
        title=_("Verification report") + " — " + _(report.title),
        report=report,
        scheme=report.scheme,
        rule=rule_in_words(report.scheme, _, lang),
        confidence=report.confidence * 100,
        methods=[(_(k), v) for k, v in report.methods.items()],
        changes=report.changes.to_dict(orient="records"),
        stocks=None if report.stocks is None else report.stocks.to_dict(orient="records"),
        chain=[(_(label), digits, [getattr(c, key) for c in lines]) for key, label, digits in CHAIN],
        chain_columns=[f"{c.period}: {c.stratum}" for c in lines],
        n_issued=len(report.credits),
        losses=[f"{c.period}: {c.stratum}" for c in lines if c.mean_t_c_ha <= 0],
        totals=totals,
        validation=report.validation,
        figures=[(caption, report_render.svg(fig)) for caption, fig in figures],
    )


def write(report: VerificationReport, out_dir: str | Path, lang: str = "en") -> list[Path]:
    """Write ``report.html``, ``report.pdf`` and ``report.json`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.html", out_dir / "report.pdf", out_dir / "report.json"]
    html = report_html(report, lang)
    paths[0].write_text(html, encoding="utf-8")
    paths[1].write_bytes(report_render.pdf(html))
    paths[2].write_text(
        json.dumps(report.document(), indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    return paths


def pdf(report: VerificationReport, lang: str = "en") -> bytes:
    """The report as PDF bytes."""
    return report_render.pdf(report_html(report, lang))
