"""Filled example inputs of the toolkit's calculators ("try an example"), each from data the package
ships or documents: the Rothamsted climate of the bundled RothC example, the example project of
``examples/project.yaml`` (all its areas, the rewetted peat meadow included), the bundled Cumbria hedgerow cores, and the
re-measured changes of ``examples/remeasurement.csv`` (per-stratum mean, standard error and df for the
credits; per-stratum standard deviations, sd = se·√n, t C/ha, as the prior of the sampling design).
"""

from importlib.resources import files


def rothc() -> dict:
    from .rothc import climate_presets  # reads the bundled RothC file

    return {
        "clay_pct": 23.4,
        "depth_cm": 30,
        "soc_t_c_ha": 45.0,
        "climate": climate_presets()["rothamsted"].model_dump(),
        "plant_cover": [1] * 12,
        "dpm_rpm": 1.44,
        "baseline_input_t_c_ha_yr": None,
        "input_change_pct": 20,
        "start_year": 2025,
        "years": 30,
        "draws": 200,
        "seed": 1,
        "input_uncertainty_pct": 20,
        "clay_uncertainty_pct": 10,
        "temperature_uncertainty_c": 1.0,
        "precipitation_uncertainty_pct": 10,
    }


def balance() -> dict:
    """The example project of ``examples/project.yaml``, all three areas (the package ships a copy)."""
    import yaml

    return yaml.safe_load(
        (files("permille") / "data" / "examples" / "project.yaml").read_text(encoding="utf-8")
    )


def stocks() -> dict:
    from ..io import soil_import

    path = files("permille") / "data" / "mrv" / "Cumbria_Hedgerows.csv"
    return {
        "filename": "Cumbria_Hedgerows.csv",
        "csv": path.read_text(encoding="utf-8"),
        "mapping": soil_import.CUMBRIA_HEDGEROWS,
        "depths_cm": "30,50",
        "method": "natural_spline",
        "source": "real hedgerow and control cores, Cumbria (UK), ESM-CREPE case study; bundled with permille",
    }


def sampling() -> dict:
    return {
        "sd_t_c_ha": 0.8,
        "mdd_t_c_ha": 0.5,
        "alpha": 0.05,
        "power": 0.90,
        "two_sided": True,
        "strata": [
            {"name": "A", "area_ha": 120.0, "sd_t_c_ha": 0.84},
            {"name": "B", "area_ha": 60.0, "sd_t_c_ha": 0.52},
            {"name": "C", "area_ha": 20.0, "sd_t_c_ha": 0.83},
        ],
        "minimum_per_stratum": 2,
    }


def credits() -> dict:
    return {
        "scheme": "4p1000",
        "changes": [
            {"stratum": "A", "period": "2021–2026", "area_ha": 120.0, "mean_t_c_ha": 0.9667, "se_t_c_ha": 0.3442,
             "df": 5},
            {"stratum": "B", "period": "2021–2026", "area_ha": 60.0, "mean_t_c_ha": 0.2, "se_t_c_ha": 0.2345, "df": 4},
            {"stratum": "C", "period": "2021–2026", "area_ha": 20.0, "mean_t_c_ha": 2.1, "se_t_c_ha": 0.4143, "df": 3},
        ],
    }  # fmt: skip


EXAMPLES = {"rothc": rothc, "balance": balance, "stocks": stocks, "sampling": sampling, "credits": credits}
