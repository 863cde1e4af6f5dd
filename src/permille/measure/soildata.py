"""Soil data model in the spirit of ISO 28258 / GloSIS: site → profile → layer → sample → result.

A :class:`Site` is a location or a stratum with an optional field (treatment) label; its
:class:`Profile` is a sampled plot or core with the date of sampling; a :class:`Layer` spans depths in
cm; its :class:`Sample` (possibly a composite of cores) carries :class:`Result` values, each a measured
property in its own unit (kept as measured; :meth:`Result.canonical` converts).

The models are frozen pydantic models that refuse unknown fields. Validating a whole
:class:`SoilData` reports every field problem at once; a check across fields of a model (depth order,
overlapping layers, ranges in canonical units) lists all its problems, and runs once the fields it
needs are valid. Importers that report by file row share the checks :func:`value_problem`,
:func:`depth_order_problem` and :func:`overlapping`. Their messages, and those of the layers' checks, are
catalogue messages (:class:`permille.i18n.Text`), written in the reader's language by the API.
"""

import datetime
import math
from enum import StrEnum
from itertools import combinations
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..i18n import Number, Text, joined
from .units import ContentUnit, DensityUnit, FractionUnit, MassUnit, StockUnit, Unit, VolumeUnit, interval

if TYPE_CHECKING:
    import pandas as pd

# One row per layer, canonical units: %, %, g/cm3, fraction (0–1), g, cm3.
FRAME_COLUMNS = (
    "site",
    "field",
    "profile",
    "date",
    "upper_cm",
    "lower_cm",
    "soc_pct",
    "som_pct",
    "bd_g_cm3",
    "coarse_frac",
    "fine_mass_g",
    "volume_cm3",
)


class Property(StrEnum):
    """A measured soil property; ``bd`` is accepted for ``bulk_density``."""

    SOC = "soc"  # organic carbon content of the fine earth
    SOM = "som"  # organic matter content of the fine earth
    BULK_DENSITY = "bulk_density"
    COARSE_FRACTION = "coarse_fraction"  # mass share of fragments > 2 mm
    FINE_MASS = "fine_mass"  # oven-dry mass of the fine earth (< 2 mm) in the sample
    CORE_VOLUME = "core_volume"  # volume of the sampled core
    CLAY = "clay"
    SAND = "sand"
    SOC_STOCK = "soc_stock"  # organic carbon stock of the layer, as reported (e.g. long-term experiments)

    @classmethod
    def _missing_(cls, value):
        key = str(value).strip().lower()
        return cls.BULK_DENSITY if key == "bd" else next((p for p in cls if p.value == key), None)

    @property
    def unit_type(self) -> type[Unit]:
        """The enum of units accepted for the property."""
        return _UNIT_TYPE[self]


_UNIT_TYPE: dict[Property, type[Unit]] = {
    Property.SOC: ContentUnit,
    Property.SOM: ContentUnit,
    Property.BULK_DENSITY: DensityUnit,
    Property.COARSE_FRACTION: FractionUnit,
    Property.FINE_MASS: MassUnit,
    Property.CORE_VOLUME: VolumeUnit,
    Property.CLAY: ContentUnit,
    Property.SAND: ContentUnit,
    Property.SOC_STOCK: StockUnit,
}

# Plausible range in the canonical unit: (low, low included, high, high included).
_RANGE: dict[Property, tuple[float, bool, float, bool]] = {
    Property.SOC: (0.0, True, 100.0, True),
    Property.SOM: (0.0, True, 100.0, True),
    Property.BULK_DENSITY: (0.0, False, 2.65, True),
    Property.COARSE_FRACTION: (0.0, True, 1.0, True),
    Property.FINE_MASS: (0.0, True, math.inf, False),
    Property.CORE_VOLUME: (0.0, False, math.inf, False),
    Property.CLAY: (0.0, True, 100.0, True),
    Property.SAND: (0.0, True, 100.0, True),
    Property.SOC_STOCK: (0.0, True, 5000.0, True),
}

_COLUMN: dict[Property, str] = {
    Property.SOC: "soc_pct",
    Property.SOM: "som_pct",
    Property.BULK_DENSITY: "bd_g_cm3",
    Property.COARSE_FRACTION: "coarse_frac",
    Property.FINE_MASS: "fine_mass_g",
    Property.CORE_VOLUME: "volume_cm3",
}


def value_problem(prop: Property, value: float) -> Text | None:
    """Why ``value`` (in the canonical unit of ``prop``) is not plausible (a catalogue message), or None."""
    low, low_in, high, high_in = _RANGE[prop]
    ok = (value >= low if low_in else value > low) and (value <= high if high_in else value < high)
    if ok:
        return None
    return Text(
        "{property} {value} {unit} is outside {interval} {unit}",
        property=prop.value,
        value=Number(value, None),
        unit=str(prop.unit_type.canonical()),
        interval=interval(low, high, low_open=not low_in, high_open=not high_in),
    )


def depth_order_problem(upper_cm: float, lower_cm: float) -> Text | None:
    """Why a layer's depths (cm) are not in order (a catalogue message), or None."""
    if upper_cm < lower_cm:
        return None
    return Text(
        "upper depth {upper} cm is not above lower depth {lower} cm",
        upper=Number(upper_cm, None),
        lower=Number(lower_cm, None),
    )


def overlapping(layers: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of (upper, lower) depth intervals that share more than a boundary."""
    return [
        (i, j) for (i, (u1, l1)), (j, (u2, l2)) in combinations(enumerate(layers), 2) if u1 < l2 and u2 < l1
    ]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Result(_Frozen):
    """One measured value of a property, in ``unit`` (one of ``property.unit_type``)."""

    property: Property
    method: str = ""
    unit: ContentUnit | FractionUnit | DensityUnit | MassUnit | VolumeUnit | StockUnit
    value: float = Field(allow_inf_nan=False)
    uncertainty: float | None = Field(None, ge=0, allow_inf_nan=False, description="± in ``unit``")

    @field_validator("unit", mode="before")
    @classmethod
    def _unit_of_property(cls, unit, info: ValidationInfo):
        prop = info.data.get("property")
        return prop.unit_type.parse(unit) if prop is not None else unit

    @model_validator(mode="after")
    def _plausible(self):
        problem = value_problem(self.property, self.canonical())
        if problem:
            raise ValueError(problem)
        return self

    def canonical(self) -> float:
        """The value in the canonical unit of the property (%, g/cm3, fraction, g, cm3 or Mg/ha)."""
        return self.value * self.unit.factor


class Sample(_Frozen):
    """What was analysed for a layer: ``composite`` cores bulked into one sample; one result per property."""

    id: str = Field(min_length=1)
    composite: int = Field(1, ge=1)
    results: tuple[Result, ...] = ()

    @field_validator("results")
    @classmethod
    def _one_per_property(cls, results):
        props = [r.property for r in results]
        repeated = sorted({p.value for p in props if props.count(p) > 1})
        if repeated:
            raise ValueError(f"more than one result for: {', '.join(repeated)}")
        return results

    def result(self, prop: Property | str) -> Result | None:
        """The result for ``prop``, or None."""
        prop = Property(prop)
        return next((r for r in self.results if r.property is prop), None)


class Layer(_Frozen):
    """A depth interval of a profile, in cm below the surface (upper < lower), and its sample."""

    upper_cm: float = Field(ge=0, allow_inf_nan=False)
    lower_cm: float = Field(gt=0, allow_inf_nan=False)
    sample: Sample

    @model_validator(mode="after")
    def _depth_order(self):
        problem = depth_order_problem(self.upper_cm, self.lower_cm)
        if problem:
            raise ValueError(problem)
        return self


class Profile(_Frozen):
    """A sampled plot or core: its layers do not overlap."""

    id: str = Field(min_length=1)
    date: datetime.date | None = None
    layers: tuple[Layer, ...]

    @field_validator("layers")
    @classmethod
    def _no_overlap(cls, layers):
        if not layers:
            raise ValueError(Text("a profile has at least one layer"))
        depths = [(layer.upper_cm, layer.lower_cm) for layer in layers]
        pairs = [
            Text(
                "{upper}–{lower} and {other_upper}–{other_lower} cm",
                upper=Number(depths[i][0], None),
                lower=Number(depths[i][1], None),
                other_upper=Number(depths[j][0], None),
                other_lower=Number(depths[j][1], None),
            )
            for i, j in overlapping(depths)
        ]
        if pairs:
            raise ValueError(Text("overlapping layers: {pairs}", pairs=joined(pairs)))
        return layers


class Site(_Frozen):
    """A location or stratum (WGS84 lon/lat, degrees) with an optional field or treatment label."""

    id: str = Field(min_length=1)
    field: str | None = None
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    profiles: tuple[Profile, ...]

    @model_validator(mode="after")
    def _checks(self):
        problems = [] if self.profiles else ["a site has at least one profile"]
        if (self.lon is None) != (self.lat is None):
            problems.append("give both lon and lat, or neither")
        ids = [p.id for p in self.profiles]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            problems.append(f"profile ids repeated: {', '.join(repeated)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class SoilData(_Frozen):
    """Sites, each identified by its id and field label together."""

    sites: tuple[Site, ...] = ()

    @field_validator("sites")
    @classmethod
    def _unique(cls, sites):
        keys = [(s.id, s.field) for s in sites]
        repeated = sorted({f"{i}" + (f" ({f})" if f else "") for i, f in keys if keys.count((i, f)) > 1})
        if repeated:
            raise ValueError(f"sites repeated: {', '.join(repeated)}")
        return sites

    def to_frame(self) -> "pd.DataFrame":
        """One row per layer with :data:`FRAME_COLUMNS`, values in canonical units, NaN where absent."""
        import pandas as pd  # loaded on first use: the registry's schemas import this module

        rows = []
        for site in self.sites:
            for profile in site.profiles:
                for layer in profile.layers:
                    row = dict.fromkeys(FRAME_COLUMNS, math.nan)
                    row.update(
                        site=site.id,
                        field=site.field,
                        profile=profile.id,
                        date=profile.date,
                        upper_cm=layer.upper_cm,
                        lower_cm=layer.lower_cm,
                    )
                    for result in layer.sample.results:
                        if result.property in _COLUMN:
                            row[_COLUMN[result.property]] = result.canonical()
                    rows.append(row)
        frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
        frame["date"] = pd.to_datetime(frame["date"])
        numbers = list(FRAME_COLUMNS[4:])
        frame[numbers] = frame[numbers].astype(float)
        return frame
