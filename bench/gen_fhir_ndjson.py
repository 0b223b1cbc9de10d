#!/usr/bin/env python3
"""A FHIR R4 bulk export for the import benchmark (issue #6 "Speed").

    python3 bench/gen_fhir_ndjson.py N OUT_DIR [PATIENTS]

Writes OUT_DIR/Patient.ndjson (PATIENTS patients, default 1000) and OUT_DIR/Observation.ndjson
(N observations spread over them, about 1 KB each as hospital exports are: meta, narrative
text, identifiers, category, performer, interpretation and reference range around the
coded value). The labs cycle through catalogue codes in their usual units. Seeded: the same
arguments give the same files.
"""
import json
import os
import random
import sys

LABS = [
    ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.5, 2.5, 0.6, 1.1),
    ("4485-9", "Complement C3 [Mass/volume] in Serum or Plasma", "g/L", 0.4, 1.8, 0.9, 1.8),
    ("4498-2", "Complement C4 [Mass/volume] in Serum or Plasma", "g/L", 0.05, 0.5, 0.1, 0.4),
    ("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL", 60, 450, 150, 400),
    ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 8, 16, 12, 16),
    ("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", "mg/L", 0.5, 40, 0, 5),
]


def patient(i):
    return {
        "resourceType": "Patient",
        "id": f"pat-{i:05d}",
        "meta": {"versionId": "1", "lastUpdated": "2024-01-01T00:00:00Z"},
        "identifier": [{"system": "urn:oid:2.16.724.4.9.10.2", "value": f"MRN{i:07d}"}],
        "gender": "female" if i % 9 else "male",
        "birthDate": f"{1960 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}",
    }


def observation(n, patients, rng):
    code, display, unit, lo, hi, ref_lo, ref_hi = LABS[n % len(LABS)]
    value = round(rng.uniform(lo, hi), 2)
    p = n % patients
    day = 1 + n % 28
    return {
        "resourceType": "Observation",
        "id": f"obs-{n:09d}",
        "meta": {
            "versionId": "1",
            "lastUpdated": "2024-01-02T10:15:00.000+01:00",
            "source": "#lab-information-system",
        },
        "text": {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{display}: {value} {unit}</div>',
        },
        "identifier": [{"system": "urn:oid:2.16.724.4.9.20.90", "value": f"LAB-{n:010d}"}],
        "status": "final",
        "category": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "laboratory", "display": "Laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": display}],
                 "text": display},
        "subject": {"reference": f"Patient/pat-{p:05d}"},
        "effectiveDateTime": f"2023-{1 + n % 12:02d}-{day:02d}T08:{n % 60:02d}:00+01:00",
        "issued": f"2023-{1 + n % 12:02d}-{day:02d}T12:00:00+01:00",
        "performer": [{"reference": "Organization/lab-01", "display": "Hospital central laboratory"}],
        "valueQuantity": {"value": value, "unit": unit,
                          "system": "http://unitsofmeasure.org", "code": unit},
        "interpretation": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
            "code": "N" if ref_lo <= value <= ref_hi else "A"}]}],
        "referenceRange": [{"low": {"value": ref_lo, "unit": unit,
                                    "system": "http://unitsofmeasure.org", "code": unit},
                            "high": {"value": ref_hi, "unit": unit,
                                     "system": "http://unitsofmeasure.org", "code": unit}}],
    }


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    patients = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    os.makedirs(out, exist_ok=True)
    rng = random.Random(6)
    with open(os.path.join(out, "Patient.ndjson"), "w") as f:
        for i in range(patients):
            f.write(json.dumps(patient(i), separators=(",", ":")) + "\n")
    with open(os.path.join(out, "Observation.ndjson"), "w") as f:
        for k in range(n):
            f.write(json.dumps(observation(k, patients, rng), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
