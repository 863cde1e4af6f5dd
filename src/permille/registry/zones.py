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
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Boolean, Float, Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..home import permille_home
from .orm import Base

BUNDLED = files("permille") / "data" / "monitoring"
BUNDLED_DATASET = "atlas-synthetic"
TABLE_FILE, METADATA_FILE = "zone_statistics.csv", "zone_statistics.json"
_DATASET = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")

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

    __table_args__ = (UniqueConstraint("dataset", "level", "zone", "layer", "year"),)


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
        raise ValueError(f"{folder}: dataset name {name!r}: expected 1-60 characters of a-z, 0-9, '-' and '_'")
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


def statistics(
    session: Session, *, level=None, zone=None, layer=None, year=None, dataset: str = BUNDLED_DATASET
) -> list[ZoneStatistic]:
    """Rows of ``dataset`` (default: the bundled one) matching the given filters, by level, zone, layer and
    year."""
    query = select(ZoneStatistic).where(ZoneStatistic.dataset == dataset)
    for column, value in (("level", level), ("zone", zone), ("layer", layer), ("year", year)):
        if value is not None:
            query = query.where(getattr(ZoneStatistic, column) == value)
    order = (ZoneStatistic.level, ZoneStatistic.zone, ZoneStatistic.layer, ZoneStatistic.year)
    return list(session.scalars(query.order_by(*order)))


def final_year(session: Session, dataset: str = BUNDLED_DATASET) -> int:
    """The last year of the forward run in ``dataset``."""
    return session.scalar(select(func.max(ZoneStatistic.year)).where(ZoneStatistic.dataset == dataset))


def start_year(session: Session, dataset: str = BUNDLED_DATASET) -> int:
    """The year of the T0 stock in ``dataset``."""
    return session.scalar(select(func.min(ZoneStatistic.year)).where(ZoneStatistic.dataset == dataset))
