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
