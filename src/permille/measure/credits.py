"""The credit chain: measured SOC change → t CO2e → uncertainty deduction → leakage → buffer → issuable
credits, per stratum and period, with every intermediate number kept.

Amounts are t CO2e over the stratum's area (1 t C = 44/12 t CO2e); stocks t C/ha.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ..i18n import Text, joined
from . import sampling
from .schemes import SchemeProfile, UncertaintyRule

CO2_PER_C = 44.0 / 12.0


@dataclass(frozen=True)
class ChangeEstimate:
    """An estimated SOC stock change of a stratum (or the whole project) over a period.

    mean and se in t C/ha over the period; df: degrees of freedom of the estimate (Satterthwaite for a
    stratified mean); area in ha.
    """

    stratum: str
    period: str
    area_ha: float
    mean_t_c_ha: float
    se_t_c_ha: float
    df: float

    def __post_init__(self):
        problems = []
        if not self.area_ha > 0:
            problems.append(Text("{name} = {value} must be > 0", name="area_ha", value=self.area_ha))
        if not self.se_t_c_ha >= 0:
            problems.append(Text("{name} = {value} must be ≥ 0", name="se_t_c_ha", value=self.se_t_c_ha))
        if not self.df > 0:
            problems.append(Text("{name} = {value} must be > 0", name="df", value=self.df))
        if self.mean_t_c_ha != self.mean_t_c_ha:
            problems.append(Text("mean_t_c_ha is NaN"))
        if problems:
            raise ValueError(
                Text(
                    "change estimate {stratum} {period}: {problems}",
                    stratum=repr(self.stratum),
                    period=self.period,
                    problems=joined(problems),
                )
            )


@dataclass(frozen=True)
class CreditLine:
    """Every step of the chain for one stratum and period."""

    stratum: str
    period: str
    area_ha: float
    mean_t_c_ha: float
    se_t_c_ha: float
    df: float
    rule: str  # the scheme's uncertainty rule, e.g. "poe 0.667"
    quantile: float  # the t quantile used
    conservative_t_c_ha: float  # the change kept after the uncertainty rule (≥ 0)
    gross_t_co2e: float  # mean change × area × 44/12
    uncertainty_deduction_t_co2e: float
    after_uncertainty_t_co2e: float
    leakage_t_co2e: float
    after_leakage_t_co2e: float
    buffer_t_co2e: float
    issuable_t_co2e: float

    def as_dict(self) -> dict:
        return asdict(self)


def conservative_change(estimate: ChangeEstimate, scheme: SchemeProfile) -> tuple[float, float, str]:
    """The change kept by the scheme's uncertainty rule (t C/ha, never below 0), the t quantile used, and
    the rule as text. ``poe``: the lower bound at the scheme's probability of exceedance; ``ci90_halfwidth``:
    mean × (1 − min(1, h)) with h the 90 % half-width as a fraction of the mean; ``none``: the mean."""
    u = scheme.uncertainty
    mean = estimate.mean_t_c_ha
    stats = sampling.Estimate(mean, estimate.se_t_c_ha**2, estimate.se_t_c_ha, estimate.df)
    if u.rule is UncertaintyRule.POE:
        bound = sampling.lower_bound(stats, u.probability)
        kept, q, text = bound.value, bound.quantile, f"poe {u.probability:.3g}"
    elif u.rule is UncertaintyRule.CI90_HALFWIDTH:
        if mean > 0:
            h = sampling.ci_half_width_pct(stats, 0.90)
            kept, q = mean * (1.0 - min(1.0, h.value / 100.0)), h.quantile
        else:
            kept, q = 0.0, float("nan")
        text = "ci90 half-width"
    else:
        kept, q, text = mean, 0.0, "none"
    return max(kept, 0.0), q, text


def credit_chain(estimates: Sequence[ChangeEstimate], scheme: SchemeProfile) -> list[CreditLine]:
    """Apply the scheme to each estimate; a change whose conservative value is ≤ 0 earns nothing."""
    lines = []
    for e in estimates:
        kept, q, rule = conservative_change(e, scheme)
        gross = e.mean_t_c_ha * e.area_ha * CO2_PER_C
        after_uncertainty = kept * e.area_ha * CO2_PER_C
        leakage = after_uncertainty * scheme.leakage_pct / 100.0
        after_leakage = after_uncertainty - leakage
        buffer = after_leakage * scheme.buffer_pct / 100.0
        lines.append(
            CreditLine(
                stratum=e.stratum,
                period=e.period,
                area_ha=e.area_ha,
                mean_t_c_ha=e.mean_t_c_ha,
                se_t_c_ha=e.se_t_c_ha,
                df=e.df,
                rule=rule,
                quantile=q,
                conservative_t_c_ha=kept,
                gross_t_co2e=gross,
                uncertainty_deduction_t_co2e=gross - after_uncertainty,
                after_uncertainty_t_co2e=after_uncertainty,
                leakage_t_co2e=leakage,
                after_leakage_t_co2e=after_leakage,
                buffer_t_co2e=buffer,
                issuable_t_co2e=after_leakage - buffer,
            )
        )
    return lines
