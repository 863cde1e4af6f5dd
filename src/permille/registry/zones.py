"""Monitoring layers by zone (country, region, world), precomputed by :mod:`permille.grid.atlas` and
bundled as ``permille/data/monitoring/zone_statistics.csv`` (SYNTHETIC demonstration data, flagged as
such in every row's ``dataset``: "atlas-synthetic"), and real datasets built from the layer catalogue by
``permille atlas build --from-catalogue`` (:mod:`permille.grid.build`: a folder ``$PERMILLE_HOME/atlas/
atlas-<hash>/`` holding the table and its provenance JSON, ``synthetic = false``), loaded with
:func:`load_folder`. Migration ``0002_zone_statistics`` creates the table.

Units: ``mean``/``sd_mean``/``mean_low``/``mean_high`` in ``mean_units`` (t C ha-1 or t C ha-1 yr-1),
``total``/``sd_total``/``total_low``/``total_high`` in ``total_units`` (Mt C or Mt C yr-1), areas in ha.
"""

import csv
import io
import json
import re
import threading
import weakref
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Boolean, Float, Index, Integer, String, UniqueConstraint, delete, event, func, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..home import permille_home
from . import events
from .orm import Base

BUNDLED = files("permille") / "data" / "monitoring"
BUNDLED_DATASET = "atlas-synthetic"
TABLE_FILE, METADATA_FILE = "zone_statistics.csv", "zone_statistics.json"
_DATASET = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
ZONES_KIND = "zone_statistics"
"""The change kind announced after a zone dataset is (re)loaded (not a record kind: the public event
stream ignores it; the read-model cache drops the zone aggregates)."""

_TEXT = ("level", "zone", "name", "region", "layer", "scenario", "mean_units", "total_units")
_NUMBERS = (
    "zone_area_ha", "area_ha", "covered_fraction", "mean", "sd_mean", "mean_low", "mean_high",
    "total", "sd_total", "total_low", "total_high",
)  # fmt: skip


class ZoneStatistic(Base):
    """One layer of one zone in one year: area-weighted mean and total with SD and 95 % interval."""

    __tablename__ = "zone_statistic"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(60), index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean)
    level: Mapped[str] = mapped_column(String(10), index=True)  # global, region, country
    zone: Mapped[str] = mapped_column(String(60), index=True)  # ISO3, region name or WLD
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(60), default="")
    layer: Mapped[str] = mapped_column(String(30), index=True)
    scenario: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    mean_units: Mapped[str] = mapped_column(String(20))
    total_units: Mapped[str] = mapped_column(String(20))
    n_valid: Mapped[int] = mapped_column(Integer)
    zone_area_ha: Mapped[float] = mapped_column(Float)
    area_ha: Mapped[float] = mapped_column(Float)
    covered_fraction: Mapped[float | None] = mapped_column(Float)
    mean: Mapped[float | None] = mapped_column(Float)
    sd_mean: Mapped[float | None] = mapped_column(Float)
    mean_low: Mapped[float | None] = mapped_column(Float)
    mean_high: Mapped[float | None] = mapped_column(Float)
    total: Mapped[float | None] = mapped_column(Float)
    sd_total: Mapped[float | None] = mapped_column(Float)
    total_low: Mapped[float | None] = mapped_column(Float)
    total_high: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("dataset", "level", "zone", "layer", "year"),
        Index("ix_zone_statistic_dataset_year", "dataset", "year"),  # MIN/MAX year of a dataset
    )


def bundled_metadata() -> dict:
    """Provenance of the bundled table (``synthetic``, parameters, sources, columns with units)."""
    return json.loads((BUNDLED / METADATA_FILE).read_text(encoding="utf-8"))


def _number(text: str) -> float | None:
    return None if text in ("", "nan", "NaN") else float(text)


def load_bundled(session: Session) -> int:
    """Load the bundled table unless it is already there (idempotent); returns the rows added. The
    caller commits."""
    return _load(session, BUNDLED, BUNDLED_DATASET, bundled_metadata())


def dataset_folder(name: str, home: Path | None = None) -> Path:
    """Where ``permille atlas build`` writes dataset ``name``: ``$PERMILLE_HOME/atlas/<name>``."""
    if not _DATASET.match(name):
        raise ValueError(f"dataset name {name!r}: expected 1-60 characters of a-z, 0-9, '-' and '_'")
    return (home or permille_home()) / "atlas" / name


def folder_metadata(folder: Path) -> dict:
    """The metadata (provenance) of a dataset folder written by :func:`permille.grid.atlas.write_atlas`."""
    return json.loads((Path(folder) / METADATA_FILE).read_text(encoding="utf-8"))


def dataset_metadata(name: str, home: Path | None = None) -> dict:
    """The metadata of a dataset by name: the bundled one, or one built into ``$PERMILLE_HOME/atlas``."""
    if name == BUNDLED_DATASET:
        return bundled_metadata()
    return folder_metadata(dataset_folder(name, home))


def load_folder(session: Session, folder: Path | str, *, replace: bool = False) -> tuple[str, int]:
    """Load a dataset folder (``zone_statistics.csv`` and ``.json``, as written by ``permille atlas
    build``) under its metadata's ``dataset`` name (default: the folder's name) and ``synthetic`` flag.
    Idempotent unless ``replace`` (its earlier rows are deleted first). Returns (name, rows added); the
    caller commits. A folder's table may not take the bundled synthetic name."""
    folder = Path(folder)
    metadata = folder_metadata(folder)
    name = str(metadata.get("dataset") or folder.name)
    if not _DATASET.match(name):
        raise ValueError(
            f"{folder}: dataset name {name!r}: expected 1-60 characters of a-z, 0-9, '-' and '_'"
        )
    if name == BUNDLED_DATASET:
        raise ValueError(f"{folder}: {BUNDLED_DATASET!r} is the bundled demonstration dataset's name")
    if "synthetic" not in metadata:
        raise ValueError(f"{folder}: the metadata does not say whether the table is synthetic")
    if replace:
        session.execute(delete(ZoneStatistic).where(ZoneStatistic.dataset == name))
    return name, _load(session, folder, name, metadata)


def datasets(session: Session) -> dict[str, bool]:
    """The loaded datasets: name → synthetic."""
    query = select(ZoneStatistic.dataset, ZoneStatistic.synthetic).distinct().order_by(ZoneStatistic.dataset)
    return {name: bool(synthetic) for name, synthetic in session.execute(query)}


def _load(session: Session, folder, name: str, metadata: dict) -> int:
    """Insert the table in ``folder`` as dataset ``name`` unless rows of it are there; rows added."""
    if session.scalar(select(func.count()).where(ZoneStatistic.dataset == name)):
        return 0
    synthetic = bool(metadata["synthetic"])
    text = (folder / TABLE_FILE).read_text(encoding="utf-8")
    rows = [
        {key: row[key] for key in _TEXT}
        | {key: _number(row[key]) for key in _NUMBERS}
        | {"year": int(row["year"]), "n_valid": int(row["n_valid"])}
        | {"dataset": name, "synthetic": synthetic}
        for row in csv.DictReader(io.StringIO(text))
    ]
    if rows:
        session.execute(ZoneStatistic.__table__.insert(), rows)
        announce_after_commit(session, name)
    return len(rows)


def real_dataset(session: Session) -> str | None:
    """The real (``synthetic=False``) dataset the monitoring pages show: the one written last; None when
    only the synthetic demonstration dataset (or nothing) is loaded."""
    return session.scalar(
        select(ZoneStatistic.dataset)
        .where(ZoneStatistic.synthetic.is_(False))
        .order_by(ZoneStatistic.id.desc())
        .limit(1)
    )


def announce_after_commit(session: Session, dataset: str) -> None:
    """Publish ``{"kind": ZONES_KIND, "action": "load", "dataset": dataset}`` once ``session`` commits
    (whoever writes a zone dataset calls this)."""
    change = {"kind": ZONES_KIND, "action": "load", "id": None, "country_iso3": None, "dataset": dataset}
    event.listen(session, "after_commit", lambda _session: events.publish(change), once=True)


# --- reading: each dataset held once per process as rows in memory ------------------------------------------


@dataclass(frozen=True)
class _Table:
    """The rows of one dataset (sorted by level, zone, layer, year) and lookups into them."""

    fingerprint: tuple
    rows: tuple[Row, ...]
    by_level: dict[str, list[Row]]
    by_zone: dict[tuple[str, str], list[Row]]
    by_layer_year: dict[tuple[str, str, int], list[Row]]
    first_year: int | None
    last_year: int | None


_tables: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine → {dataset: _Table}
_tables_lock = threading.Lock()


def _fingerprint(session: Session, dataset: str) -> tuple:
    """Row count and newest id of ``dataset``: one index lookup; they change when it is (re)loaded."""
    where = ZoneStatistic.dataset == dataset
    return tuple(
        session.execute(select(func.count(ZoneStatistic.id), func.max(ZoneStatistic.id)).where(where)).one()
    )


def _table(session: Session, dataset: str) -> _Table:
    """``dataset``'s rows, read once per process and engine and read again when its fingerprint moved."""
    engine = session.get_bind()
    fingerprint = _fingerprint(session, dataset)
    with _tables_lock:
        table = _tables.get(engine, {}).get(dataset)
    if table is not None and table.fingerprint == fingerprint:
        return table
    columns = list(ZoneStatistic.__table__.columns)
    order = (ZoneStatistic.level, ZoneStatistic.zone, ZoneStatistic.layer, ZoneStatistic.year)
    rows = tuple(session.execute(select(*columns).where(ZoneStatistic.dataset == dataset).order_by(*order)))
    by_level, by_zone, by_layer_year = {}, {}, {}
    for row in rows:
        by_level.setdefault(row.level, []).append(row)
        by_zone.setdefault((row.level, row.zone), []).append(row)
        by_layer_year.setdefault((row.level, row.layer, row.year), []).append(row)
    years = [row.year for row in rows]
    table = _Table(
        fingerprint,
        rows,
        by_level,
        by_zone,
        by_layer_year,
        min(years, default=None),
        max(years, default=None),
    )
    with _tables_lock:
        _tables.setdefault(engine, {})[dataset] = table
    return table


def statistics(
    session: Session, *, level=None, zone=None, layer=None, year=None, dataset: str = BUNDLED_DATASET
) -> list[Row]:
    """Rows of ``dataset`` (default: the bundled one) matching the given filters, by level, zone, layer and
    year (read-only rows with the columns of :class:`ZoneStatistic` as attributes)."""
    table = _table(session, dataset)
    if level is not None and zone is not None:
        rows = table.by_zone.get((level, zone), [])
    elif level is not None and layer is not None and year is not None:
        rows = table.by_layer_year.get((level, layer, year), [])
    elif level is not None:
        rows = table.by_level.get(level, [])
    else:
        rows = table.rows
    wanted = [(c, v) for c, v in (("zone", zone), ("layer", layer), ("year", year)) if v is not None]
    return [row for row in rows if all(getattr(row, c) == v for c, v in wanted)]


def final_year(session: Session, dataset: str = BUNDLED_DATASET) -> int | None:
    """The last year of the forward run in ``dataset``."""
    return _table(session, dataset).last_year


def start_year(session: Session, dataset: str = BUNDLED_DATASET) -> int | None:
    """The year of the T0 stock in ``dataset``."""
    return _table(session, dataset).first_year
