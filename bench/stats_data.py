"""The subjects of sledger's survival benchmark (issue #5 "Speed"), written once per run.

Same formulas as `crates/stats/benches/survival.rs`: subject i is in group i mod 2, has an
event when (7919 i mod 10) < 7, and its time comes from k = (104729 i + 12345) mod 1000003:
integer days 1 + k mod 730 (group 0) or 1 + k mod 1000 (group 1), continuous k/997 or k/797.
Writes OUT/{integer_days,continuous}.csv (for R and lifelines) and .json (for sledger).
"""
import json
import sys
from pathlib import Path

import numpy as np


def subjects(n, kind):
    i = np.arange(n, dtype=np.int64)
    group = i % 2
    k = (i * 104729 + 12345) % 1000003
    status = ((i * 7919) % 10 < 7).astype(np.int64)
    if kind == "integer_days":
        time = np.where(group == 0, 1 + k % 730, 1 + k % 1000).astype(np.float64)
    else:
        time = np.where(group == 0, k / 997.0, k / 797.0)
    return time, status, group


def main():
    n = int(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for kind in ("integer_days", "continuous"):
        time, status, group = subjects(n, kind)
        times = [repr(float(t)) for t in time]
        with open(out / f"{kind}.csv", "w") as f:
            f.write("time,status,group\n")
            f.writelines(f"{t},{s},{g}\n" for t, s, g in zip(times, status.tolist(), group.tolist()))
        with open(out / f"{kind}.json", "w") as f:
            f.write('{"time":[' + ",".join(times) + '],"status":' + json.dumps(status.tolist())
                    + ',"group":' + json.dumps(group.tolist()) + "}")


if __name__ == "__main__":
    main()
