"""The ``ValueError``s that reach a user through the toolkit (the models, the measurement code, the soil-data
upload and the schemas behind its calculators) and through the record forms (the registry's schemas) carry catalogue messages (:class:`permille.i18n.Text`), so that they are
answered in the reader's language: none is raised, or added to a list of problems, with an English string
written in place (a literal, an f-string, a concatenation, a ``join`` or a ``format``)."""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "permille"
MEASURE = (
    "comparison",
    "credits",
    "depth_conversion",
    "remeasurement",
    "sampling",
    "schemes",
    "units",
    "validation",
)
MODULES = sorted(
    [f.relative_to(PACKAGE).as_posix() for f in (PACKAGE / "models").rglob("*.py")]
    + [f.relative_to(PACKAGE).as_posix() for f in (PACKAGE / "toolkit").glob("*.py")]
    + [f"measure/{name}.py" for name in MEASURE]
    + ["io/project_file.py", "io/soil_import.py"]
    + ["registry/schemas.py", "registry/calls.py", "registry/lifecycle.py"]
)
"""The modules behind the toolkit's calculators and the record forms. measure/stocks.py, esm.py and
soildata.py are left out: what a user's upload can meet there is checked first by io/soil_import.py (and
is a Text); their other checks guard the library's own callers."""
INTERNAL = {
    ("models/ipcc/coefficients.py", "factor must be FLU, FMG or FI"): "the code names the factor, not a user",
    (
        "models/ipcc/tier2.py",
        "sample() needs scalar parameters",
    ): "the parameters are the code's, not a user's",
    ("models/ipcc/tier2.py", "lies outside its range"): "the parameters are the code's, not a user's",
    ("toolkit/pool.py", ": give 0 or more worker processes"): "the server's setting, read at start-up",
}
"""(module, words of the message) → why the error is a programming error that no user meets."""


def _english(node: ast.expr) -> bool:
    """Whether ``node`` builds an English string in place."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _english(node.left) or _english(node.right) or isinstance(node.op, ast.Mod)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in ("join", "format") and _english(node.func.value)
    return False


def _words(node: ast.expr) -> str:
    """The words written in an English message (for :data:`INTERNAL`)."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _words(node.left)
    return ""


def _problem_list(call: ast.Call) -> bool:
    """Whether ``call`` adds a problem to a list of problems (``problems.append``, ``checker.add``…)."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in ("add", "append") and call.args):
        return False
    owner = ast.unparse(call.func.value)
    return owner.endswith(("problems", "checker")) or owner == "check"


def english_refusals(module: str) -> list[str]:
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _problem_list(node) and _english(node.args[0]):
            found.append(f"{module}:{node.lineno}: {ast.unparse(node.args[0])[:80]}")
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        call = node.exc
        if not (isinstance(call.func, ast.Name) and call.func.id == "ValueError" and call.args):
            continue
        message = call.args[0]
        if _english(message) and not any(module == m and words in _words(message) for m, words in INTERNAL):
            found.append(f"{module}:{node.lineno}: {ast.unparse(message)[:80]}")
    return found


@pytest.mark.parametrize("module", MODULES)
def test_no_refusal_is_written_in_english_in_place(module):
    assert english_refusals(module) == []


def test_the_check_finds_english_refusals(tmp_path, monkeypatch):
    source = tmp_path / "m.py"
    source.write_text(
        "def f(x, p):\n"
        "    raise ValueError('plain')\n"
        "    raise ValueError(f'{x} bad')\n"
        "    raise ValueError('a: ' + '; '.join(p))\n"
        "    raise ValueError('; '.join(p))\n"
        "    raise ValueError('%s' % x)\n"
        "    raise ValueError(Text('{x} bad', x=x))\n"
        "    raise ValueError(joined(p))\n"
        "    problems.append(f'{x} bad')\n"
        "    self.checker.add('plain')\n"
        "    problems.append(Text('{x} bad', x=x))\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert [line.split(":")[1] for line in english_refusals("m.py")] == ["2", "3", "4", "5", "6", "9", "10"]
