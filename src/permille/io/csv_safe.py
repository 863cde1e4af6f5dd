"""CSV for people's spreadsheets, safe from formula injection: every CSV the platform writes for users goes
through :func:`write_csv` (or :func:`csv_chunks` when streamed).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(…)``,
``+cmd|' /C calc'!A0``), and some also after a leading TAB or CR. OWASP's rule
(https://owasp.org/www-community/attacks/CSV_Injection): such a *text* cell gets a leading single quote,
which the spreadsheet shows as text and does not run.

Decision: only text (``str``) cells are neutralised. Numbers (``int``, ``float``, not ``bool``) are written
as numbers: a negative number the platform stores as a number (a longitude of -16.0, a change of -0.3 t
C/ha) stays ``-16.0``, since a spreadsheet reads a number, never a formula, from it. Text that happens to
look like a number (a name typed as ``-5``) is still text and gets its quote, so it stays text. ``None``
and NaN are written as empty cells; dicts and lists as JSON text (which starts with ``{`` or ``[``).
"""

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula (OWASP)."""
CHUNK_CHARS = 65_536
"""Characters :func:`csv_chunks` gathers before it yields (a streamed download's piece)."""


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text starting with one of :data:`FORMULA_PREFIXES`; any other
    value (numbers included) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return neutralise(value)


def csv_chunks(
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    fieldnames: Sequence[str] | None = None,
    chunk_chars: int = CHUNK_CHARS,
) -> Iterator[str]:
    """The CSV text of ``rows`` (header first) in pieces of about ``chunk_chars`` characters, each cell
    neutralised. ``rows``: mappings (columns: ``fieldnames``, default the keys of every row in order of
    appearance; a missing key is an empty cell) or sequences in the order of ``fieldnames`` (required
    then)."""
    if fieldnames is None:
        rows = list(rows)
        if not all(isinstance(row, Mapping) for row in rows):
            raise ValueError("fieldnames are needed for rows that are sequences")
        fieldnames = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in fieldnames])
    for row in rows:
        cells = (row.get(name) for name in fieldnames) if isinstance(row, Mapping) else row
        writer.writerow([_cell(value) for value in cells])
        if buffer.tell() >= chunk_chars:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(
    rows: Iterable[Mapping[str, Any] | Sequence[Any]], fieldnames: Sequence[str] | None = None
) -> str:
    """The whole CSV text of ``rows`` (as :func:`csv_chunks`), every cell neutralised."""
    return "".join(csv_chunks(rows, fieldnames))
