//! Who is in the trial's analysis, and in which group, as the reader may see it (issue #5
//! item 3, trial report): each patient's screening outcome (from the eligibility answers) and
//! allocation on the live list. Arms leave the store only for the roles that may see them
//! (authorization.rs, ARCHITECTURE invariant 8); a blinded reader gets the same grouping under
//! masked labels A, B, … whose order is a keyed digest of the live list's secret seed, so the
//! labels cannot be mapped to arms from the protocol (CONSORT 2010 item 11a; ICH E9 §2.3.2:
//! analyses by "group A / group B" while the code is withheld). Each reading is audited.

use std::collections::HashMap;

use serde_json::json;
use sledger_core::protocol::Protocol;

use crate::Store;
use crate::authorization::{self, Permission};
use crate::error::StoreError;
use crate::fact;
use crate::randomization_list::{ListKind, keyed_digest, seed_of};
use crate::study::Study;
use crate::write::{Actor, Write};

/// Where a patient stands on the way into the trial (the dashboard's counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentStatus {
    pub code: String,
    pub screening: Screening,
    pub randomized: bool,
}

/// A patient's screening outcome from the recorded eligibility answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screening {
    /// No eligibility answer recorded.
    NotScreened,
    /// Every inclusion criterion answered yes and every exclusion criterion no.
    Eligible,
    /// The criteria that exclude the patient (an inclusion answered no, an exclusion yes).
    Ineligible(Vec<String>),
    /// Answered in part: the criteria without an answer.
    Incomplete(Vec<String>),
}

/// The analysis group of a randomized patient as the reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AnalysisGroup {
    /// The protocol arm's id (unblinded readers, or an open study).
    Arm(String),
    /// A masked label: "A", "B", … (blinded readers).
    Masked(String),
}

/// One patient of the study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub code: String,
    pub screening: Screening,
    /// The live-list allocation number and group, once randomized.
    pub allocation: Option<(i64, AnalysisGroup)>,
}

/// The study's patients and the groups, in display order (protocol order for arms, label
/// order for masked groups).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialPopulation {
    /// Whether the groups are masked for this reader.
    pub blinded: bool,
    pub groups: Vec<AnalysisGroup>,
    /// Every enrolled patient, by code.
    pub members: Vec<Member>,
}

fn screening(protocol: &Protocol, answers: &HashMap<&str, &str>) -> Screening {
    if answers.is_empty() {
        return Screening::NotScreened;
    }
    let e = protocol.eligibility();
    let mut failed = Vec::new();
    let mut unanswered = Vec::new();
    for (criterion, excluding) in e
        .inclusion
        .iter()
        .map(|c| (c, "no"))
        .chain(e.exclusion.iter().map(|c| (c, "yes")))
    {
        match answers.get(criterion.id.as_str()) {
            None => unanswered.push(criterion.id.clone()),
            Some(a) if *a == excluding => failed.push(criterion.id.clone()),
            Some(_) => {}
        }
    }
    if !failed.is_empty() {
        Screening::Ineligible(failed)
    } else if !unanswered.is_empty() {
        Screening::Incomplete(unanswered)
    } else {
        Screening::Eligible
    }
}

impl Store {
    /// One patient's screening outcome by the recorded eligibility answers, for an actor who
    /// may read the records of the patient's site (the UI's patient page: whether to offer
    /// randomization; `Store::randomize` still checks eligibility itself).
    pub async fn screening_of(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
    ) -> Result<Screening, StoreError> {
        let sid = study.study_id.as_str();
        let mut tx = self.pool().begin_read().await?;
        let patient = crate::study::require_patient(&mut tx, sid, patient_code).await?;
        authorization::authorize_site(&mut tx, actor, Permission::ReadRecords, &patient.site)
            .await?;
        let rows = fact::ELIGIBILITY_ANSWER
            .current_where(&mut tx, sid, "patient_id", &patient.entity_id)
            .await?;
        let answers: HashMap<&str, &str> = rows
            .iter()
            .filter_map(|a| Some((a.text("criterion")?, a.text("answer")?)))
            .collect();
        Ok(screening(&study.protocol, &answers))
    }

    /// Each patient's screening outcome and whether they are randomized (never the arm), for
    /// the patients of the actor's sites: the study dashboard's counts. A plain read — unlike
    /// [`Store::trial_population`], which reads allocations for a report and is audited, it
    /// takes no write lock and leaves no audit entry per page view.
    pub async fn enrollment_status_as(
        &self,
        actor: &Actor,
        study: &Study,
    ) -> Result<Vec<EnrollmentStatus>, StoreError> {
        let sid = study.study_id.as_str();
        let mut tx = self.pool().begin_read().await?;
        let (_, scope) =
            authorization::authorize_scope(&mut tx, actor, Permission::ReadRecords).await?;
        let patients = fact::PATIENT.current_all(&mut tx, sid).await?;
        let answers = fact::ELIGIBILITY_ANSWER.current_all(&mut tx, sid).await?;
        let mut by_patient: HashMap<&str, HashMap<&str, &str>> = HashMap::new();
        for a in &answers {
            if let (Some(p), Some(c), Some(v)) =
                (a.text("patient_id"), a.text("criterion"), a.text("answer"))
            {
                by_patient.entry(p).or_default().insert(c, v);
            }
        }
        let randomized: std::collections::HashSet<String> = tx
            .fetch_all(
                "SELECT patient_id FROM allocation WHERE study_id = $1 AND list_kind = $2",
                &[sid.into(), ListKind::Live.code().into()],
            )
            .await?
            .iter()
            .map(|row| row.req_text(0))
            .collect::<Result<_, _>>()?;
        let empty = HashMap::new();
        let mut out: Vec<EnrollmentStatus> = patients
            .iter()
            .filter(|p| p.text("site_code").is_some_and(|site| scope.includes(site)))
            .map(|p| EnrollmentStatus {
                code: p.text("code").unwrap_or_default().to_owned(),
                screening: screening(
                    &study.protocol,
                    by_patient.get(p.entity_id.as_str()).unwrap_or(&empty),
                ),
                randomized: randomized.contains(&p.entity_id),
            })
            .collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(out)
    }

    /// The trial population as `actor` may see it (any registered role; arms only for the
    /// roles `authorization::sees_arms` allows). Audited as a read of the allocations.
    pub async fn trial_population(
        &self,
        actor: &Actor,
        study: &Study,
    ) -> Result<TrialPopulation, StoreError> {
        let result = self.try_trial_population(actor, study).await;
        self.audit_refusal(actor, study, "trial_population", &study.code, result)
            .await
    }

    async fn try_trial_population(
        &self,
        actor: &Actor,
        study: &Study,
    ) -> Result<TrialPopulation, StoreError> {
        let sid = study.study_id.as_str();
        let mut w = Write::begin(self.pool(), sid, actor).await?;
        let role = authorization::authorize(&mut w.tx, actor, Permission::ViewAllocation).await?;
        let blinded = !authorization::sees_arms(role, study.protocol.blinding());
        let arms: Vec<String> = study.protocol.arms().iter().map(|a| a.id.clone()).collect();
        // The masked labels: arms ordered by a keyed digest of the live seed.
        let mask: HashMap<String, String> = if blinded {
            let seed = seed_of(&mut w.tx, study, ListKind::Live).await.ok();
            let mut keyed: Vec<(String, &String)> = arms
                .iter()
                .map(|a| {
                    let key = seed.as_ref().map_or_else(String::new, |s| {
                        keyed_digest(s, &format!("report-mask|{a}"))
                    });
                    (key, a)
                })
                .collect();
            keyed.sort();
            keyed
                .into_iter()
                .enumerate()
                .map(|(i, (_, arm))| (arm.clone(), label(i)))
                .collect()
        } else {
            HashMap::new()
        };
        let group = |arm: &str| -> AnalysisGroup {
            match mask.get(arm) {
                Some(l) => AnalysisGroup::Masked(l.clone()),
                None => AnalysisGroup::Arm(arm.to_owned()),
            }
        };

        let patients = fact::PATIENT.current_all(&mut w.tx, sid).await?;
        let answers = fact::ELIGIBILITY_ANSWER.current_all(&mut w.tx, sid).await?;
        let mut by_patient: HashMap<&str, HashMap<&str, &str>> = HashMap::new();
        for a in &answers {
            if let (Some(p), Some(c), Some(v)) =
                (a.text("patient_id"), a.text("criterion"), a.text("answer"))
            {
                by_patient.entry(p).or_default().insert(c, v);
            }
        }
        let allocations = w
            .tx
            .fetch_all(
                "SELECT patient_id, allocation_no, arm FROM allocation WHERE study_id = $1 AND list_kind = $2",
                &[sid.into(), ListKind::Live.code().into()],
            )
            .await?;
        let mut allocated: HashMap<String, (i64, AnalysisGroup)> = HashMap::new();
        for row in &allocations {
            allocated.insert(
                row.req_text(0)?,
                (row.req_int(1)?, group(&row.req_text(2)?)),
            );
        }
        let empty = HashMap::new();
        let mut members: Vec<Member> = patients
            .iter()
            .map(|p| Member {
                code: p.text("code").unwrap_or_default().to_owned(),
                screening: screening(
                    &study.protocol,
                    by_patient.get(p.entity_id.as_str()).unwrap_or(&empty),
                ),
                allocation: allocated.get(&p.entity_id).cloned(),
            })
            .collect();
        members.sort_by(|a, b| a.code.cmp(&b.code));
        let mut groups: Vec<AnalysisGroup> = arms.iter().map(|a| group(a)).collect();
        if blinded {
            groups.sort_by_key(|g| match g {
                AnalysisGroup::Masked(l) => l.clone(),
                AnalysisGroup::Arm(a) => a.clone(),
            });
        }
        let after = json!({
            "version": if blinded { "blinded" } else { "unblinded" },
            "role": role.code(),
            "randomized": allocated.len(),
        });
        w.audit(
            "read",
            "trial_population",
            &study.code,
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(TrialPopulation {
            blinded,
            groups,
            members,
        })
    }
}

/// "A", "B", …, "Z", "AA", … for group `i`.
fn label(i: usize) -> String {
    let mut n = i;
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
        n -= 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_run_a_to_z_then_aa() {
        assert_eq!(label(0), "A");
        assert_eq!(label(1), "B");
        assert_eq!(label(25), "Z");
        assert_eq!(label(26), "AA");
    }
}
