"""Five years of monthly visits for one patient (issue #3 "Speed": `sledger patient show`
under 20 ms): writes visit files v00.json … v59.json into the folder given, from the index
study's month-3 visit of IDX-01 as a template (its labs, SLEDAI-2K, PGA and medication), with
the visit code the protocol allows (baseline, m1, m3, m6, m9, otherwise unscheduled), a
date a month apart and a prednisone dose tapering from 30 to 5 mg."""

import datetime
import json
import os
import sys

INFUSION = datetime.date(2017, 3, 1)
SCHEDULED = {0: "baseline", 1: "m1", 3: "m3", 6: "m6", 9: "m9"}


def main():
    patient, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "examples", "index-study", "IDX-01-m3.json")) as f:
        template = json.load(f)
    for month in range(60):
        day = -7 if month == 0 else round(month * 30.4375)
        date = INFUSION + datetime.timedelta(days=day)
        visit = dict(template)
        visit.pop("note", None)
        visit["patient"] = patient
        visit["visit"] = SCHEDULED.get(month, "unscheduled")
        visit["date"] = date.isoformat()
        visit["idempotency_key"] = f"{patient}/{month}"
        visit["observations"] = [
            dict(o, value=o["value"] if isinstance(o["value"], int) else round(o["value"] * (1 + 0.01 * (month % 7)), 2))
            for o in template["observations"]
        ]
        visit["medications"] = [
            dict(m, dose=max(5, 30 - month), start_date=date.isoformat(),
                 end_date=(date + datetime.timedelta(days=29)).isoformat())
            for m in template["medications"]
        ]
        with open(os.path.join(out, f"v{month:02d}.json"), "w") as f:
            json.dump(visit, f)


if __name__ == "__main__":
    main()
