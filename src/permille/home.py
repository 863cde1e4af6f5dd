"""Where a deployment keeps its state: ``$PERMILLE_HOME`` (default ``~/.permille``) holds the SQLite
registry ``permille.db``, added catalogue layers ``layers/<id>/`` and built atlas datasets ``atlas/<name>/``."""

import os
from pathlib import Path


def permille_home() -> Path:
    """``$PERMILLE_HOME``, else ``~/.permille`` (user-expanded; not created here)."""
    return Path(os.environ.get("PERMILLE_HOME", Path.home() / ".permille")).expanduser()
