"""Generates the observation-import benchmark file (issue #3 "Speed"): N lab results as CSV in
the format of `sledger observation import`, spread over P patients (codes BENCH-0000…), with
realistic values inside the data dictionary's ranges. Deterministic (seeded)."""

import csv
import random
import sys
from datetime import date, timedelta

# (code, unit, low, high, decimals, specimen, reference_low, reference_high)
LABS = [
    ("2160-0", "mg/dL", 0.5, 3.0, 2, "", "0.5", "1.1"),  # serum creatinine
    ("14682-9", "umol/L", 45, 260, 0, "", "45", "97"),  # serum creatinine, molar
    ("2890-2", "mg/g", 50, 6000, 0, "first_morning_void", "", "150"),  # UPCR
    ("2889-4", "g/(24.h)", 0.05, 8.0, 2, "", "", "0.15"),  # 24-h protein
    ("4485-9", "mg/dL", 40, 180, 0, "", "90", "180"),  # C3
    ("4498-2", "mg/dL", 5, 40, 0, "", "10", "40"),  # C4
    ("5130-0", "[IU]/mL", 1, 400, 0, "", "", "30"),  # anti-dsDNA
    ("777-3", "10*3/uL", 40, 450, 0, "", "150", "400"),  # platelets
    ("6690-2", "10*3/uL", 1.5, 12.0, 1, "", "4.0", "11.0"),  # leukocytes
    ("718-7", "g/dL", 7.0, 16.0, 1, "", "12.0", "16.0"),  # hemoglobin
]


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    patients = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    out = sys.argv[3] if len(sys.argv) > 3 else "observations.csv"
    rng = random.Random(20261128)
    start = date(2018, 1, 1)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["patient", "code_system", "code", "value", "unit", "effective_date",
                    "specimen", "reference_low", "reference_high"])
        for i in range(rows):
            code, unit, low, high, decimals, specimen, ref_low, ref_high = LABS[i % len(LABS)]
            value = round(rng.uniform(low, high), decimals)
            value = f"{value:.{decimals}f}"
            day = start + timedelta(days=(i // len(LABS)) % 1800)
            w.writerow([f"BENCH-{i % patients:04d}", "http://loinc.org", code, value, unit,
                        day.isoformat(), specimen, ref_low, ref_high])


if __name__ == "__main__":
    main()
