"""The documentation site builds with MkDocs (Material theme) in strict mode: a broken link or a missing
image fails."""

import subprocess
import sys

from tests.conftest import REPO


def test_mkdocs_build_strict(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for page in ("index.html", "roles/project-developer.html", "reports.html", "methods.html"):
        assert (tmp_path / "site" / page).exists()
