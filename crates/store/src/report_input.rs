//! The inputs of sledger-report's reports from the stored study (issue #5 item 4): the
//! provenance, the schedule and the trial analysis' subjects joined to the population as the
//! actor may see it. Shared by `sledger report` and the API's report endpoints; no measure is
//! computed here (sledger-core derives them, sledger-report analyses them).

use std::collections::HashMap;

use sledger_core::MeasureConfig;
use sledger_core::record::{VisitMeasures, visit_measures};
use sledger_report::trial::{AdverseEventRow, Group, Screening, Subject, TrialInput};
use sledger_report::{CaseSeries, PatientInput, Provenance, ReportError};

use crate::adverse_event::{Relatedness, Seriousness};
use crate::{
    AnalysisGroup, Member, PatientChart, Screening as StoreScreening, Study, TrialPopulation,
};

/// Each chart's per-visit measures, derived by sledger-core (DESIGN §3: never stored).
pub fn chart_measures(charts: &[PatientChart], config: &MeasureConfig) -> Vec<Vec<VisitMeasures>> {
    charts
        .iter()
        .map(|c| visit_measures(&c.record, config))
        .collect()
}

/// The case series of the study's charts (`sledger report case-series` and the API).
pub fn case_series_report(
    study: &Study,
    charts: &[PatientChart],
    config: &MeasureConfig,
) -> Result<CaseSeries, ReportError> {
    let measures = chart_measures(charts, config);
    let inputs: Vec<PatientInput<'_>> = charts
        .iter()
        .zip(&measures)
        .map(|(c, m)| PatientInput {
            record: &c.record,
            measures: m,
        })
        .collect();
    CaseSeries::build(provenance(study, config), &schedule(study), &inputs, config)
}

/// The report's provenance: study, engine, configuration, time.
pub fn provenance(study: &Study, config: &MeasureConfig) -> Provenance {
    Provenance {
        study_code: study.code.clone(),
        study_title: study.title.clone(),
        protocol_id: study.protocol.id().to_owned(),
        protocol_version: study.protocol.version().to_owned(),
        engine_version: sledger_core::ENGINE_VERSION.to_owned(),
        config_id: sledger_score::batch::config_id(config),
        generated_at: generated_at(),
    }
}

/// The protocol's scheduled visits.
pub fn schedule(study: &Study) -> Vec<sledger_core::protocol::VisitCode> {
    study
        .protocol
        .schedule()
        .visits()
        .iter()
        .map(|v| v.code())
        .collect()
}

/// Now, to the second (UTC, RFC 3339).
pub fn generated_at() -> String {
    let now = jiff::Timestamp::now();
    now.round(jiff::Unit::Second).unwrap_or(now).to_string()
}

/// The trial report's input: the population as the actor may see it, joined to the charts.
pub fn trial_input<'a>(
    study: &'a Study,
    population: &TrialPopulation,
    charts: &'a [PatientChart],
    measures: &'a [Vec<VisitMeasures>],
    provenance: Provenance,
) -> TrialInput<'a> {
    let groups: Vec<Group> = population
        .groups
        .iter()
        .map(|g| match g {
            AnalysisGroup::Arm(id) => Group {
                label: id.clone(),
                arm: Some((
                    id.clone(),
                    study
                        .protocol
                        .arm(id)
                        .map(|a| a.name.clone())
                        .unwrap_or_default(),
                )),
            },
            AnalysisGroup::Masked(label) => Group {
                label: label.clone(),
                arm: None,
            },
        })
        .collect();
    let members: HashMap<&str, &Member> = population
        .members
        .iter()
        .map(|m| (m.code.as_str(), m))
        .collect();
    let subjects = charts
        .iter()
        .zip(measures)
        .map(|(chart, m)| {
            let member = members.get(chart.patient.code.as_str());
            Subject {
                patient: PatientInput {
                    record: &chart.record,
                    measures: m,
                },
                screening: match member.map(|m| &m.screening) {
                    Some(StoreScreening::Eligible) => Screening::Eligible,
                    Some(StoreScreening::Ineligible(c)) => Screening::Ineligible(c.clone()),
                    Some(StoreScreening::Incomplete(c)) => Screening::Incomplete(c.clone()),
                    Some(StoreScreening::NotScreened) | None => Screening::NotScreened,
                },
                group: member
                    .and_then(|m| m.allocation.as_ref())
                    .and_then(|(_, g)| population.groups.iter().position(|x| x == g)),
                adverse_events: chart
                    .adverse_events
                    .iter()
                    .map(|a| AdverseEventRow {
                        grade: a.grade().get(),
                        serious: a.seriousness() == Seriousness::Serious,
                        relatedness: match a.relatedness() {
                            Relatedness::Unrelated => "unrelated",
                            Relatedness::Unlikely => "unlikely",
                            Relatedness::Possible => "possible",
                            Relatedness::Probable => "probable",
                            Relatedness::Definite => "definite",
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    TrialInput {
        provenance,
        protocol: &study.protocol,
        blinded: population.blinded,
        groups,
        subjects,
    }
}
