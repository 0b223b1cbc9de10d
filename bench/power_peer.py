"""Python peer of sledger's power benchmark (issue #4 "Speed"): the same computations with
scipy.stats.fisher_exact, the way an analyst would write them.

1. Monte Carlo power of a 20-patient design (1:1, control 0.2, active 0.6, dropout 0.1
   counted as non-response, two-sided Fisher test at 0.05), 100,000 simulated trials: numpy
   draws, one scipy.stats.fisher_exact call per trial.
2. Exact power of the Fisher test for n per arm (0.2 vs 0.4): one fisher_exact call per
   table (x1, x2), weighted by binomial probabilities.

Prints one JSON object of seconds and results.
"""
import json
import sys
import time

import numpy as np
from scipy.stats import binom, fisher_exact


def simulate(runs, n_per_arm=10, p_control=0.2, p_active=0.6, dropout=0.1, alpha=0.05, seed=1):
    rng = np.random.default_rng(seed)
    rejected = 0
    for _ in range(runs):
        stays_c = rng.random(n_per_arm) >= dropout
        stays_a = rng.random(n_per_arm) >= dropout
        x_c = int(((rng.random(n_per_arm) < p_control) & stays_c).sum())
        x_a = int(((rng.random(n_per_arm) < p_active) & stays_a).sum())
        p = fisher_exact([[x_c, n_per_arm - x_c], [x_a, n_per_arm - x_a]])[1]
        rejected += p <= alpha
    return rejected / runs


def exact_power(n, p1=0.2, p2=0.4, alpha=0.05):
    b1 = binom.pmf(range(n + 1), n, p1)
    b2 = binom.pmf(range(n + 1), n, p2)
    power = 0.0
    for x1 in range(n + 1):
        for x2 in range(n + 1):
            if fisher_exact([[x1, n - x1], [x2, n - x2]])[1] <= alpha:
                power += b1[x1] * b2[x2]
    return power


def timed(f, *args):
    start = time.perf_counter()
    value = f(*args)
    return value, time.perf_counter() - start


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = {"runs": runs}
    out["simulate_power"], out["simulate_seconds"] = timed(simulate, runs)
    for n in (23, 82, 200):
        power, seconds = timed(exact_power, n)
        out[f"exact_n{n}_power"], out[f"exact_n{n}_seconds"] = power, seconds
    print(json.dumps(out))


if __name__ == "__main__":
    main()
