"""Checks that every SDTM CSV of an export loads unchanged in pandas and in R (issue #6 item 4).

    validate_sdtm.py DIR    every DIR/*.csv

"Unchanged": read as text (pandas dtype=str, keep_default_na=False; R colClasses="character",
na.strings=character(0)), every cell equals the cell the csv module reads; read with each
tool's defaults (type inference), the shape and column names are the same. R is run through
Rscript, which must be on the PATH.
"""
import csv
import pathlib
import subprocess
import sys
import tempfile

import pandas as pd

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1], colClasses = "character", na.strings = character(0),
               check.names = FALSE, stringsAsFactors = FALSE)
write.csv(df, args[2], row.names = FALSE, na = "")
inferred <- read.csv(args[1], check.names = FALSE)
cat(nrow(inferred), ncol(inferred), paste(names(inferred), collapse = ","), "\n")
"""

folder = pathlib.Path(sys.argv[1])
files = sorted(folder.glob("*.csv"))
if not files:
    sys.exit(f"no .csv file in {folder}")
failures = []
with tempfile.TemporaryDirectory() as tmp:
    script = pathlib.Path(tmp) / "load.R"
    script.write_text(R_SCRIPT)
    for path in files:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]

        text = pd.read_csv(path, dtype=str, keep_default_na=False)
        if list(text.columns) != header or text.values.tolist() != body:
            failures.append(f"{path.name}: pandas (as text) changed the data")
        inferred = pd.read_csv(path)
        if list(inferred.columns) != header or inferred.shape != (len(body), len(header)):
            failures.append(f"{path.name}: pandas (inferred) shape {inferred.shape}")

        back = pathlib.Path(tmp) / f"{path.stem}.R.csv"
        run = subprocess.run(
            ["Rscript", str(script), str(path), str(back)], capture_output=True, text=True
        )
        if run.returncode != 0:
            failures.append(f"{path.name}: R failed: {run.stderr.strip()}")
            continue
        with back.open(newline="", encoding="utf-8") as f:
            r_rows = list(csv.reader(f))
        if r_rows != rows:
            failures.append(f"{path.name}: R (as text) changed the data")
        n, p, names = run.stdout.split(maxsplit=2)
        if (int(n), int(p), names.strip()) != (len(body), len(header), ",".join(header)):
            failures.append(f"{path.name}: R (inferred) read {n}x{p} {names.strip()}")
        print(f"{path.name}: {len(body)} rows load unchanged in pandas and R")
if failures:
    sys.exit("\n".join(failures))
