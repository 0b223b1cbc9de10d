"""Parses every resource of a FHIR NDJSON export with fhir.resources (FHIR R4 4.0.1 models)
and fails on the first file with any validation error (issue #6 item 2).

    validate_fhir.py DIR    every DIR/*.ndjson; prints "<file>: <n> resources valid" per file
"""
import json
import pathlib
import sys

import fhir.resources
from fhir.resources import construct_fhir_element

assert fhir.resources.__fhir_version__ == "4.0.1", fhir.resources.__fhir_version__

# fhir.resources checks structure, cardinality and primitive formats but not the value sets
# of `code` elements bound "required"; these are the ones our resources carry (R4 4.0.1).
REQUIRED_CODES = {
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("Observation", "status"): {
        "registered", "preliminary", "final", "amended", "corrected", "cancelled",
        "entered-in-error", "unknown",
    },
    ("MedicationStatement", "status"): {
        "active", "completed", "entered-in-error", "intended", "stopped", "on-hold",
        "unknown", "not-taken",
    },
    ("Procedure", "status"): {
        "preparation", "in-progress", "not-done", "on-hold", "stopped", "completed",
        "entered-in-error", "unknown",
    },
    ("AdverseEvent", "actuality"): {"actual", "potential"},
    ("ResearchStudy", "status"): {
        "active", "administratively-completed", "approved", "closed-to-accrual",
        "closed-to-accrual-and-intervention", "completed", "disapproved", "in-review",
        "temporarily-closed-to-accrual", "temporarily-closed-to-accrual-and-intervention",
        "withdrawn",
    },
    ("ResearchSubject", "status"): {
        "candidate", "eligible", "follow-up", "ineligible", "not-registered",
        "off-study", "on-study", "on-study-intervention", "on-study-observation",
        "pending-on-study", "potential-candidate", "screening", "withdrawn",
    },
}

folder = pathlib.Path(sys.argv[1])
files = sorted(folder.glob("*.ndjson"))
if not files:
    sys.exit(f"no .ndjson file in {folder}")
errors = 0
for path in files:
    expected = path.stem
    count = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            data = json.loads(line)
            if data.get("resourceType") != expected:
                raise ValueError(f"resourceType {data.get('resourceType')!r} in {expected} file")
            resource = construct_fhir_element(expected, data)
            for (kind, element), allowed in REQUIRED_CODES.items():
                if kind == expected and data.get(element) not in allowed:
                    raise ValueError(f"{element} {data.get(element)!r} is not in its value set")
            # A round trip must give the same JSON back: nothing dropped or coerced silently.
            back = json.loads(resource.json())
            if back != data:
                raise ValueError(f"round trip changed the resource: {back} != {data}")
        except Exception as e:  # noqa: BLE001 - report every kind of failure with its line
            errors += 1
            print(f"{path.name}:{number}: {e}", file=sys.stderr)
        count += 1
    print(f"{path.name}: {count} resources checked")
if errors:
    sys.exit(f"{errors} invalid resources")
