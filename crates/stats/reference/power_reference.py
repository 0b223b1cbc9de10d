"""Independent reference values for sledger-stats (renal.md §7.3), with SciPy only.

Run:  python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
      .venv/bin/python power_reference.py            (or reuse bench/.venv, which has scipy)

It prints the numbers that crates/stats/src/**/tests pin, computed a different way from the
Rust code:
- Fleiss sample size: the textbook formula with scipy.stats.norm.ppf (Fleiss, Levin & Paik,
  Statistical Methods for Rates and Proportions, 3rd ed. 2003, eq. 4.14 and 4.15).
- Exact power of Fisher's test: every table (x1, x2) is tested with
  scipy.stats.fisher_exact (two-sided, R's definition), one call per table, no reuse of
  margins, and the binomial probabilities come from scipy.stats.binom.pmf.
"""
import json
import math

from scipy.stats import binom, fisher_exact, norm

ROWS = [  # renal.md §7.3 table: control, MSC
    (0.20, 0.40),
    (0.25, 0.45),
    (0.23, 0.41),
    (0.32, 0.43),
    (0.50, 0.75),
    (0.20, 0.60),
]


def fleiss_n(p1, p2, alpha, power, continuity):
    za, zb = norm.ppf(1 - alpha / 2), norm.ppf(power)
    pbar = (p1 + p2) / 2
    d = abs(p1 - p2)
    n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / d**2
    if continuity:
        n = n / 4 * (1 + math.sqrt(1 + 4 / (n * d))) ** 2
    return n


def fisher_power(p1, p2, n1, n2, alpha):
    b1 = binom.pmf(range(n1 + 1), n1, p1)
    b2 = binom.pmf(range(n2 + 1), n2, p2)
    total = 0.0
    for x1 in range(n1 + 1):
        for x2 in range(n2 + 1):
            p = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]])[1]
            if p <= alpha:
                total += b1[x1] * b2[x2]
    return total


def main():
    out = {"fleiss": [], "fisher_power": []}
    for p1, p2 in ROWS:
        raw = {
            "p1": p1,
            "p2": p2,
            "n80": fleiss_n(p1, p2, 0.05, 0.80, False),
            "n90": fleiss_n(p1, p2, 0.05, 0.90, False),
            "n80_cc": fleiss_n(p1, p2, 0.05, 0.80, True),
            "n90_cc": fleiss_n(p1, p2, 0.05, 0.90, True),
        }
        raw.update({k + "_ceil": math.ceil(v) for k, v in list(raw.items()) if k.startswith("n")})
        out["fleiss"].append(raw)
    for p1, p2, n1, n2 in [
        (0.2, 0.6, 23, 23),
        (0.2, 0.6, 28, 28),
        (0.2, 0.4, 82, 82),
        (0.2, 0.7, 10, 10),
        (0.2, 0.6, 10, 20),
        (0.1, 0.1, 15, 15),
        (0.2, 0.6 * 0.9, 10, 10),
    ]:
        out["fisher_power"].append(
            {"p1": p1, "p2": p2, "n1": n1, "n2": n2, "power": fisher_power(p1, p2, n1, n2, 0.05)}
        )
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
