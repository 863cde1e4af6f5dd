"""The official RothC input file (``RothC_input.dat``) and result tables, so RothC users can switch.

Two layouts are read: RothC_R v2.0.0 (a line of options ``opt_RMmoist opt_SMDbare``, then ``clay depth
iom nsteps silt BD OC minRM_Moist``) and RothC_Py v1.0.0 / Fortran (``clay depth iom nsteps``). Both then
have a header line starting with ``year`` and one whitespace-separated row per month: year, month,
% modern, temperature (°C), rain (mm), open-pan evaporation (mm), plant input (t C/ha), FYM
(t C/ha), plant cover (0/1), DPM/RPM. The first 12 rows drive the spin-up, rows 13…nsteps the run.
Results are written as the official programs write them: ``month_results.out`` / ``year_results.out``
(R layout) or ``month_results.csv`` / ``year_results.csv`` (Python layout).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..models import rothc

MONTH_COLUMNS = ("year", "month", "modern", "temp", "rain", "evap", "plant_input", "fym", "pc", "dpm_rpm")


class RothCFileError(ValueError):
    """A RothC input file that cannot be read; the message lists every problem with its line number."""


@dataclass(frozen=True)
class RothCInput:
    """Contents of an official RothC input file. Units as in the file: clay %, depth cm, IOM t C/ha."""

    layout: str  # "R" (RothC_R v2.0.0, with options) or "Py" (RothC_Py v1.0.0 / Fortran)
    clay: float
    depth: float
    iom: float
    nsteps: int
    months: pd.DataFrame  # MONTH_COLUMNS, the first ``nsteps`` rows
    opt_rmmoist: int = 1
    opt_smdbare: int = 1

    @property
    def soil(self) -> rothc.Soil:
        return rothc.Soil(
            clay=self.clay,
            depth=self.depth,
            iom=self.iom,
            bare_rule={1: "classic", 2: "15bar"}[self.opt_smdbare],
        )

    def forcing(self, rows: slice) -> rothc.Forcing:
        m = self.months.iloc[rows]
        return rothc.Forcing(
            temperature=m.temp.to_numpy(),
            rain=m.rain.to_numpy(),
            evaporation=m.evap.to_numpy(),
            plant_cover=m.pc.to_numpy(),
            plant_input=m.plant_input.to_numpy(),
            fym=m.fym.to_numpy(),
            dpm_rpm=m.dpm_rpm.to_numpy(),
            modern_percent=m.modern.to_numpy(),
        )


def _header_values(lines, names: tuple[str, ...], path) -> tuple[int, dict[str, str]] | None:
    """The first line whose tokens start with ``names[0]`` and include all ``names``, and the values below it."""
    for i, line in enumerate(lines):
        tokens = line.replace(",", " ").split()
        lower = [t.lower() for t in tokens]
        if lower and lower[0] == names[0] and set(names) <= set(lower):
            if i + 1 >= len(lines):
                raise RothCFileError(
                    f"{path}: line {i + 1}: header '{line.strip()}' has no line of values below it"
                )
            values = lines[i + 1].replace(",", " ").split()
            return i, dict(zip([t.lower() for t in tokens], values, strict=False))
    return None


def read_input(path: str | Path) -> RothCInput:
    """Read an official ``RothC_input.dat`` (either layout), reporting every unreadable value."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as e:
        raise RothCFileError(f"{path}: cannot be read: {e.strerror}") from e
    problems = []

    options = _header_values(lines, ("opt_rmmoist", "opt_smdbare"), path)
    soil = _header_values(lines, ("clay", "depth", "iom", "nsteps"), path)
    table = _header_values(lines, ("year", "month"), path)
    if soil is None or table is None:
        raise RothCFileError(
            f"{path}: not a RothC input file: no header lines 'clay depth iom nsteps' and 'year month …'"
        )

    def number(values, key, line_no, kind=float):
        if key not in values:
            problems.append(f"line {line_no}: no value for '{key}'")
            return np.nan
        try:
            v = kind(float(values[key]))
        except ValueError:
            problems.append(f"line {line_no}: {key} = {values[key]!r} is not a number")
            return np.nan
        return v

    opt_rmmoist = opt_smdbare = 1
    if options is not None:
        opt_rmmoist = number(options[1], "opt_rmmoist", options[0] + 2, int)
        opt_smdbare = number(options[1], "opt_smdbare", options[0] + 2, int)
        if isinstance(opt_rmmoist, int) and opt_rmmoist != 1:
            problems.append(
                f"line {options[0] + 2}: opt_RMmoist = {opt_rmmoist}: only the classic moisture function (1) "
                "is implemented; the Farina et al. (2013) options 2 and 3 are not"
            )
        if isinstance(opt_smdbare, int) and opt_smdbare not in (1, 2):
            problems.append(f"line {options[0] + 2}: opt_SMDbare = {opt_smdbare} must be 1 or 2")
    line_no = soil[0] + 2
    clay, depth, iom = (number(soil[1], k, line_no) for k in ("clay", "depth", "iom"))
    nsteps = number(soil[1], "nsteps", line_no, int)

    rows = []
    for i, line in enumerate(lines[table[0] + 1 :], start=table[0] + 2):
        tokens = line.replace(",", " ").split()
        if not tokens:
            continue
        if len(tokens) != len(MONTH_COLUMNS):
            problems.append(
                f"line {i}: {len(tokens)} values, expected {len(MONTH_COLUMNS)} ({' '.join(MONTH_COLUMNS)})"
            )
            continue
        row = []
        for name, token in zip(MONTH_COLUMNS, tokens, strict=True):
            try:
                row.append(float(token))
            except ValueError:
                problems.append(f"line {i}: {name} = {token!r} is not a number")
                row.append(np.nan)
        rows.append(row)
    if isinstance(nsteps, int) and nsteps < 13:
        problems.append(f"line {line_no}: nsteps = {nsteps}: needs 12 spin-up months and at least one more")
    elif isinstance(nsteps, int) and len(rows) < nsteps:
        problems.append(f"nsteps = {nsteps} but the file has {len(rows)} monthly rows")
    if problems:
        raise RothCFileError(
            f"{path}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
        )

    months = pd.DataFrame(rows[:nsteps], columns=list(MONTH_COLUMNS))
    months[["year", "month"]] = months[["year", "month"]].astype(int)
    return RothCInput(
        layout="R" if options is not None else "Py",
        clay=clay,
        depth=depth,
        iom=iom,
        nsteps=nsteps,
        months=months,
        opt_rmmoist=opt_rmmoist,
        opt_smdbare=opt_smdbare,
    )


@dataclass(frozen=True)
class RothCRun:
    """A file run: the starting state, how many spin-up months it took (0 for the exact equilibrium),
    and the monthly results of rows 13…nsteps for the single site."""

    input: RothCInput
    start: rothc.State
    spinup_months: int
    result: rothc.Result


def run_input(data: RothCInput, *, spin_up: str = "official") -> RothCRun:
    """Run a file as the official programs do: spin up on the first 12 months, then run the rest.

    ``spin_up="official"`` iterates as the official code (reproducing its outputs to 1e-9 t C/ha);
    ``"exact"`` starts from the exact periodic equilibrium instead.
    """
    climate = data.forcing(slice(0, 12))
    if spin_up == "official":
        start, months = rothc.spin_up(data.soil, climate)
        spinup_months = int(months[0])
    elif spin_up == "exact":
        start, spinup_months = rothc.equilibrium(data.soil, climate), 0
    else:
        raise ValueError(f"spin_up must be 'official' or 'exact', not {spin_up!r}")
    result = rothc.run(data.soil, data.forcing(slice(12, data.nsteps)), start)
    return RothCRun(data, start, spinup_months, result)


def month_table(run: RothCRun) -> pd.DataFrame:
    """The official monthly result table of ``run`` (columns as the official program of its layout)."""
    m = run.input.months.iloc[12:].reset_index(drop=True)
    r = run.result
    pools = {"DPM_t_C_ha": r.dpm[:, 0], "RPM_t_C_ha": r.rpm[:, 0]}
    if run.input.layout == "R":
        return pd.DataFrame(
            {
                "Year": m.year,
                "Month": m.month,
                "Pl_inp_t_C_ha": m.plant_input,
                "OA_inp_t_C_ha": m.fym,
                "TEMP_C": m.temp,
                "RM_Temp": r.rm_temp[:, 0],
                "RAIN_mm": m.rain,
                "PEVAP_mm": m.evap,
                "SMD_mm": r.smd[:, 0],
                "RM_Moist": r.rm_moist[:, 0],
                "PC": m.pc,
                "RM_PC": r.rm_pc[:, 0],
                **pools,
                "Bio_t_C_ha": r.bio[:, 0],
                "Hum_t_C_ha": r.hum[:, 0],
                "IOM_t_C_ha": r.iom[0],
                "SOC_t_C_ha": r.soc[:, 0],
                "CO2_t_C_ha": r.co2[:, 0],
            }
        )
    return pd.DataFrame(
        {
            "Year": m.year,
            "Month": m.month,
            **pools,
            "BIO_t_C_ha": r.bio[:, 0],
            "HUM_t_C_ha": r.hum[:, 0],
            "IOM_t_C_ha": r.iom[0],
            "SOC_t_C_ha": r.soc[:, 0],
            "deltaC": r.delta14c()[:, 0],
        }
    )


def year_table(run: RothCRun) -> pd.DataFrame:
    """The official yearly table: the spin-up state (Year 1, Month = spin-up months), then each December."""
    months = month_table(run)
    if "deltaC" not in months:
        months["deltaC"] = run.result.delta14c()[:, 0]
    december = months[months.Month == 12]
    start = run.start
    first = {
        "Year": 1,
        "Month": run.spinup_months,
        "DPM_t_C_ha": start.pools[0, 0],
        "RPM_t_C_ha": start.pools[1, 0],
        "Bio_t_C_ha": start.pools[2, 0],
        "Hum_t_C_ha": start.pools[3, 0],
        "IOM_t_C_ha": start.iom[0],
        "SOC_t_C_ha": start.soc[0],
        "CO2_t_C_ha": 0.0,
        "deltaC": rothc.delta14c(start.age()["SOC"])[0],
    }
    if run.input.layout == "Py":
        first = {
            k.replace("Bio", "BIO").replace("Hum", "HUM"): v for k, v in first.items() if k != "CO2_t_C_ha"
        }
    columns = list(first)
    return pd.concat([pd.DataFrame([first]), december[columns]], ignore_index=True)


def write_results(run: RothCRun, out_dir: str | Path) -> list[Path]:
    """Write the official month and year tables of ``run`` into ``out_dir``; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    r_layout = run.input.layout == "R"
    names = (
        ("month_results.out", "year_results.out") if r_layout else ("month_results.csv", "year_results.csv")
    )
    paths = [out_dir / n for n in names]
    for table, path in zip((month_table(run), year_table(run)), paths, strict=True):
        with path.open("w", newline="") as f:
            if r_layout:  # as R's write.csv: quoted header, 15 significant digits
                f.write(",".join(f'"{c}"' for c in table.columns) + "\n")
                table.to_csv(f, index=False, header=False, float_format="%.15g")
            else:  # as RothC_Py's pandas to_csv: shortest round-trip floats
                table.to_csv(f, index=False)
    return paths
