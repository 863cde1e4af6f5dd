"""The examples in the README, in the documentation and in docstrings run and give what they say."""

import doctest
import re
from pathlib import Path

import numpy as np

import permille.models.rothc

README = Path(__file__).resolve().parents[1] / "README.md"
PYTHON_DOC = README.parent / "docs" / "python.md"


def test_python_example_runs():
    block = re.search(r"```python\n(.*?)```", PYTHON_DOC.read_text(), re.S).group(1)
    scope: dict = {}
    exec(compile(block, str(PYTHON_DOC), "exec"), scope)
    result = scope["result"]
    assert result.soc.shape == (20, 3)
    np.testing.assert_allclose(scope["start"].soc, [35.0, 42.0, 60.0], rtol=1e-12)
    assert np.all(result.soc[-1] > scope["start"].soc)  # more input, more carbon
    assert np.abs(result.mass_balance_residual()).max() < 1e-10


def test_readme_commands_are_the_ci_commands():
    commands = re.search(r"```bash\n(.*?)```", README.read_text(), re.S).group(1).strip().splitlines()
    assert len(commands) == 2
    test_command = commands[1].split("&&", 1)[1].split("#")[0].strip()
    ci = (README.parent / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()


def test_docstring_examples():
    assert doctest.testmod(permille.models.rothc).failed == 0
