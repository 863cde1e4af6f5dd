"""Units of soil measurements and their conversion to canonical units.

Each quantity has an enum of accepted units; a member's ``factor`` multiplies a value in that unit to
give the canonical unit (the member with factor 1):

=================  ==========  ============================================================
quantity           canonical   accepted
=================  ==========  ============================================================
content            %           %, g/kg (÷10), mg/g (÷10), fraction (×100)
fraction           fraction    fraction, % (÷100)
stock              Mg/ha       Mg/ha (= t/ha), g/cm2 (×100), kg/m2 (×10)
bulk density       g/cm3       g/cm3, Mg/m3 (= t/m3), kg/m3 (÷1000)
mass               g           g, kg (×1000)
volume             cm3         cm3 (= mL), m3 (×10⁶)
depth              cm          cm, m (×100), mm (÷10)
=================  ==========  ============================================================

Unit text is read with superscripts as plain digits (``g cm⁻³`` = ``g cm-3``) and an element
qualifier dropped (``Mg C/ha`` = ``Mg/ha``, ``g C kg-1`` = ``g/kg``).

>>> ContentUnit.parse("g C/kg").factor
0.1
>>> convert(1.0, StockUnit.G_PER_CM2, StockUnit.MG_PER_HA)
100.0
"""

import re
from enum import StrEnum, nonmember

import numpy as np

from ..i18n import Number, Text

_PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻·", "0123456789- ")


class UnitError(ValueError):
    """A unit that is not accepted for a quantity; ``accepted`` lists those that are. The message
    (``args[0]``) is a :class:`~permille.i18n.Text`."""

    def __init__(self, text: str, unit_type: "type[Unit]"):
        self.accepted = tuple(u.value for u in unit_type)
        super().__init__(
            Text(
                "unknown unit {unit} for {quantity}; accepted: {accepted}",
                unit=repr(text),
                quantity=unit_type.quantity,
                accepted=", ".join(self.accepted),
            )
        )


_INTERVALS = {
    (False, False): "[{low}, {high}]", (True, False): "({low}, {high}]",
    (False, True): "[{low}, {high})", (True, True): "({low}, {high})",
}  # fmt: skip
"""(low open, high open) → the interval's catalogue message."""


def interval(low: float, high: float, *, low_open: bool = False, high_open: bool = False) -> Text:
    """The interval from ``low`` to ``high`` (``[0, 100]``, ``(0, 2.65]``) as a catalogue message, its
    bounds written as ``:g`` writes them with the reader's decimal sign (French ``]0 ; 2,65]``)."""
    return Text(_INTERVALS[low_open, high_open], low=Number(low, None), high=Number(high, None))


def _normalise(text: str) -> str:
    """Plain ASCII exponents, no element qualifier ('C'), single spaces, none around '/'."""
    text = str(text).translate(_PLAIN)
    text = re.sub(r"(?<![A-Za-z])C(?![A-Za-z])", " ", text)
    return re.sub(r"\s*/\s*", "/", " ".join(text.split()))


class Unit(StrEnum):
    """A unit symbol with its ``factor`` to the canonical unit of its quantity, and accepted aliases."""

    factor: float
    aliases: tuple[str, ...]

    def __new__(cls, symbol: str, factor: float, *aliases: str):
        member = str.__new__(cls, symbol)
        member._value_ = symbol
        member.factor = factor
        member.aliases = aliases
        return member

    @classmethod
    def parse(cls, text: "str | Unit") -> "Unit":
        """The member written as ``text`` (symbol or alias); :class:`UnitError` lists the accepted ones."""
        if isinstance(text, cls):
            return text
        key = _normalise(text)
        for unit in cls:
            names = (unit.value, *unit.aliases)
            # symbols match as written (Mg is not mg); words (percent, fraction) in any case
            if key in names or key.lower() in (n for n in names if len(n) > 3 and n.isalpha()):
                return unit
        raise UnitError(str(text), cls)

    @classmethod
    def canonical(cls) -> "Unit":
        """The canonical unit of the quantity (factor 1)."""
        return next(u for u in cls if u.factor == 1.0)


class ContentUnit(Unit):
    """Mass content of SOC, SOM, clay or sand in the fine earth; canonical %."""

    quantity = nonmember(Text("a content (SOC, SOM, clay, sand)"))
    PERCENT = "%", 1.0, "percent", "pct", "g/100g", "wt%"
    G_PER_KG = "g/kg", 0.1, "g kg-1"
    MG_PER_G = "mg/g", 0.1, "mg g-1"
    FRACTION = "fraction", 100.0, "g/g", "kg/kg"


class FractionUnit(Unit):
    """A share of a whole (coarse fragments in a sample); canonical fraction (0–1)."""

    quantity = nonmember(Text("a fraction"))
    FRACTION = "fraction", 1.0, "g/g", "kg/kg"
    PERCENT = "%", 0.01, "percent", "pct"


class StockUnit(Unit):
    """Carbon stock per area; canonical Mg C/ha (= t C/ha)."""

    quantity = nonmember(Text("a stock"))
    MG_PER_HA = "Mg/ha", 1.0, "Mg ha-1", "t/ha", "t ha-1"
    G_PER_CM2 = "g/cm2", 100.0, "g cm-2"
    KG_PER_M2 = "kg/m2", 10.0, "kg m-2"


class DensityUnit(Unit):
    """Bulk density; canonical g/cm3."""

    quantity = nonmember(Text("a bulk density"))
    G_PER_CM3 = "g/cm3", 1.0, "g cm-3", "g/cc", "g/ml", "g/mL"
    MG_PER_M3 = "Mg/m3", 1.0, "Mg m-3", "t/m3", "t m-3"
    KG_PER_M3 = "kg/m3", 1e-3, "kg m-3"


class MassUnit(Unit):
    """Mass; canonical g."""

    quantity = nonmember(Text("a mass"))
    G = "g", 1.0
    KG = "kg", 1000.0


class VolumeUnit(Unit):
    """Volume; canonical cm3."""

    quantity = nonmember(Text("a volume"))
    CM3 = "cm3", 1.0, "cc", "ml", "mL"
    M3 = "m3", 1e6


class DepthUnit(Unit):
    """Depth below the soil surface; canonical cm."""

    quantity = nonmember(Text("a depth"))
    CM = "cm", 1.0
    M = "m", 100.0
    MM = "mm", 0.1


def to_canonical(value, unit: Unit):
    """``value`` (a number or an array) given in ``unit``, in the canonical unit of its quantity."""
    return value * unit.factor if np.ndim(value) == 0 else np.asarray(value, dtype=float) * unit.factor


def convert(value, unit: Unit, to: Unit):
    """``value`` (a number or an array) from ``unit`` to ``to``, two units of the same quantity."""
    if type(unit) is not type(to):
        raise UnitError(str(to), type(unit))
    return to_canonical(value, unit) / to.factor
