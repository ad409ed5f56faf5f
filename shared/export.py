"""CSV export of a table: ``Accept: text/csv`` or ``?format=csv`` on a list route.

The file is UTF-8 with a byte-order mark, so that spreadsheets (Excel above all) read Chinese
names right; money stays the exact decimal string of the JSON answer; a null is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import Response

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")

Format = Annotated[
    Literal["json", "csv"] | None,
    Query(description="`csv`: the whole table as CSV (UTF-8 with BOM), as `Accept: text/csv` does"),
]

# The OpenAPI ``responses`` entry of a route that exports CSV.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "JSON, or CSV when asked"}
}


def wants_csv(request: Request, fmt: str | None) -> bool:
    """Whether the caller asked for CSV: ``?format=csv``, or an ``Accept`` preferring ``text/csv``."""
    if fmt is not None:
        return fmt == "csv"
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip() == "text/csv" for part in accept.split(","))


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in _FORMULA:
        return "'" + value  # a name like "=HYPERLINK(...)" stays text in a spreadsheet
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return value


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8")


def csv_response(name: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Response:
    return Response(
        to_csv(columns, rows),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"', "Cache-Control": "no-cache"},
    )
