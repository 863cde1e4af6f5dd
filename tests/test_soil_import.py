"""Soil data model, units and the importer: the Cumbria hedgerow file, all-or-nothing validation."""

import doctest
import json

import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

import permille.measure.units
from permille.i18n import Text
from permille.io.soil_import import CUMBRIA_HEDGEROWS, SoilImportError, import_table, read_soil
from permille.measure.soildata import FRAME_COLUMNS, Profile, Property, Result, SoilData
from permille.measure.units import (
    ContentUnit,
    DensityUnit,
    DepthUnit,
    FractionUnit,
    StockUnit,
    UnitError,
    VolumeUnit,
    convert,
    interval,
    to_canonical,
)
from permille.validation_messages import validation_message
from tests.conftest import shared_path

CUMBRIA = "reference/mrv/esm-cumbria-hedgerows/Cumbria_Hedgerows.csv"


# --- units ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "text", "value", "canonical"),
    [
        (ContentUnit, "g/kg", 23.0, 2.3),
        (ContentUnit, "g C kg⁻¹", 23.0, 2.3),
        (ContentUnit, "mg/g", 23.0, 2.3),
        (ContentUnit, "fraction", 0.023, 2.3),
        (ContentUnit, "Percent", 2.3, 2.3),
        (FractionUnit, "%", 12.0, 0.12),
        (StockUnit, "g C cm-2", 1.0, 100.0),
        (StockUnit, "t C/ha", 42.0, 42.0),
        (StockUnit, "kg/m2", 4.2, 42.0),
        (DensityUnit, "kg m⁻³", 1250.0, 1.25),
        (DensityUnit, "Mg/m3", 1.25, 1.25),
        (VolumeUnit, "m³", 1e-4, 100.0),
        (DepthUnit, "m", 0.3, 30.0),
        (DepthUnit, "mm", 300.0, 30.0),
    ],
)
def test_units_convert_to_canonical(unit, text, value, canonical):
    assert to_canonical(value, unit.parse(text)) == pytest.approx(canonical, rel=1e-12)


def test_stock_units_both_ways():
    assert convert(1.0, StockUnit.G_PER_CM2, StockUnit.MG_PER_HA) == pytest.approx(100.0)
    assert convert(100.0, StockUnit.MG_PER_HA, StockUnit.G_PER_CM2) == pytest.approx(1.0)
    np.testing.assert_allclose(convert([1.0, 2.0], StockUnit.KG_PER_M2, StockUnit.G_PER_CM2), [0.1, 0.2])
    with pytest.raises(UnitError):
        convert(1.0, StockUnit.MG_PER_HA, DepthUnit.CM)


def test_unknown_unit_lists_the_accepted_units():
    with pytest.raises(UnitError) as caught:
        ContentUnit.parse("g/L")
    assert caught.value.accepted == ("%", "g/kg", "mg/g", "fraction")
    assert "accepted: %, g/kg, mg/g, fraction" in str(caught.value)
    assert caught.value.args[0].render("fr") == (
        "unité 'g/L' inconnue pour une teneur (COS, MOS, argile, sable) ; acceptées : %, g/kg, mg/g, fraction"
    )
    with pytest.raises(UnitError, match="accepted: g/cm3, Mg/m3, kg/m3"):
        DensityUnit.parse("mg/m3")  # symbols are case-sensitive: Mg (megagram) is not mg


def test_intervals_are_written_the_readers_way():
    bulk_density = interval(0, 2.65, low_open=True)
    assert (str(bulk_density), bulk_density.render("fr"), bulk_density.render("es")) == (
        "(0, 2.65]",
        "]0 ; 2,65]",
        "(0; 2,65]",
    )
    assert interval(0, 1, high_open=True).render("fr") == "[0 ; 1["
    assert str(interval(-90, 90)) == "[-90, 90]"
    for low_open in (False, True):
        for high_open in (False, True):
            text = interval(0, 1, low_open=low_open, high_open=high_open)
            assert text.render("fr") != str(text) and ";" in text.render("fr")  # every form in the catalogue


def test_unknown_unit_in_a_mapping_lists_the_accepted_units():
    mapping = {**CUMBRIA_HEDGEROWS, "soc": {"column": "soc", "unit": "ppm"}}
    records = [{"system": "S", "field": "f", "core": "c", "depth_at_top_cm": 0, "depth_at_bottom_cm": 10}]
    records[0] |= {"soc": 2.0, "som_perc": 4.0, "fine_mass_g": 100.0, "total_volume_cm3": 100.0}
    with pytest.raises(SoilImportError) as caught:
        import_table(records, mapping)
    [problem] = caught.value.problems
    assert problem.row == 1 and problem.column == "soc"
    assert "unknown unit 'ppm'" in problem.message
    assert "accepted: %, g/kg, mg/g, fraction" in problem.message


# --- the model -----------------------------------------------------------------------------------


def test_model_reports_every_problem_and_is_frozen():
    bad_sample = {"id": "s", "results": [{"property": "soc", "unit": "%", "value": 120}]}
    bad_sample["results"].append({"property": "bd", "unit": "g/cm3", "value": 3.1})
    with pytest.raises(ValidationError) as caught:
        Profile(
            id="p",
            layers=[
                {"upper_cm": 10, "lower_cm": 5, "sample": {"id": "a"}},
                {"upper_cm": -1, "lower_cm": 20, "sample": bad_sample},
            ],
        )
    messages = [e["msg"] for e in caught.value.errors()]
    assert len(messages) == 4
    assert any("not above" in m for m in messages)
    assert any("greater than or equal to 0" in m for m in messages)
    assert any("soc 120 % is outside [0, 100] %" in m for m in messages)
    assert any("bulk_density 3.1 g/cm3 is outside (0, 2.65] g/cm3" in m for m in messages)

    french = {validation_message(e).render("fr") for e in caught.value.errors() if e["type"] == "value_error"}
    assert french == {
        "la profondeur supérieure 10 cm n’est pas au-dessus de la profondeur inférieure 5 cm",
        "soc 120 % est hors de [0 ; 100] %",
        "bulk_density 3,1 g/cm3 est hors de ]0 ; 2,65] g/cm3",
    }

    with pytest.raises(ValidationError, match="overlapping layers: 0–20 and 10–30 cm") as caught:
        Profile(
            id="p",
            layers=[
                {"upper_cm": 0, "lower_cm": 20, "sample": {"id": "a"}},
                {"upper_cm": 10, "lower_cm": 30, "sample": {"id": "b"}},
            ],
        )
    [error] = caught.value.errors()
    assert validation_message(error).render("es") == "capas superpuestas: 0–20 y 10–30 cm"
    result = Result(property="bd", unit="kg/m3", value=1250)
    assert result.property is Property.BULK_DENSITY and result.canonical() == pytest.approx(1.25)
    with pytest.raises(ValidationError):
        result.value = 1.0
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Result(property="soc", unit="%", value=2.0, colour="brown")


# --- the real Cumbria hedgerow file --------------------------------------------------------------


def test_cumbria_file_imports_with_the_builtin_mapping():
    path = shared_path(CUMBRIA)
    data = read_soil(path, CUMBRIA_HEDGEROWS)

    assert [(s.id, s.field) for s in data.sites] == [("Cumbria", "control"), ("Cumbria", "hedge")]
    assert [len(s.profiles) for s in data.sites] == [15, 15]
    for site in data.sites:
        for profile in site.profiles:
            depths = [(layer.upper_cm, layer.lower_cm) for layer in profile.layers]
            assert depths == [(u, u + 10.0) for u in range(0, 10 * len(depths), 10)]
            assert len(depths) == (4 if (site.field, profile.id) == ("control", "GF3") else 5)

    frame = data.to_frame()
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert len(frame) == 149
    assert set(frame["field"]) == {"hedge", "control"}
    assert frame.groupby("field")["profile"].nunique().to_dict() == {"control": 15, "hedge": 15}
    assert (frame["upper_cm"].min(), frame["lower_cm"].max()) == (0.0, 50.0)
    assert frame["bd_g_cm3"].isna().all() and frame["date"].isna().all()

    first = frame.iloc[0]  # file row 2: Cumbria,control,0-10,BC6,4.95860787295153,2.31,10,0,10,126.6,100
    assert (first["profile"], first["upper_cm"], first["lower_cm"]) == ("BC6", 0.0, 10.0)
    assert first["soc_pct"] == 2.31 and first["som_pct"] == 4.95860787295153
    assert first["fine_mass_g"] == 126.6 and first["volume_cm3"] == 100.0
    w13 = frame[(frame["field"] == "hedge") & (frame["profile"] == "W13")].set_index("upper_cm")
    assert w13.loc[20.0, "soc_pct"] == 3.5029908 and w13.loc[20.0, "fine_mass_g"] == 78.752
    assert np.isnan(w13.loc[40.0, "soc_pct"]) and np.isnan(w13.loc[40.0, "fine_mass_g"])

    raw = pd.read_csv(path).rename(  # every value, not only the spot checks
        columns={"core": "profile", "depth_at_top_cm": "upper_cm", "fine_mass_g": "file_fine_mass_g"}
    )
    merged = frame.merge(raw, on=["field", "profile", "upper_cm"], validate="one_to_one")
    assert len(merged) == len(raw)
    for ours, theirs in [
        ("lower_cm", "depth_at_bottom_cm"),
        ("soc_pct", "soc_perc"),
        ("som_pct", "som_perc"),
        ("fine_mass_g", "file_fine_mass_g"),
        ("volume_cm3", "total_volume_cm3"),
    ]:
        np.testing.assert_array_equal(merged[ours].to_numpy(float), merged[theirs].to_numpy(float))


def test_cumbria_requiring_soc_and_bd_reports_what_is_missing():
    with pytest.raises(SoilImportError) as caught:
        read_soil(shared_path(CUMBRIA), CUMBRIA_HEDGEROWS, require=("soc", "bd"))
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (None, "bulk_density"),  # the file has no bulk density column
        (149, "soc_perc"),  # hedge W13, 30-40 cm
        (150, "soc_perc"),  # hedge W13, 40-50 cm
    ]


# --- all-or-nothing validation -------------------------------------------------------------------

BAD_FILE = """\
site,plot,top_cm,bottom_cm,soc_gkg,som_x,bd_kgm3
A,P1,0,10,25,40,1200
A,P1,10,30,18,30,
A,P1,20,40,15,25,1300
A,P2,0,10,1200,30,1250
A,P2,10,20,12,20,heavy
"""

BAD_MAPPING = {
    "site": "site",
    "profile": "plot",
    "upper": {"column": "top_cm", "unit": "cm"},
    "lower": {"column": "bottom_cm", "unit": "cm"},
    "soc": {"column": "soc_gkg", "unit": "g/kg"},
    "som": {"column": "som_x", "unit": "g/L"},
    "bd": {"column": "bd_kgm3", "unit": "kg/m3"},
}


def test_a_file_with_five_errors_reports_all_and_gives_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_FILE)
    export = tmp_path / "normalised.csv"
    with pytest.raises(SoilImportError) as caught:
        read_soil(path, BAD_MAPPING, require=("soc", "bd"), export=export)

    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [
        (1, "som_x"),  # unknown unit in the mapping: the column's header
        (3, "bd_kgm3"),  # missing bulk density, required
        (4, "top_cm"),  # 20-40 cm overlaps 10-30 cm of row 3
        (5, "soc_gkg"),  # 1200 g/kg = 120 %
        (6, "bd_kgm3"),  # text in a number column
    ]
    assert "unknown unit 'g/L'" in problems[0].message and "g/kg" in problems[0].message
    assert problems[1].message == "missing value of 'bulk_density' (required)"
    assert "20–40 cm overlaps layer 10–30 cm (row 3) of profile 'P1'" in problems[2].message
    assert problems[3].message == "1200 g/kg → soc 120 % is outside [0, 100] %"
    assert problems[4].message == "not a number: 'heavy'"
    assert str(caught.value).startswith(f"{path}: 5 problem(s):\n  - row 1, 'som_x': unknown unit")
    assert isinstance(caught.value, ValueError)
    assert not export.exists() and list(tmp_path.iterdir()) == [path]


def test_missing_columns_and_unknown_fields_are_reported_together():
    mapping = {**BAD_MAPPING, "som": {"column": "som_x", "unit": "%"}, "colour": "munsell"}
    del mapping["site"]
    records = [{"plot": "P1", "top_cm": 0, "bottom_cm": 10, "soc_gkg": 20, "bd_kgm3": 1200}]
    with pytest.raises(SoilImportError) as caught:
        import_table(records, mapping)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (None, "colour"),
        (None, "site"),
        (1, "som_x"),
    ]
    assert caught.value.problems[2].message.startswith("column missing; the file has: plot, top_cm")


# --- the same data in CSV, Excel and JSON --------------------------------------------------------

TABLE = pd.DataFrame(
    {
        "farm": ["F1"] * 4,
        "treatment": ["cover crop", "cover crop", "control", "control"],
        "plot": [1, 1, 1, 1],
        "sampled": ["2023-05-04", "2023-05-04", "2023-05-05", "2023-05-05"],
        "top_m": [0.0, 0.1, 0.0, 0.1],
        "bottom_m": [0.1, 0.3, 0.1, 0.3],
        "soc_g_kg": [23.0, 14.5, 19.0, None],
        "bd_kg_m3": [1250.0, 1380.0, 1300.0, 1410.0],
        "stones_pct": [12.0, 20.0, 8.0, 15.0],
    }
)

TABLE_MAPPING = {
    "site": "farm",
    "field": "treatment",
    "profile": "plot",
    "date": "sampled",
    "upper": {"column": "top_m", "unit": "m"},
    "lower": {"column": "bottom_m", "unit": "m"},
    "soc": {"column": "soc_g_kg", "unit": "g/kg", "method": "dry combustion"},
    "bd": {"column": "bd_kg_m3", "unit": "kg m-3"},
    "coarse_fraction": {"column": "stones_pct", "unit": "%"},
}


def test_csv_excel_and_json_give_the_same_frame_in_canonical_units(tmp_path):
    TABLE.to_csv(tmp_path / "soil.csv", index=False)
    TABLE.to_csv(tmp_path / "soil_fr.csv", index=False, sep=";", decimal=",")
    assert "14,5" in (tmp_path / "soil_fr.csv").read_text()
    TABLE.assign(sampled=pd.to_datetime(TABLE["sampled"])).to_excel(tmp_path / "soil.xlsx", index=False)
    (tmp_path / "soil.json").write_text(TABLE.to_json(orient="records"))
    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump(TABLE_MAPPING))
    assert json.loads((tmp_path / "soil.json").read_text())[3]["soc_g_kg"] is None

    frames = [
        read_soil(tmp_path / name, tmp_path / "mapping.yaml").to_frame()
        for name in ("soil.csv", "soil_fr.csv", "soil.xlsx", "soil.json")
    ]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])

    expected = pd.DataFrame(
        {
            "site": ["F1"] * 4,
            "field": ["cover crop", "cover crop", "control", "control"],
            "profile": ["1"] * 4,
            "date": pd.to_datetime(["2023-05-04", "2023-05-04", "2023-05-05", "2023-05-05"]),
            "upper_cm": [0.0, 10.0, 0.0, 10.0],  # m → cm
            "lower_cm": [10.0, 30.0, 10.0, 30.0],
            "soc_pct": [2.3, 1.45, 1.9, np.nan],  # g/kg → %
            "som_pct": np.nan,
            "bd_g_cm3": [1.25, 1.38, 1.3, 1.41],  # kg m-3 → g cm-3
            "coarse_frac": [0.12, 0.2, 0.08, 0.15],  # % → fraction
            "fine_mass_g": np.nan,
            "volume_cm3": np.nan,
        }
    )
    pd.testing.assert_frame_equal(frames[0], expected, check_dtype=False, check_exact=False, rtol=1e-12)


def test_results_keep_the_measured_unit_and_method():
    data = import_table(TABLE, TABLE_MAPPING)
    sample = data.sites[0].profiles[0].layers[0].sample
    soc = sample.result("soc")
    assert (soc.value, soc.unit, soc.method) == (23.0, ContentUnit.G_PER_KG, "dry combustion")
    assert sample.result("bd").unit is DensityUnit.KG_PER_M3
    assert sample.id == "1:0-10" and sample.composite == 1
    assert data.sites[0].profiles[0].date.isoformat() == "2023-05-04"


def test_a_valid_file_is_exported_normalised(tmp_path):
    TABLE.to_csv(tmp_path / "soil.csv", index=False)
    TABLE.to_csv(tmp_path / "soil_fr.csv", index=False, sep=";", decimal=",")
    assert "14,5" in (tmp_path / "soil_fr.csv").read_text()
    data = read_soil(tmp_path / "soil.csv", TABLE_MAPPING, require=("bd",), export=tmp_path / "out.csv")
    written = pd.read_csv(tmp_path / "out.csv")
    assert list(written.columns) == list(FRAME_COLUMNS)
    np.testing.assert_allclose(written["bd_g_cm3"], data.to_frame()["bd_g_cm3"])
    assert isinstance(data, SoilData)


ROW_MAPPING = {
    **TABLE_MAPPING,
    "lon": "x",
    "lat": "y",
    "composite": "cores",
    "soc": {"column": "soc_g_kg", "unit": "g/kg", "uncertainty": "soc_sd"},
}
GOOD_ROW = {"farm": "F", "treatment": "t", "plot": "P", "sampled": "2024-03-01", "x": -2.9, "y": 54.6}
GOOD_ROW |= {"cores": 5, "soc_g_kg": 20.0, "soc_sd": 1.0, "bd_kg_m3": 1200.0, "stones_pct": 5.0}
BAD_ROWS = [
    GOOD_ROW | {"top_m": 0.0, "bottom_m": 0.1},
    GOOD_ROW | {"top_m": 0.3, "bottom_m": 0.2, "sampled": "2024-03-02"},  # inverted; other date
    GOOD_ROW | {"top_m": -0.1, "bottom_m": 0.5, "x": 0.0, "cores": 2.5},  # negative; other lon; cores
    GOOD_ROW | {"top_m": 0.5, "bottom_m": 0.6, "y": 95.0, "soc_sd": -1.0, "stones_pct": 120.0},
    GOOD_ROW | {"top_m": 0.6, "bottom_m": 0.7, "sampled": "March", "treatment": None, "bd_kg_m3": 3000},
]


def test_row_problems_of_every_kind_are_reported_with_their_place():
    mapping, rows = ROW_MAPPING, BAD_ROWS
    with pytest.raises(SoilImportError) as caught:
        import_table(rows, mapping, require="bd")
    found = {(p.row, p.column, p.message) for p in caught.value.problems}
    assert found == {
        (3, "top_m", "upper depth 30 cm is not above lower depth 20 cm"),
        (3, "sampled", "date 2024-03-02 differs from 2024-03-01 (row 2) of the same profile"),
        (4, "top_m", "upper depth -0.1 m is negative"),
        (4, "cores", "composite 2.5 is not a whole number of cores ≥ 1"),
        (4, "x", "lon 0.0 differs from -2.9 (row 2) of the same site"),
        (5, "y", "lat 95° is outside [-90, 90]"),
        (5, "soc_sd", "uncertainty -1 is negative"),
        (5, "stones_pct", "120 % → coarse_fraction 1.2 fraction is outside [0, 1] fraction"),
        (6, "sampled", "not a date (YYYY-MM-DD): 'March'"),
        (6, "treatment", "missing value of 'field'"),
        (6, "bd_kg_m3", "3000 kg/m3 → bulk_density 3 g/cm3 is outside (0, 2.65] g/cm3"),
    }

    data = import_table(rows[:1], mapping)  # the first row alone is valid
    site = data.sites[0]
    assert (site.lon, site.lat) == (-2.9, 54.6)
    sample = site.profiles[0].layers[0].sample
    assert sample.composite == 5 and sample.result("soc").uncertainty == 1.0


def test_row_problems_are_catalogue_messages_in_french_and_spanish():
    """Each problem is a catalogue message: English as above, French and Spanish from the catalogue with
    numbers and intervals written their way; the file's column names and values stay as they are."""
    with pytest.raises(SoilImportError) as caught:
        import_table(BAD_ROWS, ROW_MAPPING, require="bd")
    problems = caught.value.problems
    assert len(problems) == 11 and all(isinstance(p.message, Text) for p in problems)
    for lang in ("fr", "es"):
        assert all(p.message.render(lang) != p.message for p in problems), lang
    french = {(p.row, p.column): p.message.render("fr") for p in problems}
    spanish = {(p.row, p.column): p.message.render("es") for p in problems}
    assert french[4, "x"] == "lon 0,0 diffère de -2,9 (ligne 2) du même site"
    assert french[4, "top_m"] == "la profondeur supérieure -0,1 m est négative"
    assert french[5, "y"] == "lat 95° est hors de [-90 ; 90]"
    assert french[6, "sampled"] == "pas une date (AAAA-MM-JJ) : 'March'"
    assert spanish[6, "bd_kg_m3"] == "3000 kg/m3 → bulk_density 3 g/cm3 está fuera de (0; 2,65] g/cm3"
    assert spanish[6, "treatment"] == "falta el valor de 'field'"
    assert spanish[4, "cores"] == "composite 2,5 no es un número entero de núcleos ≥ 1"


def test_a_decimal_comma_in_a_file_separated_by_commas_is_named(tmp_path):
    path = tmp_path / "soil.csv"
    TABLE.head(2).astype(str).assign(soc_g_kg=["23", "14,5"]).to_csv(path, index=False)
    with pytest.raises(SoilImportError) as caught:
        read_soil(path, TABLE_MAPPING)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (3, "soc_g_kg")
    assert problem.message == (
        "not a number: '14,5' has a decimal comma; write a decimal point (14.5) or save the file with "
        "semicolons between the columns"
    )
    assert problem.message.render("fr").startswith("pas un nombre : '14,5' a une virgule décimale ;")


def test_units_docstring_examples():
    assert doctest.testmod(permille.measure.units).failed == 0
