"""The official FAO GSOCseq product set from a :func:`permille.grid.pipeline.run` result, under the official
names and units, so that a country can reproduce and compare its national submission.

Names, formulas and units follow the FAO GSOCseq technical manual (2020), section 11 (script 16,
"Points_to_Raster.R") and section 13 (data completeness), and the official forward script
(FAO-SID/GSOCseq-scripts, ``15_ROTH_C_FOWARD_UNC_v4__parallel.R``): for a 20-year run

* ``GSOCseq_T0_Map030`` initial stock; ``GSOCseq_finalSOC_{BAU,SSM1,SSM2,SSM3}_Map030`` final stocks
  (t C ha-1); SSM1, SSM2, SSM3 are the low, medium and high scenarios (+5, +10, +20 % input);
* ``GSOCseq_AbsDiff_*`` = final − T0 (t C ha-1) and ``GSOCseq_ASR_*`` = AbsDiff / years, absolute
  sequestration rates (t C ha-1 yr-1), for BAU and the SSMs;
* ``GSOCseq_RelDiff_SSM*`` = SSM − BAU (t C ha-1) and ``GSOCseq_RSR_SSM*`` = RelDiff / years, relative
  sequestration rates (t C ha-1 yr-1);
* uncertainties in %, from the min/max envelope (:func:`permille.grid.pipeline.compute_envelope`), Eq 12.7
  U = 100 (max − min) / (2 × nominal): ``GSOCseq_T0_UncertaintyMap030``, ``GSOCseq_BAU_UncertaintyMap030``
  and ``GSOCseq_SSM_UncertaintyMap030`` (from the medium scenario, for all three, as the scripts do); and
  for the rates Eq 12.2 as script 16 codes it, sqrt((U1 X1)² + (U2 X2)²) / |X1 + X2|:
  ``GSOCseq_ASR_{BAU,SSM*}_UncertaintyMap030`` (X1 the final stock, X2 T0) and
  ``GSOCseq_RSR_SSM*_UncertaintyMap030`` (X1 the SSM stock, X2 BAU).

As the forward script, final stocks of BAU, the scenarios and the medium scenario's envelope outside
0–300 t C/ha are masked (NaN), and so is everything derived from them. Tree-covered land (class 4) gets the
T0 stock only: the official forward script runs its scenarios for
cropland and tree crops (2, 12), grassland, shrubland, herbaceous and sparse vegetation (3, 5, 6, 8) and
paddy fields (13) only. These products are the official envelope, NOT the Monte Carlo mean and interval of
the pipeline (``*_mean``, ``*_sd``), which keep their own names.
"""

import numpy as np
import xarray as xr

from . import pipeline

#: The official scenario increases, SSM1 … SSM3 (FAO GSOCseq technical manual (2020) Table 5.1).
INCREASES = pipeline.SSM_INCREASES
#: Classes the official forward script runs (section docstring); others keep T0 only.
FORWARD_CLASSES = (2, 3, 5, 6, 8, 12, 13)
#: The official forward period, years.
YEARS = 20
#: Final stocks outside this range, t C/ha, are set to NA by the forward script ("Eliminate values out of
#: range": BAU, the three scenarios and the medium scenario's min and max).
STOCK_RANGE = (0.0, 300.0)

_STOCK, _RATE, _PERCENT = "t C ha-1", "t C ha-1 yr-1", "%"
_SSM = ("SSM1", "SSM2", "SSM3")


def product_name(product: str) -> str:
    """``GSOCseq_<product>_Map030``, or ``GSOCseq_<what>_UncertaintyMap030`` for ``<what>_Uncertainty``."""
    if product.endswith("_Uncertainty"):
        return f"GSOCseq_{product.removesuffix('_Uncertainty')}_UncertaintyMap030"
    return f"GSOCseq_{product}_Map030"


def product_spec(years: int = YEARS) -> dict[str, tuple[str, str]]:
    """The official products in order: name → (long_name, units)."""
    scenarios = ("BAU", *_SSM)
    spec = {"T0": ("Initial SOC stock, 0-30 cm", _STOCK)}
    spec |= {f"finalSOC_{s}": (f"Final SOC stock after {years} years, {s}", _STOCK) for s in scenarios}
    spec |= {f"AbsDiff_{s}": (f"Absolute difference: final SOC {s} - T0", _STOCK) for s in scenarios}
    spec |= {
        f"ASR_{s}": (f"Absolute sequestration rate: (final SOC {s} - T0) / {years}", _RATE) for s in scenarios
    }
    spec |= {f"RelDiff_{s}": (f"Relative difference: final SOC {s} - final SOC BAU", _STOCK) for s in _SSM}
    spec |= {f"RSR_{s}": (f"Relative sequestration rate: ({s} - BAU) / {years}", _RATE) for s in _SSM}
    spec |= {
        "T0_Uncertainty": ("Uncertainty of T0: 100 (max - min) / (2 T0), min/max envelope", _PERCENT),
        "BAU_Uncertainty": (
            "Uncertainty of final SOC BAU: 100 (max - min) / (2 BAU), min/max envelope",
            _PERCENT,
        ),
        "SSM_Uncertainty": (
            "Uncertainty of final SOC SSM: 100 (max - min) / (2 SSM2), medium scenario, min/max envelope",
            _PERCENT,
        ),
    }
    spec |= {
        f"ASR_{s}_Uncertainty": (f"Uncertainty of ASR {s} (Eq 12.2 as script 16)", _PERCENT)
        for s in scenarios
    }
    spec |= {
        f"RSR_{s}_Uncertainty": (f"Uncertainty of RSR {s} (Eq 12.2 as script 16)", _PERCENT) for s in _SSM
    }
    return {product_name(k): v for k, v in spec.items()}


def _combined(u1, x1, u2, x2):
    """Eq 12.2 as script 16 codes it: sqrt((U1 X1)² + (U2 X2)²) / |X1 + X2|, %."""
    return np.sqrt((u1 * x1) ** 2 + (u2 * x2) ** 2) / np.abs(x1 + x2)


def products(result: xr.Dataset, land_cover: xr.DataArray | None = None) -> xr.Dataset:
    """The official product set of a :func:`permille.grid.pipeline.run` result computed with
    ``envelope=True`` and the official increases (:data:`INCREASES`); ``land_cover`` (y, x) keeps only T0
    outside :data:`FORWARD_CLASSES`. Each variable has ``units`` and ``long_name``."""
    years = int(result.attrs.get("forward_years", YEARS))
    increases = tuple(result.attrs.get("ssm_input_increases", INCREASES))
    labels = [pipeline._label(f) for f in increases]
    needed = ["soc_t0", "soc_bau", *(f"soc_ssm_{x}" for x in labels)]
    needed += [f"{n}_{side}" for n in needed for side in ("min", "max")]
    missing = [n for n in needed if n not in result]
    if len(increases) != 3 or missing:
        raise ValueError(
            "the GSOCseq products need a run with three SSM increases (low, medium, high) and envelope=True; "
            f"got increases {list(increases)}" + (f", missing {', '.join(missing)}" if missing else "")
        )
    low, high = STOCK_RANGE
    medium = f"soc_ssm_{labels[1]}"
    masked = ["soc_bau", *(f"soc_ssm_{x}" for x in labels), f"{medium}_min", f"{medium}_max"]
    result = result.assign({n: result[n].where((result[n] >= low) & (result[n] <= high)) for n in masked})
    t0 = result["soc_t0"]
    final = {"BAU": result["soc_bau"]} | {
        s: result[f"soc_ssm_{x}"] for s, x in zip(_SSM, labels, strict=True)
    }

    def unc(name):
        return 100.0 * (result[f"{name}_max"] - result[f"{name}_min"]) / (2.0 * result[name])

    u_t0, u_bau, u_ssm = unc("soc_t0"), unc("soc_bau"), unc(f"soc_ssm_{labels[1]}")
    values = {"T0": t0} | {f"finalSOC_{s}": v for s, v in final.items()}
    values |= {f"AbsDiff_{s}": v - t0 for s, v in final.items()}
    values |= {f"ASR_{s}": (v - t0) / years for s, v in final.items()}
    values |= {f"RelDiff_{s}": final[s] - final["BAU"] for s in _SSM}
    values |= {f"RSR_{s}": (final[s] - final["BAU"]) / years for s in _SSM}
    values |= {"T0_Uncertainty": u_t0, "BAU_Uncertainty": u_bau, "SSM_Uncertainty": u_ssm}
    values["ASR_BAU_Uncertainty"] = _combined(u_bau, final["BAU"], u_t0, t0)
    values |= {f"ASR_{s}_Uncertainty": _combined(u_ssm, final[s], u_t0, t0) for s in _SSM}
    values |= {f"RSR_{s}_Uncertainty": _combined(u_ssm, final[s], u_bau, final["BAU"]) for s in _SSM}
    spec = product_spec(years)
    out = xr.Dataset()
    keep = None if land_cover is None else land_cover.isin(FORWARD_CLASSES)
    for product, da in values.items():
        name = product_name(product)
        if keep is not None and product not in ("T0", "T0_Uncertainty"):
            da = da.where(keep)
        long_name, units = spec[name]
        out[name] = da.assign_attrs(long_name=long_name, units=units)
    out.attrs = {
        **{k: v for k, v in result.attrs.items() if k != "title"},
        "title": "GSOCseq products (FAO GSOCseq technical manual 2020, section 11 and 13 names and units)",
        "gsocseq_uncertainty": "min/max envelope of the official scripts (not the Monte Carlo interval)",
    }
    return out


__all__ = ["FORWARD_CLASSES", "INCREASES", "STOCK_RANGE", "YEARS", "product_name", "product_spec", "products"]
