"""Reading official RothC input files: both layouts, and clear errors with line numbers."""

import numpy as np
import pytest

from permille.io import rothc_files
from tests.conftest import shared_path


def test_both_layouts_are_read():
    r = rothc_files.read_input(shared_path("reference/rothc/official-r-example/RothC_input.dat"))
    py = rothc_files.read_input(shared_path("reference/rothc/official-py-example/RothC_input.dat"))
    assert (r.layout, r.clay, r.depth, r.iom, r.nsteps, r.opt_smdbare) == ("R", 23.4, 23.0, 3.0041, 840, 1)
    assert (py.layout, py.clay, py.depth, py.nsteps) == ("Py", 13.0, 25.0, 840)
    assert len(r.months) == 840 and list(r.months.columns) == list(rothc_files.MONTH_COLUMNS)
    assert r.months.evap.min() < 0  # measured pan evaporation includes dew months; they are kept


def _write(tmp_path, text):
    path = tmp_path / "RothC_input.dat"
    path.write_text(text)
    return path


HEAD = "comment\ncomment\n(%) (cm) (t C/ha) (-)\nclay depth iom nsteps\n{soil}\nunits\nyear month modern Tmp Rain Evap C_inp FYM PC DPM_RPM\n"
ROW = "{y} {m} 100 5 50 20 0.1 0 1 1.44\n"


def _file(soil="23.4 23 3.0 14", rows=14, extra=""):
    return (
        HEAD.format(soil=soil) + "".join(ROW.format(y=1 + i // 12, m=1 + i % 12) for i in range(rows)) + extra
    )


def test_every_bad_value_is_reported_with_its_line(tmp_path):
    text = (
        _file(soil="23.4 abc 3.0 14")
        .replace("1 3 100 5 50 20", "1 3 100 x 50 20")
        .replace("1 5 100 5 50 20 0.1 0 1 1.44", "1 5 100 5 50")
    )
    with pytest.raises(rothc_files.RothCFileError) as info:
        rothc_files.read_input(_write(tmp_path, text))
    message = str(info.value)
    assert "line 5: depth = 'abc' is not a number" in message
    assert "line 10: temp = 'x' is not a number" in message
    assert "line 12: 5 values, expected 10" in message


def test_too_few_rows_and_missing_headers(tmp_path):
    with pytest.raises(rothc_files.RothCFileError, match="nsteps = 20 but the file has 14 monthly rows"):
        rothc_files.read_input(_write(tmp_path, _file(soil="23.4 23 3.0 20")))
    with pytest.raises(rothc_files.RothCFileError, match="not a RothC input file"):
        rothc_files.read_input(_write(tmp_path, "hello\n"))
    with pytest.raises(rothc_files.RothCFileError, match="cannot be read"):
        rothc_files.read_input(tmp_path / "missing.dat")


def test_farina_moisture_options_are_refused_clearly(tmp_path):
    text = "c\nc\n(-)\nopt_RMmoist opt_SMDbare\n2 1\n" + _file()
    with pytest.raises(rothc_files.RothCFileError, match="opt_RMmoist = 2: only the classic"):
        rothc_files.read_input(_write(tmp_path, text))


def test_bare_soil_option_2_uses_the_15_bar_limit(tmp_path):
    text = "c\nc\n(-)\nopt_RMmoist opt_SMDbare\n1 2\n" + _file().replace(" 1 1.44", " 0 1.44").replace(
        " 50 20 ", " 5 200 "
    )
    data = rothc_files.read_input(_write(tmp_path, text))
    assert data.soil.bare_rule == "15bar"
    dry = rothc_files.run_input(data, spin_up="exact").result.smd
    classic = rothc_files.run_input(rothc_files.read_input(_write(tmp_path, text.replace("1 2\n", "1 1\n"))))
    assert dry.min() < classic.result.smd.min() < 0


def test_a_bad_value_inside_the_months_is_caught_by_the_model(tmp_path):
    data = rothc_files.read_input(
        _write(tmp_path, _file().replace("1 4 100 5 50 20 0.1", "1 4 100 5 50 20 -0.1"))
    )
    with pytest.raises(ValueError, match="plant_input: month 4: -0.1"):
        rothc_files.run_input(data)
    assert np.isfinite(data.months.to_numpy(float)).all()
