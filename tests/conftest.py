"""Shared test fixtures: the reference data in ../shared (present in CI; a test needing it fails there)."""

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
REFERENCE = Path(__file__).resolve().parent / "reference"


def shared_path(relative: str) -> Path:
    """A file under ../shared/; skipped locally when absent, a failure in CI (CI=true)."""
    path = SHARED / relative
    if not path.exists():
        message = f"reference data missing: {path}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _temporary_home(tmp_path_factory):
    """A temporary ``PERMILLE_HOME`` unless one is set: no test writes under the user's ~/.permille (e.g.
    the e-mail outbox of an app made without ``PERMILLE_SMTP_URL``)."""
    if os.environ.get("PERMILLE_HOME"):
        yield
        return
    os.environ["PERMILLE_HOME"] = str(tmp_path_factory.mktemp("permille-home"))
    yield
    os.environ.pop("PERMILLE_HOME", None)
