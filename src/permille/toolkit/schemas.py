"""The inputs of the toolkit's calculators, validated at the boundary (pydantic; every problem at once).

Light on purpose — pydantic and the project-file schema only — so that the API can declare its request
bodies without importing the numerical code, which runs in the toolkit's worker processes
(:mod:`permille.toolkit.pool`). Limits per request: :mod:`permille.toolkit.limits`.

Stocks t C/ha, inputs t C/ha/yr, climate °C and mm/month, depths cm, areas ha.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..i18n import Number, Text
from ..io.project_file import ProjectIn
from . import limits
from .limits import beyond

Temperature = Annotated[float, Field(ge=-60, le=60)]
Millimetres = Annotated[float, Field(ge=0, le=10_000)]
Iso3 = Annotated[str | None, Field(None, pattern=r"^[A-Z]{3}$")]
SCHEME_IDS = Literal["vm0042", "au-soil-carbon", "label-bas-carbone", "4p1000"]
INTERPOLATIONS = Literal["natural_spline", "fmm_hyman", "linear"]  # permille.measure.esm.Interpolation
MAX_SD_PER_MDD = 100  # sd / MDD above this needs more than ~10⁵ points: refused


def _bounded_text(data: Any) -> Any:
    """Refuse any text over :data:`~permille.toolkit.limits.MAX_TEXT_CHARS` (a report draws it)."""
    refusal = limits.text_refusal(data)
    if refusal:
        raise ValueError(refusal)
    return data


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    _text = model_validator(mode="before")(_bounded_text)


# --- RothC scenario --------------------------------------------------------------------------------------


class MonthlyClimate(_Strict):
    """Monthly normals, January to December: mean air temperature (°C), precipitation and potential
    evapotranspiration (mm/month; RothC's open-pan evaporation is PET / 0.75)."""

    temperature_c: list[Temperature] = Field(min_length=12, max_length=12)
    precipitation_mm: list[Millimetres] = Field(min_length=12, max_length=12)
    pet_mm: list[Millimetres] = Field(min_length=12, max_length=12)


class RothcScenarioIn(_Strict):
    """A RothC scenario for a site (:func:`permille.toolkit.rothc.scenario`)."""

    clay_pct: float = Field(ge=0, le=100, description="clay content, %")
    depth_cm: float = Field(30.0, gt=0, le=100, description="depth modelled, cm")
    soc_t_c_ha: float = Field(gt=0, le=1000, description="SOC stock now (0–depth_cm), t C/ha")
    climate: MonthlyClimate | None = Field(None, description="monthly normals; or give climate_preset")
    climate_preset: Literal["rothamsted"] | None = None
    plant_cover: list[Annotated[int, Field(ge=0, le=1)]] = Field(
        default=[1] * 12, min_length=12, max_length=12, description="1 = soil covered that month"
    )
    dpm_rpm: float = Field(1.44, gt=0, le=10, description="DPM/RPM ratio of the plant input")
    baseline_input_t_c_ha_yr: float | None = Field(
        None, ge=0, le=50, description="plant input today, t C/ha/yr; absent: the input sustaining the stock"
    )
    input_change_pct: float = Field(20.0, ge=-100, le=500, description="scenario input vs baseline, %")
    start_year: int = Field(2025, ge=1800, le=2200, description="year of the stock (31 December)")
    years: int = Field(20, ge=1, description=f"at most {limits.MAX_ROTHC_YEARS}")
    draws: int = Field(
        200, ge=0, description=f"Monte Carlo draws (0: central values only), at most {limits.MAX_ROTHC_DRAWS}"
    )
    seed: int = Field(0, ge=0)
    input_uncertainty_pct: float = Field(20.0, ge=0, le=100, description="± % (95 %) of the inputs")
    clay_uncertainty_pct: float = Field(10.0, ge=0, le=100, description="± % (95 %) of clay")
    temperature_uncertainty_c: float = Field(1.0, ge=0, le=10, description="± °C (95 %) on every month")
    precipitation_uncertainty_pct: float = Field(10.0, ge=0, le=100, description="± % (95 %)")
    country_iso3: Iso3

    @field_validator("years")
    @classmethod
    def _years_limit(cls, v):
        if v > limits.MAX_ROTHC_YEARS:
            raise ValueError(beyond("MAX_ROTHC_YEARS", Text("years"), v))
        return v

    @field_validator("draws")
    @classmethod
    def _draws_limit(cls, v):
        if v > limits.MAX_ROTHC_DRAWS:
            raise ValueError(beyond("MAX_ROTHC_DRAWS", Text("draws"), v))
        return v

    @model_validator(mode="after")
    def _one_climate(self):
        if (self.climate is None) == (self.climate_preset is None):
            raise ValueError(
                Text("give either climate (monthly normals) or climate_preset, not both or neither")
            )
        if sum(self.plant_cover) == 0:
            raise ValueError(Text("plant_cover: at least one covered month receives the plant input"))
        return self

    def monthly_climate(self) -> MonthlyClimate:
        from .rothc import climate_presets  # reads the bundled RothC file (pandas): in the worker

        return self.climate or climate_presets()[self.climate_preset]


# --- project balance -------------------------------------------------------------------------------------


class BalanceIn(ProjectIn):
    """A project document (the schema of project files, ``examples/project.yaml``)."""

    country_iso3: Iso3

    _text = model_validator(mode="before")(_bounded_text)

    @field_validator("monte_carlo")
    @classmethod
    def _draws_for_a_request(cls, v):
        if v.draws > limits.MAX_BALANCE_DRAWS:
            raise ValueError(beyond("MAX_BALANCE_DRAWS", Text("number of draws"), v.draws))
        return v

    @field_validator("areas")
    @classmethod
    def _areas_for_a_request(cls, v):
        if len(v) > limits.MAX_BALANCE_AREAS:
            raise ValueError(beyond("MAX_BALANCE_AREAS", Text("number of areas"), len(v)))
        return v

    @model_validator(mode="after")
    def _work_for_a_request(self):
        years = self.last_year - self.first_year + 1
        if years > limits.MAX_BALANCE_YEARS:
            raise ValueError(beyond("MAX_BALANCE_YEARS", Text("years (last_year − first_year + 1)"), years))
        periods = [p.year for a in self.areas for scenario in (a.baseline, a.project) for p in scenario]
        earliest = min([self.first_year, *periods])
        if earliest < limits.MIN_YEAR or self.last_year > limits.MAX_YEAR:
            raise ValueError(
                Text(
                    "years from {earliest} to {last}: periods, first_year and last_year must lie within "
                    "{lowest}–{highest} (limits MIN_YEAR, MAX_YEAR)",
                    earliest=earliest,
                    last=self.last_year,
                    lowest=limits.MIN_YEAR,
                    highest=limits.MAX_YEAR,
                )
            )
        simulated = self.last_year - earliest + 1  # the models run from the earliest period
        work = max(self.monte_carlo.draws, 1) * len(self.areas) * max(simulated, 1)
        if work > limits.MAX_BALANCE_WORK:
            raise ValueError(
                beyond(
                    "MAX_BALANCE_WORK",
                    Text("draws × areas × simulated years (earliest period to last_year)"),
                    work,
                )
            )
        return self


# --- stocks ----------------------------------------------------------------------------------------------


def _cumbria_mapping() -> dict[str, Any]:
    from ..io.soil_import import CUMBRIA_HEDGEROWS

    return dict(CUMBRIA_HEDGEROWS)


class StocksIn(_Strict):
    """Options of the stocks calculator (the CSV comes as an upload beside them)."""

    mapping: dict[str, Any] = Field(
        default_factory=_cumbria_mapping,
        description="column mapping of permille.io.soil_import (field → column, with units)",
    )
    depths_cm: list[Annotated[float, Field(gt=0, le=500)]] = Field(default=[30.0], min_length=1)
    method: INTERPOLATIONS = "natural_spline"
    country_iso3: Iso3

    @field_validator("depths_cm")
    @classmethod
    def _increasing(cls, v):
        if len(v) > limits.MAX_STOCKS_DEPTHS:
            raise ValueError(beyond("MAX_STOCKS_DEPTHS", Text("number of depths"), len(v)))
        if any(b <= a for a, b in zip(v, v[1:], strict=False)):
            raise ValueError(Text("depths {depths} must be strictly increasing", depths=v))
        return v


# --- sampling design -------------------------------------------------------------------------------------


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
    strata: list[StratumIn] = Field(default_factory=list)
    minimum_per_stratum: int = Field(2, ge=2, le=100)
    country_iso3: Iso3

    @field_validator("strata")
    @classmethod
    def _strata_limit(cls, v):
        if len(v) > limits.MAX_SAMPLING_STRATA:
            raise ValueError(beyond("MAX_SAMPLING_STRATA", Text("number of strata"), len(v)))
        return v

    @model_validator(mode="after")
    def _a_design_in_reach(self):
        if self.sd_t_c_ha > MAX_SD_PER_MDD * self.mdd_t_c_ha:
            raise ValueError(
                Text(
                    "mdd_t_c_ha {mdd:g} is below sd_t_c_ha / {ratio} ({smallest:g} t C/ha): it would take "
                    "over {points} points",
                    mdd=self.mdd_t_c_ha,
                    ratio=MAX_SD_PER_MDD,
                    smallest=self.sd_t_c_ha / MAX_SD_PER_MDD,
                    points=Number(100_000, 0),
                )
            )
        return self


# --- credits ---------------------------------------------------------------------------------------------


class ChangeIn(_Strict):
    stratum: str = Field(min_length=1)
    period: str = Field(min_length=1)
    area_ha: float = Field(gt=0, le=1e8)
    mean_t_c_ha: float = Field(ge=-1000, le=1000, description="SOC stock change over the period, t C/ha")
    se_t_c_ha: float = Field(ge=0, le=1000, description="its standard error, t C/ha")
    df: float = Field(gt=0, le=1e6, description="degrees of freedom of the estimate")


class CreditsIn(_Strict):
    scheme: SCHEME_IDS
    changes: list[ChangeIn] = Field(min_length=1)
    country_iso3: Iso3

    @field_validator("changes")
    @classmethod
    def _changes_limit(cls, v):
        if len(v) > limits.MAX_CREDIT_CHANGES:
            raise ValueError(beyond("MAX_CREDIT_CHANGES", Text("number of changes"), len(v)))
        return v
