"""Project files (YAML or JSON) for the soil carbon balance, validated at the boundary with pydantic.

Categories may be written as the enum name (``no_tillage``… case and spaces ignored) or as the IPCC
label (``no tillage``). Every problem of a file is reported at once, with where it is.
"""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..i18n import Text, joined
from ..models.ipcc import tier1
from ..models.ipcc.categories import (
    CarbonInput,
    ClimateZone,
    GrasslandManagement,
    Guidelines,
    LandUse,
    SoilClass,
    Tillage,
)

if TYPE_CHECKING:
    from ..models import balance


SCENARIOS = {"baseline": Text("baseline"), "project": Text("project")}
"""The two scenarios of an area, as words of the reader's language."""


class ProjectFileError(ValueError):
    """A project file that cannot be used; the message lists every problem and where it is."""


def _category(enum: type[StrEnum]):
    """Accept an enum member by value or by name, ignoring case, spaces, '-' and '_'."""

    def key(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    lookup = {key(m.value): m for m in enum} | {key(m.name): m for m in enum}

    def parse(value: Any):
        if isinstance(value, enum):
            return value
        found = lookup.get(key(str(value)))
        if found is None:
            names = ", ".join(m.name.lower() for m in enum)
            raise ValueError(
                Text(
                    "unknown {category} {value}; one of: {names}",
                    category=enum.__name__,
                    value=repr(value),
                    names=names,
                )
            )
        return found

    return BeforeValidator(parse)


Fraction = Annotated[float, Field(gt=0, lt=1)]
Twelve = Annotated[list[float], Field(min_length=12, max_length=12)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PeriodIn(_Strict):
    year: int = Field(description="first year of the period (from 1 January)")
    land_use: Annotated[LandUse, _category(LandUse)]
    tillage: Annotated[Tillage, _category(Tillage)] = Tillage.FULL
    grazing: Annotated[GrasslandManagement, _category(GrasslandManagement)] = GrasslandManagement.NOMINAL
    carbon_input: Annotated[CarbonInput, _category(CarbonInput)] = CarbonInput.MEDIUM
    plant_input_t_c_ha: float = Field(0.0, ge=0, le=50, description="residues + roots to soil, t C/ha/yr")
    manure_t_c_ha: float = Field(0.0, ge=0, le=50, description="t C/ha/yr")
    lignin: Fraction = 0.073
    nitrogen: Fraction = 0.0083
    plant_cover: list[Annotated[int, Field(ge=0, le=1)]] = Field(
        default=[1] * 12, min_length=12, max_length=12
    )
    drained: Annotated[tier1.DrainedLandUse, _category(tier1.DrainedLandUse)] | None = Field(
        None, description="organic soils: the drained land use; absent if undrained or rewetted"
    )
    organic_subcategory: Annotated[tier1.OrganicSubcategory, _category(tier1.OrganicSubcategory)] = (
        tier1.OrganicSubcategory.ANY
    )

    def to_model(self) -> "balance.Management":
        from ..models import balance  # numba kernels: loaded when a project is run, not when a file is read

        practice = tier1.Practice(self.land_use, self.tillage, self.grazing, self.carbon_input)
        return balance.Management(
            self.year,
            practice,
            self.plant_input_t_c_ha,
            self.manure_t_c_ha,
            self.lignin,
            self.nitrogen,
            tuple(self.plant_cover),
            self.drained,
            self.organic_subcategory,
        )


class ClimateIn(_Strict):
    temperature_c: Twelve
    precipitation_mm: Twelve
    pet_mm: Twelve

    @field_validator("temperature_c")
    @classmethod
    def _plausible_temperature(cls, v):
        bad = [
            Text("month {month}: {value}", month=i + 1, value=t)
            for i, t in enumerate(v)
            if not -60 <= t <= 60
        ]
        if bad:
            raise ValueError(
                Text("monthly mean temperature outside −60…60 °C: {months}", months=joined(bad, commas=True))
            )
        return v

    @field_validator("precipitation_mm", "pet_mm")
    @classmethod
    def _non_negative(cls, v):
        bad = [
            Text("month {month}: {value}", month=i + 1, value=x)
            for i, x in enumerate(v)
            if not 0 <= x <= 10_000
        ]
        if bad:
            raise ValueError(
                Text("monthly totals must be within 0…10,000 mm: {months}", months=joined(bad, commas=True))
            )
        return v


class AreaIn(_Strict):
    name: str
    area_ha: float = Field(gt=0)
    area_uncertainty_pct: float = Field(0.0, ge=0, le=100, description="± % (95 %)")
    climate_zone: Annotated[ClimateZone, _category(ClimateZone)]
    soil_class: Annotated[SoilClass, _category(SoilClass)]
    clay_pct: float = Field(ge=0, le=100)
    sand_pct: float = Field(ge=0, le=100)
    input_uncertainty_pct: float = Field(
        0.0, ge=0, le=100, description="± % (95 %) of plant and manure inputs"
    )
    organic_soc_t_c_ha: float | None = Field(
        None,
        gt=0,
        description="organic soil: SOC at the start of the project, t C/ha (mineral soil if absent)",
    )
    climate: ClimateIn
    baseline: list[PeriodIn] = Field(min_length=1)
    project: list[PeriodIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _texture_and_order(self):
        problems = []
        if self.clay_pct + self.sand_pct > 100:
            total = self.clay_pct + self.sand_pct
            problems.append(Text("clay_pct + sand_pct = {total:g} % exceeds 100 %", total=total))
        for scenario in ("baseline", "project"):
            years = [p.year for p in getattr(self, scenario)]
            if any(b <= a for a, b in zip(years, years[1:], strict=False)):
                problems.append(
                    Text(
                        "{scenario}: period years {years} must be strictly increasing",
                        scenario=SCENARIOS[scenario],
                        years=years,
                    )
                )
        if problems:
            raise ValueError(joined(problems))
        return self

    def to_model(self) -> "balance.Area":
        from ..models import balance  # numba kernels: loaded when a project is run, not when a file is read

        c = self.climate
        return balance.Area(
            name=self.name,
            area_ha=self.area_ha,
            zone=self.climate_zone,
            soil_class=self.soil_class,
            clay=self.clay_pct,
            sand=self.sand_pct,
            climate=balance.Climate(c.temperature_c, c.precipitation_mm, c.pet_mm),
            baseline=tuple(p.to_model() for p in self.baseline),
            project=tuple(p.to_model() for p in self.project),
            area_uncertainty_pct=self.area_uncertainty_pct,
            input_uncertainty_pct=self.input_uncertainty_pct,
            organic_soc_t_c_ha=self.organic_soc_t_c_ha,
        )


class MonteCarloIn(_Strict):
    draws: int = Field(1000, ge=0, le=200_000)
    seed: int = 0


class ProjectIn(_Strict):
    name: str
    first_year: int
    last_year: int
    guidelines: Annotated[Guidelines, _category(Guidelines)] = Guidelines.IPCC_2019
    monte_carlo: MonteCarloIn = MonteCarloIn()
    areas: list[AreaIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _periods(self):
        problems = []
        if self.last_year < self.first_year:
            problems.append(
                Text(
                    "last_year {last} is before first_year {first}",
                    last=self.last_year,
                    first=self.first_year,
                )
            )
        for a in self.areas:
            for scenario in ("baseline", "project"):
                if getattr(a, scenario)[0].year >= self.first_year:
                    problems.append(
                        Text(
                            "area {area}: {scenario}: the first period must start before first_year ({first}), "
                            "so that the stock at the start is known",
                            area=repr(a.name),
                            scenario=SCENARIOS[scenario],
                            first=self.first_year,
                        )
                    )
        if problems:
            raise ValueError(joined(problems))
        return self

    def to_model(self) -> "balance.Project":
        from ..models import balance  # numba kernels: loaded when a project is run, not when a file is read

        return balance.Project(
            self.name,
            tuple(a.to_model() for a in self.areas),
            self.first_year,
            self.last_year,
            self.guidelines,
        )


def _where(loc: tuple, data: dict) -> str:
    """A readable location: areas[0] ('field A') → baseline[1] → tillage."""
    parts, node = [], data
    for item in loc:
        if isinstance(item, int):
            name = node[item].get("name") if isinstance(node, list) and isinstance(node[item], dict) else None
            parts[-1] += f"[{item}]" + (f" ({name!r})" if name else "")
            node = node[item] if isinstance(node, list) and item < len(node) else {}
        else:
            parts.append(str(item))
            node = node.get(item, {}) if isinstance(node, dict) else {}
    return " → ".join(parts) or "file"


def parse_project(data: Any, source: str = "project") -> ProjectIn:
    """Validate a project given as a mapping; raises :class:`ProjectFileError` listing every problem."""
    try:
        return ProjectIn.model_validate(data)
    except ValidationError as e:
        lines = [f"{_where(err['loc'], data)}: {err['msg']}" for err in e.errors()]
        raise ProjectFileError(
            f"{source}: {len(lines)} problem(s):\n" + "\n".join(f"  - {x}" for x in lines)
        ) from None


def read_project(path: str | Path) -> ProjectIn:
    """Read a YAML or JSON project file (JSON is YAML) and validate it."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ProjectFileError(f"{path}: cannot be read: {e.strerror}") from e
    except yaml.YAMLError as e:
        raise ProjectFileError(f"{path}: not valid YAML/JSON: {e}") from e
    if not isinstance(data, dict):
        raise ProjectFileError(f"{path}: expected a mapping with name, first_year, last_year, areas")
    return parse_project(data, str(path))
