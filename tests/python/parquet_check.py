#!/usr/bin/env python3
"""Checks newsclean's documents.parquet against its documents.jsonl, through two readers.

    python3 tests/python/parquet_check.py DIR JSONL

DIR is the output of `newsclean run ... --format parquet`, JSONL the documents.jsonl of the
same run in the default format. DIR/documents.parquet is read with pyarrow and with DuckDB;
through each, every row must equal the JSONL record in the same place (same ids in the same
order, all fields: text, paragraphs and their spans, removed, metadata), and each paragraph's
span must slice a non-empty string out of the row's text (Python slicing: code points). DuckDB
also slices with `substr`, as the module doc of src/output/parquet.rs tells users to, and must
get the same strings.

Prints each difference, then `N passed, M failed` last; exits 0 when nothing failed, else 1.
Needs the packages of requirements-parquet.txt beside this script.
"""

import json
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

COLUMNS = [
    "id", "site", "title", "section", "published", "updated", "author", "credits", "text",
    "paragraphs", "removed", "url", "site_source", "platforms", "source", "notes",
    "metadata",
]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}")


def short(value, limit=200):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def show_difference(name, got, expected):
    """Prints a field that differs; for lists, the first item that does."""
    if isinstance(got, list) and isinstance(expected, list):
        at = next(
            (j for j, (g, e) in enumerate(zip(got, expected)) if g != e),
            min(len(got), len(expected)),
        )
        print(f"  {name}: {len(got)} items in Parquet, {len(expected)} in JSONL; item {at}:")
        got = got[at] if at < len(got) else "<none>"
        expected = expected[at] if at < len(expected) else "<none>"
    elif isinstance(got, str) and isinstance(expected, str):
        at = next(
            (j for j, (g, e) in enumerate(zip(got, expected)) if g != e),
            min(len(got), len(expected)),
        )
        print(f"  {name}: from code point {at}:")
        got, expected = got[max(at - 20, 0):at + 60], expected[max(at - 20, 0):at + 60]
    else:
        print(f"  {name}:")
    print(f"    parquet {short(got)}")
    print(f"    jsonl   {short(expected)}")


def as_record(row):
    """A Parquet row (a dict of columns) in the JSONL record's shape."""
    paragraphs = []
    for p in row["paragraphs"]:
        para = {
            "line": p["line"],
            "span": [p["span_start"], p["span_end"]],
            "original": [p["original_start"], p["original_end"]],
        }
        # The JSONL leaves these out when they have no value; Parquet has a null.
        for name in ("class", "cluster", "kind", "similarity"):
            if p[name] is not None:
                para[name] = p[name]
        paragraphs.append(para)
    removed = [
        {
            "line": r["line"],
            "original": [r["original_start"], r["original_end"]],
            "text": r["text"],
            "rule": r["rule"],
        }
        for r in row["removed"]
    ]
    record = {name: row[name] for name in COLUMNS}
    record["paragraphs"] = paragraphs
    record["removed"] = removed
    # JSONL leaves out what was not found; Parquet's schema has a null or an empty list.
    for name in ("title", "section", "published", "updated", "author", "url"):
        if record[name] is None:
            del record[name]
    for name in ("credits", "platforms", "notes"):
        if not record[name]:
            del record[name]
    # Parquet holds the passed-through fields as one JSON text; JSONL leaves the key out
    # when the input record had none.
    if record["metadata"] is None:
        del record["metadata"]
    else:
        record["metadata"] = json.loads(record["metadata"])
    return record


def compare_rows(checks, reader, rows, expected):
    ids = [r["id"] for r in rows]
    want = [r["id"] for r in expected]
    checks.check(ids == want, f"{reader}: ids {short(ids)}, JSONL has {short(want)}")
    for i, (row, exp) in enumerate(zip(rows, expected)):
        got = as_record(row)
        if got["id"] != exp.get("id"):
            checks.check(False, f"{reader}: row {i} is {got['id']}, JSONL has {exp.get('id')}")
        else:
            differing = sorted(k for k in set(got) | set(exp) if got.get(k) != exp.get(k))
            checks.check(not differing, f"{reader}: row {i} ({row['id']}): fields differ: {differing}")
            for k in differing:
                show_difference(k, got.get(k), exp.get(k))
        text = row["text"]
        for j, p in enumerate(row["paragraphs"]):
            piece = text[p["span_start"]:p["span_end"]]
            inside = 0 <= p["span_start"] < p["span_end"] <= len(text)
            checks.check(
                inside and piece != "",
                f"{reader}: row {i} ({row['id']}) paragraph {j}: "
                f"span [{p['span_start']}, {p['span_end']}] of a text of {len(text)} code points "
                f"slices {short(piece)}",
            )


def duckdb_rows(path):
    con = duckdb.connect()
    rel = con.execute(
        "SELECT * EXCLUDE (file_row_number) FROM read_parquet(?, file_row_number = true) "
        "ORDER BY file_row_number",
        [str(path)],
    )
    names = [d[0] for d in rel.description]
    rows = [dict(zip(names, values)) for values in rel.fetchall()]
    slices = con.execute(
        "SELECT r, i, substr(text, p.span_start + 1, p.span_end - p.span_start) FROM ("
        "  SELECT file_row_number AS r, text, unnest(paragraphs) AS p,"
        "         generate_subscripts(paragraphs, 1) AS i"
        "  FROM read_parquet(?, file_row_number = true)"
        ") ORDER BY r, i",
        [str(path)],
    ).fetchall()
    return names, rows, slices


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    path = Path(argv[1]) / "documents.parquet"
    expected = [json.loads(line) for line in Path(argv[2]).read_text(encoding="utf-8").splitlines()]
    checks = Checks()

    table = pq.read_table(path)
    checks.check(
        table.schema.names == COLUMNS,
        f"pyarrow: columns {table.schema.names}, expected {COLUMNS}",
    )
    checks.check(
        table.num_rows == len(expected),
        f"pyarrow: {table.num_rows} rows, JSONL has {len(expected)} records",
    )
    arrow_rows = table.to_pylist()
    compare_rows(checks, "pyarrow", arrow_rows, expected)

    names, rows, slices = duckdb_rows(path)
    checks.check(names == COLUMNS, f"duckdb: columns {names}, expected {COLUMNS}")
    checks.check(
        len(rows) == len(expected),
        f"duckdb: {len(rows)} rows, JSONL has {len(expected)} records",
    )
    compare_rows(checks, "duckdb", rows, expected)
    python_slices = [
        (r, j + 1, row["text"][p["span_start"]:p["span_end"]])
        for r, row in enumerate(arrow_rows)
        for j, p in enumerate(row["paragraphs"])
    ]
    checks.check(
        len(slices) == len(python_slices),
        f"duckdb: substr gave {len(slices)} paragraphs, Python slicing {len(python_slices)}",
    )
    for got, want in zip(slices, python_slices):
        checks.check(
            got == want,
            f"duckdb: row {want[0]} paragraph {want[1]}: substr gives {short(got[2])}, "
            f"Python slicing {short(want[2])}",
        )

    print(f"{checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
