"""Soil organic carbon stocks of sampled layers: fixed depth, core mass, unit conversions, harmonisation to
standard depth intervals and input checks.

Units: depths in cm (positive downwards from the mineral surface), SOC and SOM contents in % (g per 100 g
of fine earth, < 2 mm), bulk densities in g cm⁻³, masses per area in g cm⁻², stocks in t C/ha (= Mg C/ha;
1 g cm⁻² = 100 t/ha). Coarse fragments (> 2 mm) are a volume fraction 0–1 of the layer.

The fixed-depth stock is SOC × BD × thickness × (1 − coarse fraction) with BD the density of the fine earth
in the volume it occupies; Poeplau, Vos & Don (2017, SOIL, doi:10.5194/soil-3-61-2017) show why the fine
earth's mass, not the whole soil's, must enter the stock. The standard intervals are those of the
GlobalSoilMap specifications (Arrouays et al. 2014, Adv. Agron., doi:10.1016/B978-0-12-800137-0.00003-0).
"""

import numpy as np

from ..i18n import Number, Text, joined
from .units import StockUnit, interval, to_canonical

VAN_BEMMELEN = 0.58
"""SOC / SOM mass ratio of the van Bemmelen factor (SOM = 1.724 × SOC); Pribyl (2010, Geoderma,
doi:10.1016/j.geoderma.2010.02.003) argues that 0.5 is closer to most soils."""

MAX_BULK_DENSITY = 2.65
"""Upper bound of a bulk density, g cm⁻³: the particle density of quartz (a soil with no pores)."""

TOPSOIL_0_30 = ((0.0, 30.0),)
"""The 0–30 cm topsoil interval of IPCC Tier 1 inventories, cm."""

GLOBALSOILMAP_INTERVALS = ((0.0, 5.0), (5.0, 15.0), (15.0, 30.0), (30.0, 60.0), (60.0, 100.0), (100.0, 200.0))
"""The six GlobalSoilMap depth intervals, cm."""

"""1 t/ha = 10⁶ g / 10⁸ cm² = 0.01 g cm⁻²."""


def _floats(*arrays) -> list[np.ndarray]:
    """The arguments as float arrays broadcast to one shape (at least 1-D)."""
    return [np.atleast_1d(a) for a in np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in arrays))]


def _out_of_range(name, values, labels, low, high, *, low_open=False, high_open=True) -> list[Text]:
    """One message per NaN or out-of-range value of field ``name``, prefixed by the layer's label."""
    bounds = interval(low, high, low_open=low_open, high_open=high_open)
    too_low = values <= low if low_open else values < low
    too_high = values >= high if high_open else values > high
    problems = []
    for i in np.flatnonzero(np.isnan(values) | too_low | too_high):
        if np.isnan(values[i]):
            problems.append(Text("{layer}: {name} is NaN", layer=labels[i], name=name))
        else:
            value = Number(values[i], None)
            problems.append(
                Text(
                    "{layer}: {name} = {value} outside {interval}",
                    layer=labels[i],
                    name=name,
                    value=value,
                    interval=bounds,
                )
            )
    return problems


def _layers(n: int) -> list[Text]:
    """The labels "layer 0", "layer 1"… of ``n`` layers."""
    return [Text("layer {i}", i=i) for i in range(n)]


def _problems_in_the_layers(problems: list[Text]) -> Text:
    return Text(
        "{n} problem in the layers: {problems}",
        "{n} problems in the layers: {problems}",
        n=len(problems),
        problems=joined(problems),
    )


def _value_problems(labels, *, soc_pct=None, som_pct=None, bd_g_cm3=None, coarse_fraction=None) -> list[Text]:
    """Problems of the layers' values: NaN, SOC_pct or SOM_pct outside [0, 100] %, BD_g_cm3 outside
    (0, 2.65] g cm⁻³, coarse_fraction outside [0, 1); fields left as None are not checked."""
    fields = (
        ("SOC_pct", soc_pct, 0.0, 100.0, False, False),
        ("SOM_pct", som_pct, 0.0, 100.0, False, False),
        ("BD_g_cm3", bd_g_cm3, 0.0, MAX_BULK_DENSITY, True, False),
        ("coarse_fraction", coarse_fraction, 0.0, 1.0, False, True),
    )
    problems = []
    for name, values, low, high, low_open, high_open in fields:
        if values is not None:
            field = np.broadcast_to(np.asarray(values, dtype=float), (len(labels),))
            problems += _out_of_range(name, field, labels, low, high, low_open=low_open, high_open=high_open)
    return problems


def layer_problems(
    upper_cm, lower_cm, *, soc_pct=None, bd_g_cm3=None, coarse_fraction=None, som_pct=None, where=""
) -> list[Text]:
    """Every problem of a profile's layers, one message each naming the layer (index from 0 and depths) and
    the field: NaN values; depths negative, of zero or negative thickness, not increasing or overlapping
    the layer above; SOC_pct or SOM_pct outside [0, 100] %; BD_g_cm3 outside (0, 2.65] g cm⁻³;
    coarse_fraction outside [0, 1). Depths in cm, layers in sampling order from the surface down; fields
    left as None are not checked. ``where`` prefixes every message (e.g. the core's name). The messages
    are catalogue messages (:class:`~permille.i18n.Text`)."""
    upper, lower = _floats(upper_cm, lower_cm)
    labels = [
        Text(
            "{where}layer {i} ({upper}–{lower} cm)",
            where=where,
            i=i,
            upper=Number(u, None),
            lower=Number(lo, None),
        )
        for i, (u, lo) in enumerate(zip(upper, lower, strict=True))
    ]
    problems = []
    for name, depth in (("Upper_cm", upper), ("Lower_cm", lower)):
        problems += _out_of_range(name, depth, labels, 0.0, np.inf)
    for i in np.flatnonzero(lower <= upper):
        problems.append(
            Text(
                "{layer}: thickness Lower_cm − Upper_cm = {value} cm is not positive",
                layer=labels[i],
                value=Number(lower[i] - upper[i], None),
            )
        )
    for i in np.flatnonzero(upper[1:] < lower[:-1]) + 1:
        problems.append(
            Text(
                "{layer}: Upper_cm {upper} above the Lower_cm {lower} of layer {above} (depths not increasing "
                "or layers overlapping)",
                layer=labels[i],
                upper=Number(upper[i], None),
                lower=Number(lower[i - 1], None),
                above=int(i - 1),
            )
        )
    return problems + _value_problems(
        labels, soc_pct=soc_pct, som_pct=som_pct, bd_g_cm3=bd_g_cm3, coarse_fraction=coarse_fraction
    )


def validate_layers(upper_cm, lower_cm, *, soc_pct=None, bd_g_cm3=None, coarse_fraction=None, som_pct=None):
    """Raise ``ValueError`` listing every problem found by :func:`layer_problems` (units as there)."""
    problems = layer_problems(
        upper_cm,
        lower_cm,
        soc_pct=soc_pct,
        bd_g_cm3=bd_g_cm3,
        coarse_fraction=coarse_fraction,
        som_pct=som_pct,
    )
    if problems:
        raise ValueError(_problems_in_the_layers(problems))


def fixed_depth_stock(soc_pct, bd_g_cm3, thickness_cm, coarse_fraction=0.0) -> np.ndarray:
    """SOC stock of layers, t C/ha = SOC [%] × BD [g cm⁻³] × thickness [cm] × (1 − coarse fraction).

    ``bd_g_cm3`` is the density of the fine earth (< 2 mm) in the volume it occupies, and
    ``coarse_fraction`` the volume fraction (0–1) of coarse fragments (> 2 mm), so BD × (1 − coarse) is the
    fine-earth mass per cm³ of soil (Poeplau et al. 2017, doi:10.5194/soil-3-61-2017). With a bulk density
    already per total volume (:func:`fine_earth_bulk_density`) leave ``coarse_fraction`` at 0. The unit
    factor is 1: % × g cm⁻³ × cm = 0.01 g C cm⁻² = 1 t C/ha. Arguments broadcast; values are checked
    (``ValueError`` lists every bad layer and field)."""
    soc, bd, thickness, coarse = _floats(soc_pct, bd_g_cm3, thickness_cm, coarse_fraction)
    labels = _layers(soc.size)
    problems = _out_of_range("thickness_cm", thickness, labels, 0.0, np.inf, low_open=True)
    problems += _value_problems(labels, soc_pct=soc, bd_g_cm3=bd, coarse_fraction=coarse)
    if problems:
        raise ValueError(_problems_in_the_layers(problems))
    return soc * bd * thickness * (1.0 - coarse)


def layer_stocks(upper_cm, lower_cm, soc_pct, bd_g_cm3, coarse_fraction=0.0) -> np.ndarray:
    """SOC stock of each layer of a profile, t C/ha (:func:`fixed_depth_stock`), after checking the whole
    profile (depths in cm, increasing and not overlapping; ``ValueError`` lists every problem)."""
    validate_layers(upper_cm, lower_cm, soc_pct=soc_pct, bd_g_cm3=bd_g_cm3, coarse_fraction=coarse_fraction)
    upper, lower = _floats(upper_cm, lower_cm)
    return fixed_depth_stock(soc_pct, bd_g_cm3, lower - upper, coarse_fraction)


def mass_per_area(fine_mass_g, *, area_cm2=None, volume_cm3=None, thickness_cm=None) -> np.ndarray:
    """Fine-earth mass per area of a core's layer, g cm⁻² = fine-earth mass [g] / core surface area [cm²];
    give ``area_cm2``, or ``volume_cm3`` and ``thickness_cm`` (area = volume / thickness)."""
    if (area_cm2 is None) == (volume_cm3 is None or thickness_cm is None):
        raise ValueError("give area_cm2, or volume_cm3 and thickness_cm (not both, not neither)")
    if area_cm2 is None:
        area_cm2 = np.asarray(volume_cm3, dtype=float) / np.asarray(thickness_cm, dtype=float)
    mass, area = _floats(fine_mass_g, area_cm2)
    if not (np.all(mass >= 0) and np.all(area > 0)):
        raise ValueError(
            f"fine mass must be ≥ 0 g and area > 0 cm²: masses {mass.tolist()}, areas {area.tolist()}"
        )
    return mass / area


def fine_earth_bulk_density(fine_mass_g, total_volume_cm3) -> np.ndarray:
    """Bulk density of the fine earth per total volume, g cm⁻³ = fine-earth mass [g] / core volume [cm³]
    (coarse fragments' mass and volume included in the volume only, so no coarse correction follows)."""
    mass, volume = _floats(fine_mass_g, total_volume_cm3)
    if not (np.all(mass >= 0) and np.all(volume > 0)):
        raise ValueError(f"fine mass must be ≥ 0 g and volume > 0 cm³: {mass.tolist()}, {volume.tolist()}")
    return mass / volume


def core_mass_stock(soc_pct, fine_mass_g, *, area_cm2=None, volume_cm3=None, thickness_cm=None) -> np.ndarray:
    """SOC stock of a core's layer from its fine-earth mass, t C/ha = SOC [%] × fine mass per area
    [g cm⁻²] (:func:`mass_per_area`; 1 % of 1 g cm⁻² = 0.01 g C cm⁻² = 1 t C/ha). This mass-per-area
    form needs neither a bulk density nor a coarse-fragment correction (Poeplau et al. 2017,
    doi:10.5194/soil-3-61-2017)."""
    per_area = mass_per_area(fine_mass_g, area_cm2=area_cm2, volume_cm3=volume_cm3, thickness_cm=thickness_cm)
    (soc,) = _floats(soc_pct)
    problems = _value_problems(_layers(soc.size), soc_pct=soc)
    if problems:
        raise ValueError("; ".join(problems))
    return soc * per_area


def soc_from_som(som_pct, factor: float = VAN_BEMMELEN) -> np.ndarray:
    """SOC content, % = SOM content [%] × ``factor`` (g C per g organic matter); the default 0.58 is the
    van Bemmelen factor, 0.5 the value Pribyl (2010, doi:10.1016/j.geoderma.2010.02.003) recommends."""
    if not 0 < factor <= 1:
        raise ValueError(f"SOC/SOM factor {factor} must be in (0, 1]")
    return np.asarray(som_pct, dtype=float) * factor


def g_cm2_to_t_ha(stock_g_cm2) -> np.ndarray:
    """Stock in g cm⁻² to t/ha (= Mg/ha): 1 g cm⁻² = 100 t/ha (see :mod:`permille.measure.units`)."""
    return to_canonical(np.asarray(stock_g_cm2, dtype=float), StockUnit.G_PER_CM2)


def _spans(upper: np.ndarray, lower: np.ndarray) -> str:
    """The depth ranges the layers cover, adjacent layers merged, e.g. '0–10, 20–45 cm'."""
    spans = [[upper[0], lower[0]]]
    for u, lo in zip(upper[1:], lower[1:], strict=True):
        if u == spans[-1][1]:
            spans[-1][1] = lo
        else:
            spans.append([u, lo])
    return ", ".join(f"{u:g}–{lo:g}" for u, lo in spans) + " cm"


def harmonise(upper_cm, lower_cm, stock_t_ha, intervals) -> np.ndarray:
    """Stocks of a profile's layers aggregated to the depth ``intervals`` ((top, bottom) pairs, cm; e.g.
    :data:`TOPSOIL_0_30` or :data:`GLOBALSOILMAP_INTERVALS`), t/ha (any stock unit, kept).

    Each layer's stock is spread evenly over its thickness and each interval receives the part of the
    layers it overlaps (thickness weighting), so the stock of intervals tiling the sampled depth equals the
    profile's. An interval not fully covered by layers raises ``ValueError`` naming it and the depths the
    data cover; bad layers raise ``ValueError`` too (:func:`layer_problems`)."""
    upper, lower, stock = _floats(upper_cm, lower_cm, stock_t_ha)
    problems = layer_problems(upper, lower)
    problems += _out_of_range("stock", stock, _layers(stock.size), 0.0, np.inf)
    top, bottom = np.asarray(intervals, dtype=float).reshape(-1, 2).T
    problems += [
        f"interval {t:g}–{b:g} cm: bottom not below top" for t, b in zip(top, bottom, strict=True) if b <= t
    ]
    if problems:
        raise ValueError("; ".join(problems))
    overlap = np.clip(np.minimum(bottom[:, None], lower) - np.maximum(top[:, None], upper), 0.0, None)
    covered = overlap.sum(axis=1)
    uncovered = [
        f"{t:g}–{b:g} cm"
        for t, b, c in zip(top, bottom, covered, strict=True)
        if not np.isclose(c, b - t, atol=1e-9)
    ]
    if uncovered:
        raise ValueError(
            f"interval(s) {', '.join(uncovered)} not covered by the layers: the data cover {_spans(upper, lower)}"
        )
    return overlap / (lower - upper) @ stock
