"""CKD-EPI 2021 (creatinine) peers for the sledger benchmark (renal.md §1.2).

Computes eGFR on the same synthetic rows as `crates/core/benches/measures.rs` with
(a) numpy, vectorised, and (b) pandas `DataFrame.apply`, the row-wise form most analysts write.
Prints one JSON object with the times so that `bench/run` can compare them with sledger's.
"""

import json
import math
import sys
import time

import numpy as np
import pandas as pd


def synthetic_rows(n):
    """The benchmark's rows; the same formulas as `synthetic_visit` in measures.rs."""
    i = np.arange(n, dtype=np.int64)
    scr = 0.4 + ((i * 7919) % 4000) / 1000.0  # mg/dL, 0.4 to 4.4
    age = 18 + (i * 104729) % 80  # completed years, 18 to 97
    female = (i % 2) == 0
    return scr, age, female


def egfr_numpy(scr, age, female):
    kappa = np.where(female, 0.7, 0.9)
    alpha = np.where(female, -0.241, -0.302)
    r = scr / kappa
    return (
        142.0
        * np.minimum(r, 1.0) ** alpha
        * np.maximum(r, 1.0) ** -1.200
        * 0.9938**age
        * np.where(female, 1.012, 1.0)
    )


def egfr_row(row):
    female = row["female"]
    kappa = 0.7 if female else 0.9
    alpha = -0.241 if female else -0.302
    r = row["scr"] / kappa
    value = 142.0 * min(r, 1.0) ** alpha * max(r, 1.0) ** -1.200 * 0.9938 ** row["age"]
    return value * 1.012 if female else value


def best_of(repeats, fn):
    best = math.inf
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    scr, age, female = synthetic_rows(n)
    numpy_s, numpy_out = best_of(5, lambda: egfr_numpy(scr, age, female))
    frame = pd.DataFrame({"scr": scr, "age": age, "female": female})
    pandas_s, pandas_out = best_of(1, lambda: frame.apply(egfr_row, axis=1))
    assert np.allclose(numpy_out, pandas_out.to_numpy(), rtol=1e-12)
    # Spec vector E1 (renal.md §1.2): M 55, Scr 1.2 → 71.42.
    e1 = egfr_numpy(np.array([1.2]), np.array([55]), np.array([False]))[0]
    assert abs(e1 - 71.42) < 0.01, e1
    print(
        json.dumps(
            {
                "rows": n,
                "numpy_seconds": numpy_s,
                "pandas_apply_seconds": pandas_s,
                "numpy_version": np.__version__,
                "pandas_version": pd.__version__,
                "checksum": float(np.sum(numpy_out)),
            }
        )
    )


if __name__ == "__main__":
    main()
