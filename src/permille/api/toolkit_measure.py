"""The toolkit's measurement calculators, wrapping :mod:`permille.measure`: stocks by fixed depth and
equivalent soil mass from an imported table, sampling design, and the credit chain of a scheme profile.

Stocks t C/ha, depths cm, areas ha, credits t CO2e.
"""

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..io import soil_import, verification_report
from ..measure import credits, esm, sampling, schemes
from ..measure.comparison import prepare_cores

SCHEME_IDS = Literal["vm0042", "au-soil-carbon", "label-bas-carbone", "4p1000"]
CONFIDENCE = 0.90  # intervals of the stocks calculator (the verification report's)
MAX_SD_PER_MDD = 100  # sd / MDD above this needs more than ~10⁵ points: refused


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# --- stocks -----------------------------------------------------------------------------------------------


class StocksIn(_Strict):
    """Options of the stocks calculator (the CSV comes as an upload beside them)."""

    mapping: dict[str, Any] = Field(
        default_factory=lambda: dict(soil_import.CUMBRIA_HEDGEROWS),
        description="column mapping of permille.io.soil_import (field → column, with units)",
    )
    depths_cm: list[Annotated[float, Field(gt=0, le=500)]] = Field(
        default=[30.0], min_length=1, max_length=10
    )
    method: esm.Interpolation = esm.Interpolation.NATURAL_SPLINE
    country_iso3: str | None = Field(None, pattern=r"^[A-Z]{3}$")

    @field_validator("depths_cm")
    @classmethod
    def _increasing(cls, v):
        if any(b <= a for a, b in zip(v, v[1:], strict=False)):
            raise ValueError(f"depths {v} must be strictly increasing")
        return v


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
    cores = [
        esm.cumulative_profile(c.Upper_cm, c.Lower_cm, c.SOC_pct, c.BD_g_cm3, c.SOM_pct)
        for _, c in samples.groupby("ID")
    ]
    reference = esm.reference_masses(cores, options.depths_cm, esm.ReferenceMass.MINIMUM)
    fixed = esm.fixed_depth_table(samples)
    equivalent = esm.esm_table(samples, options.depths_cm, method=options.method, reference=list(reference))
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
        "interval": f"{CONFIDENCE:.0%} t interval over the profiles of a group (none for a single profile)",
        "dropped": dropped,
        "methods": {
            "bulk density": "fine-earth mass / core volume where not measured"
            if bd_from_core
            else "as measured",
            "equivalent soil mass": f"{options.method.value}; reference mass = minimum over all profiles at "
            + ", ".join(
                f"{d:g} cm ({m:.3f} g/cm²)" for d, m in zip(options.depths_cm, reference, strict=True)
            ),
        },
    }


# --- sampling design --------------------------------------------------------------------------------------


class StratumIn(_Strict):
    name: str = Field(min_length=1)
    area_ha: float = Field(gt=0, le=1e10, description="ha (the Earth's land is 1.5e10 ha)")
    sd_t_c_ha: float = Field(
        ge=0, le=1000, description="prior standard deviation of the stock (change), t C/ha"
    )


class SamplingIn(_Strict):
    """Sample size for a minimum detectable difference of a paired t test, and its allocation."""

    sd_t_c_ha: float = Field(gt=0, le=1000, description="standard deviation of the differences, t C/ha")
    mdd_t_c_ha: float = Field(gt=0, le=1000, description="minimum detectable difference, t C/ha")
    alpha: float = Field(0.05, ge=1e-4, lt=0.5, description="significance level of the test")
    power: float = Field(0.90, gt=0.5, le=0.9999)
    two_sided: bool = True
    strata: list[StratumIn] = Field(default_factory=list, max_length=100)
    minimum_per_stratum: int = Field(2, ge=2, le=100)
    country_iso3: str | None = Field(None, pattern=r"^[A-Z]{3}$")

    @model_validator(mode="after")
    def _a_design_in_reach(self):
        if self.sd_t_c_ha > MAX_SD_PER_MDD * self.mdd_t_c_ha:
            raise ValueError(
                f"mdd_t_c_ha {self.mdd_t_c_ha:g} is below sd_t_c_ha / {MAX_SD_PER_MDD} "
                f"({self.sd_t_c_ha / MAX_SD_PER_MDD:g} t C/ha): it would take over 100,000 points"
            )
        return self


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


class ChangeIn(_Strict):
    stratum: str = Field(min_length=1)
    period: str = Field(min_length=1)
    area_ha: float = Field(gt=0, le=1e8)
    mean_t_c_ha: float = Field(ge=-1000, le=1000, description="SOC stock change over the period, t C/ha")
    se_t_c_ha: float = Field(ge=0, le=1000, description="its standard error, t C/ha")
    df: float = Field(gt=0, le=1e6, description="degrees of freedom of the estimate")


class CreditsIn(_Strict):
    scheme: SCHEME_IDS
    changes: list[ChangeIn] = Field(min_length=1, max_length=1000)
    country_iso3: str | None = Field(None, pattern=r"^[A-Z]{3}$")


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
        methods={"uncertainty": rule, "intervals": f"{CONFIDENCE:.0%} t intervals of the changes"},
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
        "interval": f"{CONFIDENCE:.0%} t interval of each change",
        "lines": [line.as_dict() for line in lines],
        "totals": {k: sum(getattr(line, k) for line in lines) for k in TOTALS},
    }
    return result, report


def report_pdf(report: verification_report.VerificationReport) -> bytes:
    """The verification report as PDF bytes."""
    with tempfile.TemporaryDirectory() as folder:
        paths = verification_report.write(report, folder)
        return Path(paths[1]).read_bytes()
