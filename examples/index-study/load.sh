#!/bin/sh
# Loads the index study with three ILLUSTRATIVE patients (see README.md: invented values, not the
# published patients') through the sledger CLI: creates the study from its protocol, enrolls
# and infuses each patient with 90 × 10⁶ allogeneic BM-MSC, and records visits baseline, m1, m3,
# m6 and m9 from the JSON files of this folder.
#
#   examples/index-study/load.sh [DB]      DB: sqlite://PATH (default sqlite://./sledger.db) or postgres://…
#
# SLEDGER (the binary to run) defaults to `sledger` on the PATH.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
db=${1:-${SLEDGER_DB:-sqlite://./sledger.db}}
sledger=${SLEDGER:-sledger}
study=VLD-MSC
run() { "$sledger" --db "$db" --actor "${SLEDGER_ACTOR:-index-study-loader}" "$@"; }

run study create --protocol "$here/../../protocols/msc-lupus-nephritis.toml" --code "$study"

# code sex birth enrolled infusion weight lot
while read -r code sex birth enrolled infusion weight lot; do
  run patient enroll --study "$study" --code "$code" --site VLD --sex "$sex" --birth "$birth" --enrolled "$enrolled"
  run infusion record --study "$study" --patient "$code" --date "$infusion" \
    --source bone_marrow --donor allogeneic --cells 90000000 --weight-kg "$weight" --lot "$lot"
  for visit in baseline m1 m3 m6 m9; do
    run visit record "$here/$code-$visit.json" --study "$study"
  done
done <<PATIENTS
IDX-01 female 1985-04 2017-02-20 2017-03-01 58 BM-MSC-17-001
IDX-02 female 1979-11 2017-03-27 2017-04-05 66 BM-MSC-17-002
IDX-03 male 1990-07 2017-04-28 2017-05-10 74 BM-MSC-17-003
PATIENTS

run audit verify --study "$study"
