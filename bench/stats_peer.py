"""lifelines and SciPy peers of sledger's statistics benchmark (issue #5 "Speed").

  python bench/stats_peer.py fit FILE.csv     JSON: best of 3 of the two Kaplan-Meier fits
                                              (one per group) + logrank_test, data in memory
  python bench/stats_peer.py whole FILE.csv   the whole job: read, fit, print medians, chisq
  python bench/stats_peer.py fisher N         JSON: mean seconds per scipy.stats.fisher_exact
                                              call over the first N tables of the benchmark
"""
import json
import sys
import time


def fits(df):
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import logrank_test

    g0, g1 = df[df.group == 0], df[df.group == 1]
    curves = []
    for g in (g0, g1):
        curves.append(KaplanMeierFitter().fit(g.time, g.status))
    test = logrank_test(g0.time, g1.time, g0.status, g1.status)
    return curves, test


def main():
    mode, arg = sys.argv[1], sys.argv[2]
    if mode == "fisher":
        from scipy.stats import fisher_exact

        n = int(arg)
        tables = [[[(i * 37) % 21, (i * 91) % 23], [(i * 53) % 19, (i * 17) % 25]] for i in range(n)]
        start = time.perf_counter()
        for t in tables:
            fisher_exact(t)
        print(json.dumps({"calls": n, "seconds_per_call": (time.perf_counter() - start) / n}))
        return
    import pandas as pd

    df = pd.read_csv(arg)
    if mode == "fit":
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            curves, test = fits(df)
            best = min(best, time.perf_counter() - start)
        print(json.dumps({"fit_seconds": best, "chisq": float(test.test_statistic),
                          "medians": [float(c.median_survival_time_) for c in curves]}))
    else:
        curves, test = fits(df)
        print([c.median_survival_time_ for c in curves], test.test_statistic, test.p_value)


if __name__ == "__main__":
    main()
