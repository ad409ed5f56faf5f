"""Rows for bulk imports, from CSV or JSON Lines, each with the line number it starts on.

A service's importer validates and upserts the rows; this module only reads them, so a bad
row (a malformed JSON line, a CSV row with too many cells) is reported with its line number
and the rest of the file still goes in. Text is UTF-8 (a byte-order mark is fine); a file
that is not UTF-8 is read as GB 18030, which is what spreadsheet programs on Chinese systems
write when they save CSV.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from pydantic import ValidationError

Format = Literal["csv", "jsonl"]

CSV_MEDIA_TYPES = frozenset({"text/csv", "application/csv"})
JSONL_MEDIA_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/x-jsonlines"})

# Cells that hold several values: "energy.batteries; materials.nano" or "锂电池、固态电池".
# Commas are not separators, so one value may contain a comma.
_LIST_SEPARATORS = re.compile(r"[;；|、\n]")


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (encoding, no header); no row was imported."""


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, Any]


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str
    errors: list[dict[str, str]] = field(default_factory=list)


def format_for(content_type: str | None = None, filename: str | None = None) -> Format | None:
    """The format a media type (``text/csv``, ``application/x-ndjson``) or a file name names."""
    if content_type:
        media = content_type.split(";", 1)[0].strip().lower()
        if media in CSV_MEDIA_TYPES:
            return "csv"
        if media in JSONL_MEDIA_TYPES:
            return "jsonl"
    if filename:
        lower = filename.lower()
        if lower.endswith(".csv"):
            return "csv"
        if lower.endswith((".jsonl", ".ndjson")):
            return "jsonl"
    return None


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else GB 18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"the file is neither UTF-8 nor GB 18030 text (byte {exc.start})") from exc


def read_rows(data: bytes, fmt: Format) -> tuple[list[SourceRow], list[RowError]]:
    """Every row of the file with its line number, and the rows that could not be read."""
    text = decode_text(data)
    return _read_csv(text) if fmt == "csv" else _read_jsonl(text)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_csv(text: str) -> tuple[list[SourceRow], list[RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise UnreadableFile("the file is empty") from exc
    except csv.Error as exc:
        raise UnreadableFile(f"the header line is not CSV: {exc}") from exc
    names = [h.strip().lower() for h in header]
    if not any(names):
        raise UnreadableFile("the first line must name the columns")
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise UnreadableFile(f"columns named twice: {', '.join(dupes)}")
    rows: list[SourceRow] = []
    errors: list[RowError] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, f"not a CSV row: {exc}"))
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(cells) > len(names):
            errors.append(RowError(start, f"the row has {len(cells)} cells but the header names {len(names)} columns"))
            continue
        values = {n: _cell(c) for n, c in zip(names, cells, strict=False) if n}
        rows.append(SourceRow(start, {k: v for k, v in values.items() if v is not None}))
    return rows, errors


def _read_jsonl(text: str) -> tuple[list[SourceRow], list[RowError]]:
    rows: list[SourceRow] = []
    errors: list[RowError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            errors.append(RowError(number, f"not JSON: {exc}"))
            continue
        if not isinstance(doc, dict):
            errors.append(RowError(number, "each line must be a JSON object"))
            continue
        values = {str(k).strip().lower(): _cell(v) for k, v in doc.items()}
        rows.append(SourceRow(number, {k: v for k, v in values.items() if v is not None}))
    return rows, errors


def split_list(value: Any) -> list[str]:
    """A multi-valued cell as a list: JSON arrays as they are, text split on ; | 、 or new lines."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items: Iterable[Any] = value
    else:
        items = _LIST_SEPARATORS.split(str(value))
    return [s for s in (str(i).strip() for i in items if i is not None) if s]


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    """A pydantic error as ``[{field, message}]``, the shape problem+json uses for fields."""
    out = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e.get("loc", ())) or "row"
        msg = str(e.get("msg", ""))
        out.append({"field": loc, "message": msg.removeprefix("Value error, ")})
    return out
