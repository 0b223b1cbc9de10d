//! The visit form's live scores (issue #7 item 2): from the partly filled form and the
//! patient's chart, the SLEDAI-2K, the eGFR and the renal response the visit WOULD have once
//! saved. Nothing is written and nothing is computed here: the candidate visit is added to a
//! copy of the patient's record in memory and sledger-core's `visit_measures` derives its
//! measures exactly as it will for the stored visit (DESIGN §3), with the same configuration
//! the patient's chart is shown with.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use sledger_core::MeasureConfig;
use sledger_core::record::derive::{RenalResponseAtVisit, VisitMeasures};
use sledger_core::record::medication::end_replaced_courses;
use sledger_core::record::{PatientRecord, RecordedVisit, visit_measures};
use sledger_store::VisitSubmission;
use sledger_store::column::code_of;

use crate::problem::ApiError;
use crate::state::AppState;
use crate::ui::error_page::UiError;
use crate::ui::viewer::Viewer;
use crate::ui::visit_entry::{LiveView, error_texts, patient_context};
use crate::ui::visit_form::{ErrorKind, FormError, LAB_FIELDS, VisitForm, submission};

/// One live score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LiveValue {
    /// The value, as shown ("4", "98", "complete").
    Value(String),
    /// Bounds of a score with unassessed items (SLEDAI-2K, sle-activity §1.5 step 5).
    Bounds {
        lower: String,
        upper: String,
        missing: Vec<String>,
    },
    /// Not computable yet: the inputs it still needs, by data-dictionary name.
    Missing(Vec<String>),
    /// The renal response of the baseline visit itself: it is the reference (renal.md §3).
    BaselineVisit,
}

/// The three live scores of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Preview {
    pub sledai2k: LiveValue,
    pub egfr: LiveValue,
    /// KDIGO 2024 (renal.md §3.2), the response the protocol's endpoint names.
    pub renal_response: LiveValue,
}

/// The refusals of the form and the live scores of what was acceptable in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Live {
    pub errors: Vec<FormError>,
    pub preview: Preview,
}

/// The form without the fields that were refused (and their unit and reference inputs), so
/// the scores use what is valid so far.
fn without_refused(form: &VisitForm, errors: &[FormError]) -> VisitForm {
    let refused = |name: &str| {
        errors.iter().any(|e| {
            e.field == name
                || LAB_FIELDS.iter().any(|f| {
                    f.name == name
                        && (e.field == f.unit_field()
                            || f.reference_field().as_deref() == Some(e.field.as_str()))
                })
                || (name.starts_with("upcr") && e.field == "upcr_specimen")
        })
    };
    form.filtered(|name| !refused(name))
}

/// The measures the candidate visit would have, with the patient's `record` as it stands.
fn candidate_measures(
    record: &PatientRecord,
    s: VisitSubmission,
    config: &MeasureConfig,
) -> Result<VisitMeasures, FormError> {
    let candidate = RecordedVisit::new(s.visit, s.date, s.observations, s.sledai, s.pga, s.facts)
        .map_err(|e| FormError::from_input(e.field.to_string(), &e))?;
    let mut visits = record.visits().to_vec();
    visits.push(candidate.clone());
    let mut medications = record.medications().to_vec();
    // As the store will record it: the visit's open-ended course ends the one it replaces.
    end_replaced_courses(&mut medications, &s.medications);
    medications.extend(s.medications);
    let with_visit = PatientRecord::new(
        record.study_code().clone(),
        record.sex(),
        record.birth(),
        record.enrollment_date(),
        record.infusion_date(),
        visits,
        medications,
    )
    .map_err(|e| FormError::from_input("visit", &e))?;
    let index = with_visit
        .visits()
        .iter()
        .rposition(|v| *v == candidate)
        .ok_or_else(|| {
            FormError::from_input(
                "visit",
                &sledger_core::InputError::new("visit", s.visit, "not in the record"),
            )
        })?;
    visit_measures(&with_visit, config)
        .into_iter()
        .nth(index)
        .ok_or_else(|| {
            FormError::from_input(
                "visit",
                &sledger_core::InputError::new("visit", s.visit, "no measures"),
            )
        })
}

fn preview_of(m: &VisitMeasures) -> Preview {
    let sledai2k = match &m.sledai2k {
        Ok(score) => match score.total() {
            Some(total) => LiveValue::Value(total.to_string()),
            None => {
                let (lower, upper) = score.bounds();
                LiveValue::Bounds {
                    lower: lower.to_string(),
                    upper: upper.to_string(),
                    missing: score
                        .not_assessed()
                        .map(|d| format!("sledai_{}", d.name()))
                        .collect(),
                }
            }
        },
        Err(e) => LiveValue::Missing(vec![e.field.to_string()]),
    };
    let egfr = match m.egfr.estimate.reported {
        Some(v) => LiveValue::Value(v.to_string()),
        None => LiveValue::Missing(m.egfr.estimate.status.missing().to_vec()),
    };
    let renal_response = match &m.renal_response {
        RenalResponseAtVisit::BaselineVisit => LiveValue::BaselineVisit,
        RenalResponseAtVisit::Evaluated { kdigo_2024, .. } => {
            if kdigo_2024.status.is_complete() {
                LiveValue::Value(code_of(&kdigo_2024.response))
            } else {
                LiveValue::Missing(kdigo_2024.status.missing().to_vec())
            }
        }
    };
    Preview {
        sledai2k,
        egfr,
        renal_response,
    }
}

/// Nothing computable: every score names what it waits for.
fn waiting(missing: &[&str]) -> Preview {
    let names: Vec<String> = missing.iter().map(|s| (*s).to_owned()).collect();
    Preview {
        sledai2k: LiveValue::Missing(names.clone()),
        egfr: LiveValue::Missing(names.clone()),
        renal_response: LiveValue::Missing(names),
    }
}

/// The form's refusals and the live scores of its acceptable part, for patient `record`.
pub(crate) fn live(form: &VisitForm, record: &PatientRecord, config: &MeasureConfig) -> Live {
    let patient = record.study_code().as_str();
    let mut errors = match submission(form, patient) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    };
    let usable = without_refused(form, &errors);
    let preview = match submission(&usable, patient) {
        Ok(s) => match candidate_measures(record, s, config) {
            Ok(m) => preview_of(&m),
            Err(e) => {
                errors.push(e);
                waiting(&["visit"])
            }
        },
        Err(rest) => {
            let missing: Vec<&str> = ["visit", "date"]
                .into_iter()
                .filter(|f| rest.iter().any(|e| e.field == *f))
                .collect();
            waiting(if missing.is_empty() {
                &["visit"]
            } else {
                &missing
            })
        }
    };
    errors.dedup();
    Live { errors, preview }
}

/// The htmx partial: the live scores (swapped into `#live-scores`) and every field's
/// `#error-<field>` element, swapped out of band so a refusal appears next to its field as
/// the user types (and disappears once corrected).
#[derive(Template)]
#[template(path = "visit/live.html")]
struct LivePartial {
    live: LiveView,
    errors: Vec<(String, String)>,
}

/// `POST /studies/{study}/patients/{code}/visits/preview`: the live scores and checks of the
/// form as filled so far; nothing is written.
pub async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((study, code)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    let ctx = patient_context(&state, &viewer, &study, &code).await?;
    let outcome = live(
        &VisitForm::new(values),
        &ctx.record,
        &MeasureConfig::default(),
    );
    // While typing, an input not reached yet is not an error: the scores name what they
    // still need, and "required" is said when the form is posted.
    let shown: Vec<FormError> = outcome
        .errors
        .into_iter()
        .filter(|e| e.kind != ErrorKind::Required)
        .collect();
    let partial = LivePartial {
        live: LiveView::new(viewer.lang, &outcome.preview),
        errors: error_texts(viewer.lang, &shown),
    };
    match partial.render() {
        Ok(html) => Ok(Html(html).into_response()),
        Err(e) => Err(UiError::for_viewer(&viewer, ApiError::internal(&e))),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::Value;
    use sledger_core::record::patient::{BirthMonth, StudyCode};
    use sledger_core::sex::RecordedSex;

    use super::*;

    fn example(name: &str) -> VisitSubmission {
        let path = format!(
            "{}/../../examples/index-study/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        sledger_store::visit_wire::parse_visit(&json).unwrap_or_else(|e| panic!("{path}: {e:?}"))
    }

    /// IDX-01 as examples/index-study/load.sh records it, with the visits `names`.
    fn idx01(names: &[&str]) -> PatientRecord {
        let mut visits = Vec::new();
        let mut medications = Vec::new();
        for name in names {
            let s = example(&format!("IDX-01-{name}"));
            visits.push(
                RecordedVisit::new(s.visit, s.date, s.observations, s.sledai, s.pga, s.facts)
                    .expect("a valid visit"),
            );
            medications.extend(s.medications);
        }
        PatientRecord::new(
            StudyCode::parse("IDX-01").expect("code"),
            RecordedSex::Female,
            BirthMonth::new(1985, 4).expect("birth"),
            "2017-02-20".parse().expect("date"),
            Some("2017-03-01".parse().expect("date")),
            visits,
            medications,
        )
        .expect("a valid record")
    }

    /// The m9 form as a coordinator types examples/index-study/IDX-01-m9.json.
    fn m9_form() -> VisitForm {
        let pairs = [
            ("visit", "m9"),
            ("date", "2017-11-30"),
            ("creatinine", "0.88"),
            ("creatinine_unit", "mg/dL"),
            ("upcr", "250"),
            ("upcr_unit", "mg/g"),
            ("upcr_specimen", "24h_collection"),
            ("urine_rbc", "1"),
            ("urine_rbc_unit", "/[HPF]"),
            ("c3", "101"),
            ("c3_unit", "mg/dL"),
            ("c3_ref_low", "90"),
            ("anti_dsdna", "30"),
            ("anti_dsdna_unit", "[IU]/mL"),
            ("anti_dsdna_ref_high", "100"),
            ("platelets", "210"),
            ("platelets_unit", "10*9/L"),
            ("leukocytes", "5.2"),
            ("leukocytes_unit", "10*9/L"),
            ("hemoglobin", "12.6"),
            ("hemoglobin_unit", "g/dL"),
            ("weight", "58.0"),
            ("weight_unit", "kg"),
            ("pga", "0.40"),
            ("prednisone", "5"),
            ("rescue_or_treatment_failure", "false"),
            ("kidney_failure", "false"),
        ];
        VisitForm::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>(),
        )
    }

    /// The known vector: the live scores of the m9 form equal what `sledger patient show`
    /// derives for the stored IDX-01 m9 visit (same record, same core call), and the README's
    /// outcome (KDIGO 2024 complete at m9).
    #[test]
    fn idx01_m9_form_scores_as_the_stored_visit() {
        let config = MeasureConfig::default();
        let before = idx01(&["baseline", "m1", "m3", "m6"]);
        let live = live(&m9_form(), &before, &config);
        assert!(live.errors.is_empty(), "{:?}", live.errors);
        let stored = idx01(&["baseline", "m1", "m3", "m6", "m9"]);
        let expected = visit_measures(&stored, &config).pop().expect("an m9 visit");
        assert_eq!(live.preview, preview_of(&expected));
        assert_eq!(live.preview.sledai2k, LiveValue::Value("0".to_owned()));
        assert_eq!(
            live.preview.renal_response,
            LiveValue::Value("complete".to_owned())
        );
        assert!(
            matches!(&live.preview.egfr, LiveValue::Value(v) if v.parse::<u16>().is_ok()),
            "{:?}",
            live.preview.egfr
        );
    }

    /// Doses entered at successive visits replace each other, never summed (visit_form.rs
    /// `prednisone`: open-ended courses, each ending the last; sle-activity §8.4 sums active
    /// courses).
    #[test]
    fn prednisone_doses_of_successive_forms_do_not_add_up() {
        let config = MeasureConfig::default();
        let mut record = idx01(&["baseline"]);
        for (visit, date, dose) in [("m1", "2017-03-31", "20"), ("m3", "2017-05-31", "12,5")] {
            let form = VisitForm::new(HashMap::from([
                ("visit".to_owned(), visit.to_owned()),
                ("date".to_owned(), date.to_owned()),
                ("prednisone".to_owned(), dose.to_owned()),
            ]));
            let s = submission(&form, "IDX-01").expect("valid");
            let mut visits = record.visits().to_vec();
            visits.push(
                RecordedVisit::new(s.visit, s.date, s.observations, s.sledai, s.pga, s.facts)
                    .expect("valid"),
            );
            let mut medications = record.medications().to_vec();
            end_replaced_courses(&mut medications, &s.medications);
            medications.extend(s.medications);
            record = PatientRecord::new(
                record.study_code().clone(),
                record.sex(),
                record.birth(),
                record.enrollment_date(),
                record.infusion_date(),
                visits,
                medications,
            )
            .expect("valid");
        }
        let doses: Vec<String> = visit_measures(&record, &config)
            .iter()
            .map(|m| {
                m.glucocorticoid
                    .as_ref()
                    .map(|g| g.maintenance_pe.mg().normalize().to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(doses, ["30", "20", "12.5"]);
    }

    #[test]
    fn an_incomplete_form_says_what_is_missing() {
        let config = MeasureConfig::default();
        let before = idx01(&["baseline", "m1", "m3", "m6"]);
        let form = VisitForm::new(HashMap::from([
            ("visit".to_owned(), "m9".to_owned()),
            ("date".to_owned(), "2017-11-30".to_owned()),
        ]));
        let live = live(&form, &before, &config);
        assert!(live.errors.is_empty(), "{:?}", live.errors);
        assert!(
            matches!(&live.preview.egfr, LiveValue::Missing(m) if !m.is_empty()),
            "{:?}",
            live.preview.egfr
        );
        assert!(
            matches!(&live.preview.renal_response, LiveValue::Missing(m) if !m.is_empty()),
            "{:?}",
            live.preview.renal_response
        );
        let empty = live_of_nothing(&before);
        assert_eq!(empty.preview, waiting(&["visit", "date"]));
    }

    fn live_of_nothing(record: &PatientRecord) -> Live {
        live(&VisitForm::default(), record, &MeasureConfig::default())
    }

    #[test]
    fn a_bad_unit_names_its_field_and_the_rest_still_scores() {
        let config = MeasureConfig::default();
        let before = idx01(&["baseline", "m1", "m3", "m6"]);
        let mut form = m9_form();
        form.set("creatinine_unit", "mg/L");
        let live = live(&form, &before, &config);
        assert_eq!(live.errors.len(), 1, "{:?}", live.errors);
        assert_eq!(live.errors[0].field, "creatinine_unit");
        // Without its creatinine the visit has no eGFR; the SLEDAI-2K still scores.
        assert!(matches!(live.preview.egfr, LiveValue::Missing(_)));
        assert_eq!(live.preview.sledai2k, LiveValue::Value("0".to_owned()));
    }

    #[test]
    fn a_visit_recorded_already_is_refused_on_the_visit_field() {
        let config = MeasureConfig::default();
        let all = idx01(&["baseline", "m1", "m3", "m6", "m9"]);
        let live = live(&m9_form(), &all, &config);
        assert_eq!(live.errors.len(), 1, "{:?}", live.errors);
        assert_eq!(live.errors[0].field, "visit");
    }
}
