"""The toolkit's measurement calculators, wrapping :mod:`permille.measure`: stocks by fixed depth and
equivalent soil mass from an imported table, sampling design, and the credit chain of a scheme profile.

Stocks t C/ha, depths cm, areas ha, credits t CO2e.
"""

import pandas as pd

from ..i18n import Number, Text, joined
from ..io import soil_import, verification_report
from ..measure import credits, esm, sampling, schemes
from ..measure.comparison import prepare_cores
from .schemas import CreditsIn, SamplingIn, StocksIn

CONFIDENCE = 0.90  # intervals of the stocks calculator (the verification report's)

INTERPOLATION_NAMES = {
    esm.Interpolation.NATURAL_SPLINE: Text("natural cubic spline (Wendt & Hauser 2013)"),
    esm.Interpolation.FMM_HYMAN: Text("monotone cubic spline (Hyman 1983; von Haden et al. 2020)"),
    esm.Interpolation.LINEAR: Text("linear interpolation (Ellert & Bettany 1995)"),
}
"""How an equivalent-soil-mass interpolation is named to a reader (:class:`~permille.measure.esm.Interpolation`)."""


# --- stocks -----------------------------------------------------------------------------------------------


def stocks(table: pd.DataFrame, options: StocksIn, source: str) -> dict:
    """Import ``table`` (cells as read by :func:`permille.io.soil_import.read_table`; raises
    :class:`~permille.io.soil_import.SoilImportError` listing every bad row), then each profile's
    cumulative SOC stock to each depth by fixed depth and by ESM (natural spline by default, reference
    mass = the minimum over all profiles, as :func:`permille.measure.comparison.compare`), and each
    group's (``field``) mean with its 90 % interval."""
    frame = soil_import.import_table(table, options.mapping, source=source).to_frame()
    frame["field"] = frame["field"].fillna("")
    groups = sorted(set(frame["field"]))
    samples, dropped, bd_from_core, _ = prepare_cores(frame, "field", groups, options.depths_cm[-1], None)
    fixed = esm.fixed_depth_table(samples)  # first: its refusal names each bad core
    cores = [
        esm.cumulative_profile(c.Upper_cm, c.Lower_cm, c.SOC_pct, c.BD_g_cm3, c.SOM_pct)
        for _, c in samples.groupby("ID")
    ]
    reference = esm.reference_masses(cores, options.depths_cm, esm.ReferenceMass.MINIMUM)
    equivalent = esm.esm_table(
        samples, options.depths_cm, method=esm.Interpolation(options.method), reference=list(reference)
    )
    group_of = samples.drop_duplicates("ID").set_index("ID")["group"]
    rows = []
    for name, table_ in (("fixed depth", fixed), ("ESM", equivalent)):
        for depth in options.depths_cm:
            at = table_[(table_.Lower_cm - depth).abs() < 1e-9]
            for core in at.itertuples():
                rows.append(
                    {
                        "profile": core.ID,
                        "group": group_of[core.ID],
                        "method": name,
                        "depth_cm": depth,
                        "soc_t_c_ha": core.Cum_SOC_t_ha,
                    }  # fmt: skip
                )
    profiles = pd.DataFrame(rows)
    summary = []
    for (group, name, depth), values in profiles.groupby(
        ["group", "method", "depth_cm"], sort=False
    ).soc_t_c_ha:
        e = sampling.simple_estimate(values.to_numpy()) if len(values) > 1 else None
        q = sampling.t_quantile((1 + CONFIDENCE) / 2, e.df) if e else float("nan")
        summary.append(
            {"group": group, "method": name, "depth_cm": depth, "n": len(values), "mean_t_c_ha": float(values.mean()),
             "se_t_c_ha": e.se if e else None,
             "low_t_c_ha": e.mean - q * e.se if e else None, "high_t_c_ha": e.mean + q * e.se if e else None}
        )  # fmt: skip
    return {
        "calculator": "stocks",
        "profiles": profiles.to_dict(orient="records"),
        "groups": summary,
        "interval": Text(
            "{confidence} % t interval over the profiles of a group (none for a single profile)",
            confidence=round(CONFIDENCE * 100),
        ),
        "dropped": dropped,
        "methods": {
            "bulk density": Text("fine-earth mass / core volume where not measured")
            if bd_from_core
            else Text("as measured"),
            "equivalent soil mass": Text(
                "{method}; reference mass = minimum over all profiles at {masses}",
                method=INTERPOLATION_NAMES[esm.Interpolation(options.method)],
                masses=joined(
                    (
                        Text("{depth} cm ({mass} g/cm²)", depth=Number(d, None), mass=Number(m, 3))
                        for d, m in zip(options.depths_cm, reference, strict=True)
                    ),
                    commas=True,
                ),
            ),
        },
    }


# --- sampling design --------------------------------------------------------------------------------------


def sampling_design(p: SamplingIn) -> dict:
    """n for the MDD (:func:`~permille.measure.sampling.n_for_mdd`), the MDD that n reaches, and the
    Neyman and proportional allocations of n (whole numbers, at least ``minimum_per_stratum`` each)."""
    n = sampling.n_for_mdd(p.mdd_t_c_ha, p.sd_t_c_ha, p.alpha, p.power, p.two_sided)
    result = {
        "calculator": "sampling",
        "n": n,
        "mdd_at_n_t_c_ha": sampling.mdd(n, p.sd_t_c_ha, p.alpha, p.power, p.two_sided),
        "test": f"{'two' if p.two_sided else 'one'}-sided paired t test, alpha {p.alpha:g}, power {p.power:g}",
        "strata": [],
    }
    if p.strata:
        areas = {s.name: s.area_ha for s in p.strata}
        sds = {s.name: s.sd_t_c_ha for s in p.strata}
        total = max(n, p.minimum_per_stratum * len(areas))
        neyman = sampling.neyman_allocation(total, areas, sds)
        whole = sampling.integer_allocation(total, neyman, p.minimum_per_stratum)
        proportional = sampling.integer_allocation(total, areas, p.minimum_per_stratum)
        result["n_allocated"] = total
        result["strata"] = [
            {
                "stratum": k,
                "area_ha": areas[k],
                "sd_t_c_ha": sds[k],
                "neyman_exact": neyman[k],
                "neyman": whole[k],
                "proportional": proportional[k],
            }  # fmt: skip
            for k in areas
        ]
    return result


# --- credits ----------------------------------------------------------------------------------------------


TOTALS = (
    "gross_t_co2e",
    "uncertainty_deduction_t_co2e",
    "leakage_t_co2e",
    "buffer_t_co2e",
    "issuable_t_co2e",
)


def credit_estimate(p: CreditsIn) -> tuple[dict, verification_report.VerificationReport]:
    """The scheme's credit chain for each change estimate, the totals, and the verification report."""
    profile = schemes.profile(p.scheme)
    estimates = [credits.ChangeEstimate(**c.model_dump()) for c in p.changes]
    lines = credits.credit_chain(estimates, profile)
    q = [sampling.t_quantile((1 + CONFIDENCE) / 2, e.df) for e in estimates]
    changes = pd.DataFrame(
        {"label": [f"{e.period}: {e.stratum}" for e in estimates],
         "mean_t_c_ha": [e.mean_t_c_ha for e in estimates], "se_t_c_ha": [e.se_t_c_ha for e in estimates],
         "low_t_c_ha": [e.mean_t_c_ha - k * e.se_t_c_ha for e, k in zip(estimates, q, strict=True)],
         "high_t_c_ha": [e.mean_t_c_ha + k * e.se_t_c_ha for e, k in zip(estimates, q, strict=True)]}
    )  # fmt: skip
    rule = f"{profile.uncertainty.rule.value} {profile.uncertainty.probability or ''}".strip()
    report = verification_report.VerificationReport(
        title="Credit estimate (permille toolkit)",
        scheme=profile,
        stocks=None,
        changes=changes,
        credits=lines,
        methods={},
        confidence=CONFIDENCE,
        notes=[]
        if profile.verified
        else ["the profile's values are not yet verified against the method text"],
    )
    result = {
        "calculator": "credits",
        "scheme": {
            "id": profile.id,
            "name": profile.name,
            "version": profile.version,
            "verified": profile.verified,
            "uncertainty_rule": rule,
            "leakage_pct": profile.leakage_pct,
            "buffer_pct": profile.buffer_pct,
        },  # fmt: skip
        "changes": changes.to_dict(orient="records"),
        "interval": Text("{confidence} % t interval of each change", confidence=round(CONFIDENCE * 100)),
        "lines": [line.as_dict() for line in lines],
        "totals": {k: sum(getattr(line, k) for line in lines) for k in TOTALS},
    }
    return result, report


def report_pdf(report: verification_report.VerificationReport, lang: str = "en") -> bytes:
    """The verification report as PDF bytes in ``lang``."""
    return verification_report.pdf(report, lang)
