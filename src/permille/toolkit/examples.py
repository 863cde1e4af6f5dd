"""Filled example inputs of the toolkit's calculators ("try an example"), each from data the package
ships or documents: the Rothamsted climate of the bundled RothC example, the example project of
``examples/project.yaml`` (its two mineral-soil areas), the bundled Cumbria hedgerow cores, and the
re-measured changes of ``examples/remeasurement.csv`` (per-stratum mean, standard error and df for the
credits; per-stratum standard deviations, sd = se·√n, t C/ha, as the prior of the sampling design).
"""

from importlib.resources import files

TOULOUSE = {  # 1991–2020 normals, Toulouse-Blagnac (°C, mm), as examples/project.yaml
    "temperature_c": [6.0, 7.1, 10.0, 12.5, 16.2, 20.1, 22.4, 22.4, 19.0, 15.1, 9.7, 6.6],
    "precipitation_mm": [52, 42, 49, 67, 72, 57, 38, 45, 49, 55, 53, 52],
    "pet_mm": [14, 24, 50, 72, 103, 127, 143, 123, 83, 48, 21, 13],
}


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
    return {
        "name": "Cereal farm — no-till, cover crops and manure",
        "first_year": 2026,
        "last_year": 2045,
        "guidelines": "2019",
        "monte_carlo": {"draws": 500, "seed": 42},
        "areas": [
            {
                "name": "plateau fields",
                "area_ha": 85,
                "area_uncertainty_pct": 3,
                "climate_zone": "warm temperate moist",
                "soil_class": "HAC",
                "clay_pct": 28,
                "sand_pct": 30,
                "input_uncertainty_pct": 25,
                "climate": TOULOUSE,
                "baseline": [
                    {"year": 1990, "land_use": "cropland", "tillage": "full", "carbon_input": "medium",
                     "plant_input_t_c_ha": 2.2},
                ],
                "project": [
                    {"year": 1990, "land_use": "cropland", "tillage": "full", "carbon_input": "medium",
                     "plant_input_t_c_ha": 2.2},
                    {"year": 2026, "land_use": "cropland", "tillage": "no", "carbon_input": "high",
                     "plant_input_t_c_ha": 3.0},
                    {"year": 2031, "land_use": "cropland", "tillage": "no", "carbon_input": "high_with_manure",
                     "plant_input_t_c_ha": 3.0, "manure_t_c_ha": 1.0, "lignin": 0.09, "nitrogen": 0.015},
                ],
            },
            {
                "name": "valley field to grassland",
                "area_ha": 15,
                "area_uncertainty_pct": 3,
                "climate_zone": "warm temperate moist",
                "soil_class": "HAC",
                "clay_pct": 35,
                "sand_pct": 20,
                "input_uncertainty_pct": 30,
                "climate": TOULOUSE,
                "baseline": [
                    {"year": 1990, "land_use": "cropland", "tillage": "full", "carbon_input": "medium",
                     "plant_input_t_c_ha": 2.4},
                ],
                "project": [
                    {"year": 1990, "land_use": "cropland", "tillage": "full", "carbon_input": "medium",
                     "plant_input_t_c_ha": 2.4},
                    {"year": 2026, "land_use": "grassland", "grazing": "improved", "carbon_input": "medium",
                     "plant_input_t_c_ha": 3.5, "lignin": 0.12, "nitrogen": 0.02},
                ],
            },
        ],
    }  # fmt: skip


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
