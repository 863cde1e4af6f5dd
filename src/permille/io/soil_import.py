"""Import soil data from CSV, Excel (.xlsx) or JSON (a list of records) into :class:`SoilData`.

A column mapping names, for each canonical field, the file's column and, for depths and measured
properties, the unit of that column (a dict, or a YAML file holding one)::

    site: system                                  # text fields: just the column name
    profile: core
    upper: {column: depth_at_top_cm, unit: cm}
    lower: {column: depth_at_bottom_cm, unit: cm}
    soc: {column: soc_perc, unit: "%", method: dry combustion, uncertainty: soc_sd}

Fields: ``site``, ``profile``, ``upper``, ``lower`` (required), ``field`` (treatment label),
``sample`` (id; default ``profile:upper-lower``), ``composite`` (number of cores, default 1),
``date`` (YYYY-MM-DD), ``lon`` and ``lat`` (WGS84 degrees, together) and the properties of
:class:`~permille.measure.soildata.Property` (``bd`` = ``bulk_density``). Units: see
:mod:`permille.measure.units`; depths become cm and the frame of the result is in canonical units.

Every problem is collected and reported at once in a :class:`SoilImportError`, by file row as a
spreadsheet shows it (header = row 1, so the first record of a JSON list is row 2): unknown
fields or units in the mapping, missing columns, text in a number column, missing values (of the
required fields, of ``field``, ``lon`` and ``lat`` when mapped, and of the properties in ``require``),
values out of range after conversion (SOC, SOM 0–100 %; bulk density (0, 2.65] g/cm3…), negative or
inverted depths, overlapping layers of a profile, and dates or coordinates that differ between rows
of one profile or site. Importing is all-or-nothing: on any problem nothing is returned or written.
"""

import datetime
import json
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import yaml
from pydantic import ValidationError

from ..i18n import Number, Text
from ..measure.soildata import Property, SoilData, depth_order_problem, overlapping, value_problem
from ..measure.units import DepthUnit, Unit, UnitError, interval, to_canonical
from ..validation_messages import validation_message

CUMBRIA_HEDGEROWS: dict[str, Any] = {
    "site": "system",
    "field": "field",
    "profile": "core",
    "upper": {"column": "depth_at_top_cm", "unit": "cm"},
    "lower": {"column": "depth_at_bottom_cm", "unit": "cm"},
    "soc": {"column": "soc_perc", "unit": "%"},
    "som": {"column": "som_perc", "unit": "%"},
    "fine_mass": {"column": "fine_mass_g", "unit": "g"},
    "core_volume": {"column": "total_volume_cm3", "unit": "cm3"},
}
"""Layout of the Cumbria hedgerow cores (hedge vs control field, 0–50 cm in 10 cm layers)."""

_PROPERTIES = tuple(p.value for p in Property)
_TEXT = ("site", "field", "profile", "sample")
_REQUIRED = ("site", "profile", "upper", "lower")
_DEPTHS = ("upper", "lower")
_FIELDS = (*_TEXT, "date", "lon", "lat", "composite", *_DEPTHS, *_PROPERTIES)
_MISSING = {"", "na", "n/a", "nan", "null"}
_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".json")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d*,\d+(?:[eE][-+]?\d+)?\s*$")


class Problem(NamedTuple):
    """What is wrong where: ``row`` as a spreadsheet shows it (header = 1; None: the mapping or the
    file as a whole) and ``column`` (the file's column; a field name for a problem of the mapping). The
    ``message`` is a catalogue message (:class:`~permille.i18n.Text`: English here, the reader's language
    at the API); a library's own words (YAML, pandas) stay in them."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        where += [repr(self.column)] if self.column else []
        return ", ".join(where) + ": " + self.message if where else self.message


class SoilImportError(ValueError):
    """A soil data file that cannot be imported; ``problems`` lists every :class:`Problem` found."""

    def __init__(self, source: str, problems: Iterable[Problem]):
        self.source = source
        self.problems = sorted(problems, key=lambda p: (p.row is not None, p.row or 0))
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class _Column:
    """A mapped column; ``unit`` None where the field has none or the mapping's unit is unknown."""

    name: str
    unit: Unit | None = None
    method: str = ""
    uncertainty: str | None = None


def load_mapping(path: str | Path) -> dict[str, Any]:
    """A column mapping from a YAML (or JSON) file."""
    path = Path(path)
    try:
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        problem = Problem(None, None, Text("not valid YAML: {error}", error=str(e)))
        raise SoilImportError(str(path), [problem]) from None
    if not isinstance(mapping, dict):
        problem = Problem(None, None, Text("expected a mapping of field: column"))
        raise SoilImportError(str(path), [problem])
    return mapping


def _canonical_field(key: Any) -> str | None:
    key = str(key).strip().lower()
    if key in _FIELDS:
        return key
    try:
        return Property(key).value
    except ValueError:
        return None


def _parse_mapping(mapping: Mapping[str, Any]) -> tuple[dict[str, _Column], list[Problem]]:
    """The mapped columns by canonical field, and every problem of the mapping."""
    columns: dict[str, _Column] = {}
    problems: list[Problem] = []
    for key, entry in mapping.items():
        field = _canonical_field(key)
        if field is None:
            message = Text("unknown field in the mapping; accepted: {accepted}", accepted=", ".join(_FIELDS))
            problems.append(Problem(None, str(key), message))
            continue
        entry = {"column": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or not isinstance(entry.get("column"), str):
            message = Text("the mapping should give a column name or {column: …, unit: …}")
            problems.append(Problem(None, field, message))
            continue
        name = entry["column"].strip()
        unit_type = (
            DepthUnit if field in _DEPTHS else Property(field).unit_type if field in _PROPERTIES else None
        )
        allowed = (
            {"column"}
            | ({"unit"} if unit_type else set())
            | ({"method", "uncertainty"} if field in _PROPERTIES else set())
        )
        for extra in sorted(set(entry) - allowed):
            problems.append(
                Problem(
                    None,
                    field,
                    Text(
                        "unknown key {key} in the mapping; accepted: {accepted}",
                        key=repr(extra),
                        accepted=", ".join(sorted(allowed)),
                    ),
                )
            )
        unit = None
        if unit_type is not None and "unit" not in entry:
            message = Text(
                "the mapping gives no unit for {field}; accepted: {accepted}",
                field=field,
                accepted=", ".join(unit_type),
            )
            problems.append(Problem(1, name, message))
        elif unit_type is not None:
            try:
                unit = unit_type.parse(entry["unit"])
            except UnitError as e:
                problems.append(Problem(1, name, e.args[0]))
        uncertainty = entry.get("uncertainty")
        columns[field] = _Column(name, unit, str(entry.get("method", "")), uncertainty and str(uncertainty))
    missing = Text("required field not in the mapping")
    problems += [Problem(None, f, missing) for f in _REQUIRED if f not in columns]
    if ("lon" in columns) != ("lat" in columns):
        given, absent = ("lon", "lat") if "lon" in columns else ("lat", "lon")
        message = Text("the mapping gives {given} but not {absent}", given=given, absent=absent)
        problems.append(Problem(None, absent, message))
    return columns, problems


def _is_missing(cell: Any) -> bool:
    if isinstance(cell, str):
        return cell.strip().lower() in _MISSING
    return cell is None or cell is pd.NaT or (isinstance(cell, float) and math.isnan(cell))


def _number(cell: Any) -> float:
    """The number in ``cell``; ``ValueError`` (its message a :class:`Text`) for text, a decimal comma (in a
    file separated by commas) or a non-finite number."""
    if isinstance(cell, numbers.Real) and not isinstance(cell, bool):
        value = float(cell)
    else:
        try:
            value = float(str(cell).strip())
        except ValueError:
            if _DECIMAL_COMMA.match(str(cell)):
                message = Text(
                    "not a number: {value} has a decimal comma; write a decimal point ({number}) or save "
                    "the file with semicolons between the columns",
                    value=repr(cell),
                    number=str(cell).strip().replace(",", "."),
                )
                raise ValueError(message) from None
            raise ValueError(Text("not a number: {value}", value=repr(cell))) from None
    if not math.isfinite(value):
        raise ValueError(Text("not a finite number: {value}", value=repr(cell)))
    return value


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _date(cell: Any) -> datetime.date:
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    try:
        return datetime.datetime.fromisoformat(str(cell).strip()).date()
    except ValueError:
        raise ValueError(Text("not a date (YYYY-MM-DD): {value}", value=repr(cell))) from None


def _parse_row(n: int, row: Mapping[str, Any], columns: dict[str, _Column], require: set[str]):
    """Values of one data row (``n`` = its spreadsheet row): a record, and its problems."""
    record: dict[str, Any] = {"row": n, "results": []}
    problems: list[Problem] = []
    for field, col in columns.items():
        if col.name not in row:
            continue  # reported once, as a missing column
        cell = row[col.name]
        if _is_missing(cell):
            if field in require:
                problems.append(
                    Problem(n, col.name, Text("missing value of {field} (required)", field=repr(field)))
                )
            elif field in (*_REQUIRED, "field", "lon", "lat"):
                problems.append(Problem(n, col.name, Text("missing value of {field}", field=repr(field))))
            continue
        parse = _text if field in _TEXT else _date if field == "date" else _number
        try:
            value = parse(cell)
        except ValueError as e:
            problems.append(Problem(n, col.name, e.args[0]))
            continue
        problem = _field_problem(field, value, col)
        if problem:
            problems.append(Problem(n, col.name, problem))
        elif field in _PROPERTIES:
            result = {"property": field, "unit": col.unit, "value": value, "method": col.method}
            problems += _add_uncertainty(result, n, row, col)
            record["results"].append(result)
        elif field in _DEPTHS:
            if col.unit is not None:  # in cm; rounding drops float noise (0.3 m → 30, not 30.000000000000004)
                record[field] = round(to_canonical(value, col.unit), 6)
        else:
            record[field] = value
    return record, problems


def _field_problem(field: str, value: Any, col: _Column) -> Text | None:
    """Why a parsed value is not acceptable, or None; values in a column of unknown unit pass."""
    if field in _PROPERTIES and col.unit is not None:
        problem = value_problem(Property(field), to_canonical(value, col.unit))
        if problem is None or col.unit is col.unit.canonical():
            return problem
        return Text(
            "{value} {unit} → {problem}", value=Number(value, None), unit=str(col.unit), problem=problem
        )
    if field in _DEPTHS and value < 0:
        values = {"value": Number(value, None), "unit": str(col.unit or "")}
        if field == "upper":
            return Text("upper depth {value} {unit} is negative", **values)
        return Text("lower depth {value} {unit} is negative", **values)
    limit = {"lon": 180, "lat": 90}.get(field)
    if limit and abs(value) > limit:
        return Text(
            "{field} {value}° is outside {interval}",
            field=field,
            value=Number(value, None),
            interval=interval(-limit, limit),
        )
    if field == "composite" and not (value >= 1 and value.is_integer()):
        return Text("composite {value} is not a whole number of cores ≥ 1", value=Number(value, None))
    return None


def _add_uncertainty(result: dict, n: int, row: Mapping[str, Any], col: _Column) -> list[Problem]:
    """Put the uncertainty of ``col`` (if mapped and given) into ``result``; its problems."""
    if col.uncertainty is None or col.uncertainty not in row or _is_missing(row[col.uncertainty]):
        return []
    try:
        value = _number(row[col.uncertainty])
    except ValueError as e:
        return [Problem(n, col.uncertainty, e.args[0])]
    if value < 0:
        return [
            Problem(n, col.uncertainty, Text("uncertainty {value} is negative", value=Number(value, None)))
        ]
    result["uncertainty"] = value
    return []


def _profile_key(record: dict) -> tuple:
    return record.get("site"), record.get("field"), record.get("profile")


def _site_key(record: dict) -> tuple:
    return record.get("site"), record.get("field")


def _across_rows(records: list[dict], columns: dict[str, _Column]) -> list[Problem]:
    """Depth order and overlaps within a profile; one date per profile, one location per site."""
    problems = []
    keys = [f for f in ("site", "field", "profile") if f in columns]
    identified = [r for r in records if all(f in r for f in keys)]
    profiles: dict[tuple, list[dict]] = {}
    for r in identified:
        if "upper" in r and "lower" in r:
            problem = depth_order_problem(r["upper"], r["lower"])
            if problem:
                problems.append(Problem(r["row"], columns["upper"].name, problem))
            else:
                profiles.setdefault(_profile_key(r), []).append(r)
    for key, layers in profiles.items():
        for i, j in overlapping([(r["upper"], r["lower"]) for r in layers]):
            a, b = layers[i], layers[j]
            message = Text(
                "layer {upper}–{lower} cm overlaps layer {other_upper}–{other_lower} cm (row {row}) of profile "
                "{profile}",
                upper=Number(b["upper"], None),
                lower=Number(b["lower"], None),
                other_upper=Number(a["upper"], None),
                other_lower=Number(a["lower"], None),
                row=a["row"],
                profile=repr(key[2]),
            )
            problems.append(Problem(b["row"], columns["upper"].name, message))
    for field, key, what in (
        ("date", _profile_key, "profile"),
        ("lon", _site_key, "site"),
        ("lat", _site_key, "site"),
    ):
        first: dict[tuple, tuple[Any, int]] = {}
        for r in identified:
            if field in r:
                value, row = first.setdefault(key(r), (r[field], r["row"]))
                if r[field] != value:
                    message = _differs(field, r[field], value, row, what)
                    problems.append(Problem(r["row"], columns[field].name, message))
    return problems


def _shown(value: Any) -> Any:
    """A date as it is; a coordinate (a float) with the decimals Python writes, in the reader's way."""
    if isinstance(value, float):
        decimals = repr(value).partition(".")[2]
        return Number(value, len(decimals) if decimals.isdigit() else None)
    return value


def _differs(field: str, value: Any, first: Any, row: int, what: str) -> Text:
    """A date (of a profile) or coordinate (of a site) that differs from the first row's."""
    values = {"field": field, "value": _shown(value), "first": _shown(first), "row": row}
    if what == "profile":
        return Text("{field} {value} differs from {first} (row {row}) of the same profile", **values)
    return Text("{field} {value} differs from {first} (row {row}) of the same site", **values)


def _tree(records: list[dict]) -> dict:
    """Records (one per layer) as the nested data of :class:`SoilData`, layers by depth."""
    sites: dict[tuple, dict] = {}
    for r in records:
        site = sites.setdefault(_site_key(r), {"id": r["site"], "field": r.get("field"), "profiles": {}})
        for field in ("lon", "lat"):
            site.setdefault(field, r.get(field))
        profile = site["profiles"].setdefault(r["profile"], {"id": r["profile"], "layers": []})
        if profile.get("date") is None:
            profile["date"] = r.get("date")
        sample = {
            "id": r.get("sample", f"{r['profile']}:{r['upper']:g}-{r['lower']:g}"),
            "composite": int(r.get("composite", 1)),
            "results": r["results"],
        }
        profile["layers"].append({"upper_cm": r["upper"], "lower_cm": r["lower"], "sample": sample})
    for site in sites.values():
        site["profiles"] = [
            {**p, "layers": sorted(p["layers"], key=lambda layer: layer["upper_cm"])}
            for p in site["profiles"].values()
        ]
    return {"sites": list(sites.values())}


def _required_properties(
    require: Iterable[str], columns: dict[str, _Column]
) -> tuple[set[str], list[Problem]]:
    wanted, problems = set(), []
    for name in require:
        try:
            prop = Property(name).value
        except ValueError:
            accepted = ", ".join(p.value for p in Property)
            message = Text("unknown property to require; accepted: {accepted}", accepted=accepted)
            problems.append(Problem(None, str(name), message))
            continue
        wanted.add(prop)
        if prop not in columns:
            problems.append(Problem(None, prop, Text("required but not in the mapping")))
    return wanted, problems


def _records_frame(records: Any, source: str) -> pd.DataFrame:
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SoilImportError(
            source, [Problem(None, None, Text("expected a list of records {column: value}"))]
        )
    return pd.DataFrame(records, dtype=object)


def import_table(
    table: pd.DataFrame | list[dict],
    mapping: Mapping[str, Any] | str | Path,
    *,
    require: Iterable[str] = (),
    source: str = "table",
) -> SoilData:
    """Validate a table (a frame, or a list of records) read as text or numbers into :class:`SoilData`.

    ``mapping`` is a dict or a YAML file (see the module); ``require`` names properties
    (``("soc", "bd")``) that every row must give. Row ``i`` of the table (from 0) is reported as row
    ``i + 2``. Raises :class:`SoilImportError` listing every problem.
    """
    if isinstance(mapping, str | Path):
        mapping = load_mapping(mapping)
    require = (require,) if isinstance(require, str) else require
    frame = table if isinstance(table, pd.DataFrame) else _records_frame(table, source)
    columns, problems = _parse_mapping(mapping)
    wanted, require_problems = _required_properties(require, columns)
    problems += require_problems
    names = [c.name for c in columns.values()] + [c.uncertainty for c in columns.values() if c.uncertainty]
    file_columns = [str(c) for c in frame.columns]
    for name in dict.fromkeys(names):
        if name not in file_columns:
            message = Text("column missing; the file has: {columns}", columns=", ".join(file_columns))
            problems.append(Problem(1, name, message))
    records = []
    for i, row in enumerate(frame.to_dict("records")):
        if not all(_is_missing(cell) for cell in row.values()):
            record, row_problems = _parse_row(i + 2, row, columns, wanted)
            records.append(record)
            problems += row_problems
    problems += _across_rows(records, columns)
    if not records:
        problems.append(Problem(None, None, Text("no data rows")))
    if problems:
        raise SoilImportError(source, problems)
    try:
        return SoilData.model_validate(_tree(records))
    except ValidationError as e:
        problems = [
            Problem(None, ".".join(map(str, err["loc"])), validation_message(err, value_error_prefix=False))
            for err in e.errors()
        ]
        raise SoilImportError(source, problems) from None


def _csv_separator(path: Path) -> str:
    """``;`` when the header line has more semicolons than commas (the spreadsheet export of locales with a
    decimal comma), else ``,``."""
    with path.open(encoding="utf-8-sig") as f:
        header = f.readline()
    return ";" if header.count(";") > header.count(",") else ","


def read_table(path: str | Path, sheet: int | str = 0) -> pd.DataFrame:
    """The cells of a CSV, Excel (.xlsx, ``sheet``) or JSON (list of records) file, unconverted.

    A CSV separated by semicolons is read as the export of a locale with a decimal comma: cells like
    ``1,25`` become ``1.25``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        message = Text(
            "unknown file type {suffix}; accepted: {accepted}",
            suffix=repr(suffix),
            accepted=", ".join(_SUFFIXES),
        )
        raise SoilImportError(str(path), [Problem(None, None, message)])
    try:
        if suffix == ".csv":
            separator = _csv_separator(path)
            frame = pd.read_csv(
                path,
                sep=separator,
                dtype=object,
                keep_default_na=False,
                skip_blank_lines=False,
                encoding="utf-8-sig",
            )
            if separator == ";":
                frame = frame.map(
                    lambda c: c.replace(",", ".") if isinstance(c, str) and _DECIMAL_COMMA.match(c) else c
                )
        elif suffix == ".json":
            records = json.loads(path.read_text(encoding="utf-8"))
        else:
            frame = pd.read_excel(path, sheet_name=sheet, dtype=object)
    except ValueError as e:
        raise SoilImportError(
            str(path), [Problem(None, None, Text("cannot be read: {error}", error=str(e)))]
        ) from None
    if suffix == ".json":
        frame = _records_frame(records, str(path))
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read_soil(
    path: str | Path,
    mapping: Mapping[str, Any] | str | Path,
    *,
    require: Iterable[str] = (),
    export: str | Path | None = None,
    sheet: int | str = 0,
) -> SoilData:
    """Import a CSV, Excel (.xlsx) or JSON file with a column mapping (dict or YAML file).

    ``require`` names properties every row must give; ``export``, a CSV path for the normalised
    frame (:meth:`SoilData.to_frame`), is written only when the whole file is valid. Raises
    :class:`SoilImportError` listing every problem; then nothing is returned or written.
    """
    data = import_table(read_table(path, sheet), mapping, require=require, source=str(path))
    if export is not None:
        export = Path(export)
        partial = export.with_name(export.name + ".part")
        data.to_frame().to_csv(partial, index=False)
        partial.replace(export)
    return data
