"""The Python peer of the observation-import benchmark (issue #3): read the same CSV and load
the rows with sqlite3 `executemany` into a table of the same columns — no validation, no audit,
no units, one transaction. Whole process, timed by the caller; prints its own split."""

import csv
import sqlite3
import sys
import time
import uuid


def main():
    path, db = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(
        "CREATE TABLE IF NOT EXISTS observation (id TEXT PRIMARY KEY, patient TEXT, code_system TEXT,"
        " code TEXT, value TEXT, unit TEXT, effective_date TEXT, specimen TEXT, reference_low TEXT,"
        " reference_high TEXT)"
    )
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        rows = [(str(uuid.uuid4()), *r) for r in reader]
    t1 = time.perf_counter()
    with con:
        con.executemany("INSERT INTO observation VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    t2 = time.perf_counter()
    n = con.execute("SELECT count(*) FROM observation").fetchone()[0]
    print(f"python: read {t1 - t0:.2f} s, insert {t2 - t1:.2f} s ({len(rows) / (t2 - t1):.0f} rows/s insert only), rows {n}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
