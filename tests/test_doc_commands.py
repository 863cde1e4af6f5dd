"""Every shell command in the README and the documentation runs as written, as a newcomer would run it
from a clone: in a fresh folder holding the clone's `examples/`, with its own PERMILLE_HOME, no network.

A block that cannot run there says so just before it, with its reason (`<!-- not-run: reason -->`): the
commands that start a server or run the whole test suite, a deployment on PostgreSQL, downloads of real
datasets. Every other ```bash (or sh, shell) block runs line by line, stopping at the first non-zero exit.
`permille …` lines run in this process through the same Typer app as the `permille` entry point (one
import of numpy, numba and pandas for all of them, instead of one per line); any other line runs in bash."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from permille.cli import app
from tests.conftest import REPO

BLOCK = re.compile(
    r"(?:<!--\s*not-run:(?P<reason>[^>]*)-->\s*\n)?```(?P<lang>bash|sh|shell)\n(?P<body>.*?)```", re.S
)
MAX_NOT_RUN = 6
"""Blocks marked not-run stay rare: the set-up commands (README, getting started), a deployment, a
download of real datasets, a Dask cluster."""


@dataclass(frozen=True)
class Command:
    where: str  # file:line
    line: str

    @property
    def words(self) -> list[str]:
        words = shlex.split(self.line, comments=True)
        return words[2:] if words[:2] == ["uv", "run"] else words


def documents() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def blocks() -> list[tuple[str, str | None, str]]:
    """(file:line, not-run reason or None, body) of every shell block."""
    found = []
    for path in documents():
        text = path.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start("body"))
            reason = match.group("reason")
            found.append(
                (
                    f"{path.relative_to(REPO)}:{line}",
                    None if reason is None else reason.strip(),
                    match["body"],
                )
            )
    return found


def commands() -> list[Command]:
    """The lines of the runnable blocks, continuation lines joined, comments and blank lines left out."""
    out = []
    for where, reason, body in blocks():
        if reason is not None:
            continue
        file, first = where.rsplit(":", 1)
        pending, start = "", 0
        for offset, raw in enumerate(body.splitlines()):
            if not pending:
                start = int(first) + offset + 1
            if raw.rstrip().endswith("\\"):
                pending += raw.rstrip()[:-1] + " "
                continue
            line, pending = pending + raw, ""
            if shlex.split(line, comments=True):
                out.append(Command(f"{file}:{start}", line.strip()))
    return out


def test_every_block_runs_or_says_why_not():
    found = blocks()
    assert found, "no shell block found"
    marked = [(where, reason) for where, reason, _ in found if reason is not None]
    assert all(reason for _, reason in marked), f"a not-run mark without its reason: {marked}"
    assert len(marked) <= MAX_NOT_RUN, f"not-run blocks should stay rare: {marked}"
    assert commands(), "no runnable command found"


def test_readme_set_up_commands_come_first_and_are_marked_not_run():
    where, reason, body = blocks()[0]
    assert where.startswith("README.md") and reason
    assert body.splitlines() == [
        "pip install uv && uv run permille serve --demo      # main job: the platform on http://127.0.0.1:8000/ (SQLite, demo data)",
        "pip install uv && uv run --extra test pytest        # the whole test suite (what .ci/run runs)",
    ]


def test_every_documented_command_runs_as_written(tmp_path, monkeypatch):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    home = tmp_path / "permille-home"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERMILLE_HOME", str(home))
    for name in ("PERMILLE_DATABASE_URL", "PERMILLE_SMTP_URL", "PERMILLE_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("COLUMNS", "160")
    runner = CliRunner()
    failures = []
    for command in commands():
        words = command.words
        if words[0] == "permille":
            result = runner.invoke(app, words[1:])
            code, output = (
                result.exit_code,
                result.output + (repr(result.exception) if result.exception else ""),
            )
        else:
            done = subprocess.run(["bash", "-c", command.line], capture_output=True, text=True, timeout=300)
            code, output = done.returncode, done.stdout + done.stderr
        if code != 0:
            failures.append(f"{command.where}: `{command.line}` exited {code}:\n{output[-1500:]}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(
    ("copy", "original"),
    [
        ("examples/RothC_input.dat", "src/permille/data/rothc/RothC_input.dat"),
        ("examples/Cumbria_Hedgerows.csv", "src/permille/data/mrv/Cumbria_Hedgerows.csv"),
    ],
)
def test_example_files_are_the_bundled_data(copy, original):
    assert (REPO / copy).read_bytes() == (REPO / original).read_bytes()
