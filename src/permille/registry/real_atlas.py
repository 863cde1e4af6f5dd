"""The real default atlas on the platform: where its files are (built into ``$PERMILLE_HOME/atlas/real-default``
by ``permille atlas build``, else the precomputed copy bundled as ``permille/data/atlas_real``) and the loading
of its GSOCseq zone table as the real monitoring dataset at start-up (:func:`load_default`), so that a fresh
``permille serve`` colours the map from real layers. Built by :mod:`permille.grid.real_atlas`."""

from importlib.resources import files
from pathlib import Path

from sqlalchemy.orm import Session

from ..home import permille_home
from . import zones

BUNDLED = files("permille") / "data" / "atlas_real"
METADATA_FILE, MONITORING = "metadata.json", "monitoring"
DATASET_PREFIX = "atlas-real-"
"""Names of its zone datasets (from the bundled layers, T0 the 2010 Sanderman map)."""


def home_folder(home: Path | None = None) -> Path:
    """Where ``permille atlas build`` writes the real atlas: ``$PERMILLE_HOME/atlas/real-default``."""
    return (home or permille_home()) / "atlas" / "real-default"


def folder(home: Path | None = None) -> Path:
    """The real atlas the platform shows: the one built into :func:`home_folder`, else the bundled one."""
    built = home_folder(home)
    return built if (built / METADATA_FILE).is_file() else Path(str(BUNDLED))


def load_default(session: Session) -> int:
    """Load the real atlas's monitoring table (idempotent: nothing when its dataset is loaded); rows added.
    The caller commits."""
    return zones.load_folder(session, folder() / MONITORING)[1]
