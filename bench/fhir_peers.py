#!/usr/bin/env python3
"""Peers of the FHIR import benchmark (bench/run-import), each timed in-process:

    fhir_peers.py fhir-resources N Observation.ndjson   # parse the first N lines, validated
    fhir_peers.py polars Observation.ndjson OUT.db      # scan_ndjson with projection + sqlite3

Prints one line: `name seconds lines` (polars: read seconds and load seconds separately).
"""
import sqlite3
import sys
import time
from itertools import islice


def fhir_resources(n, path):
    # R4B: fhir.resources 8 defaults to R5; R4B's Observation is R4's.
    from fhir.resources.R4B.observation import Observation

    with open(path, "rb") as f:
        lines = list(islice(f, n))
    start = time.perf_counter()
    for line in lines:
        Observation.model_validate_json(line)
    seconds = time.perf_counter() - start
    print(f"fhir-resources {seconds:.3f} {len(lines)}")


def polars_load(path, db):
    import polars as pl

    start = time.perf_counter()
    frame = (
        pl.scan_ndjson(path)
        .select(
            pl.col("id"),
            pl.col("subject").struct.field("reference").alias("subject"),
            pl.col("code").struct.field("coding").list.first().struct.field("code").alias("code"),
            pl.col("valueQuantity").struct.field("value").alias("value"),
            pl.col("valueQuantity").struct.field("code").alias("unit"),
            pl.col("effectiveDateTime").str.slice(0, 10).alias("effective_date"),
        )
        .collect()
    )
    read = time.perf_counter() - start
    start = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute(
        "CREATE TABLE observation (id TEXT PRIMARY KEY, subject TEXT, code TEXT, value REAL, "
        "unit TEXT, effective_date TEXT)"
    )
    with con:
        con.executemany("INSERT INTO observation VALUES (?, ?, ?, ?, ?, ?)", frame.iter_rows())
    con.close()
    load = time.perf_counter() - start
    print(f"polars {read:.3f} {load:.3f} {frame.height}")


if __name__ == "__main__":
    if sys.argv[1] == "fhir-resources":
        fhir_resources(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "polars":
        polars_load(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
