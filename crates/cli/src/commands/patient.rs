//! `sledger patient enroll …` and `sledger patient show CODE` (issue #3 item 3). A patient is
//! known by a pseudonymous study code, a sex, a birth year and month, never a name.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use sledger_core::InputError;
use sledger_core::sex::RecordedSex;
use sledger_store::column::parse_code;
use sledger_store::{NewPatient, StoreError};

use super::refusal::accepted;
use super::{DbArgs, patient_show, screening};

#[derive(Debug, Subcommand)]
pub enum PatientCommand {
    /// Enroll a patient under a pseudonymous code.
    Enroll(EnrollArgs),
    /// Show a patient's facts and every measure per visit, computed now from the facts.
    Show(patient_show::ShowArgs),
    /// Record answers to the protocol's eligibility criteria (criterion=yes|no).
    Eligibility(screening::EligibilityArgs),
    /// Record the stratification factors' values (factor=level) and lock them.
    Strata(screening::StrataArgs),
}

#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// The study's code.
    #[arg(long)]
    study: String,
    /// The patient's pseudonymous study code (letters, digits, '-', '_').
    #[arg(long)]
    code: String,
    /// The site's code.
    #[arg(long)]
    site: String,
    /// female, male, other, intersex, unknown or not_recorded (renal.md §0.3).
    #[arg(long)]
    sex: String,
    /// Birth year and month, YYYY-MM (no day: pseudonymisation).
    #[arg(long)]
    birth: String,
    /// Enrollment date, YYYY-MM-DD.
    #[arg(long)]
    enrolled: String,
}

/// `YYYY-MM` → (year, month), naming `birth`.
fn birth(text: &str) -> Result<(i16, u8), InputError> {
    let bad = || InputError::new("birth", text, "year and month, YYYY-MM (e.g. 1980-05)");
    let (y, m) = text.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    Ok((y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?))
}

pub(crate) fn date(field: &'static str, text: &str) -> Result<jiff::civil::Date, InputError> {
    text.parse()
        .map_err(|_| InputError::new(field, text, "an ISO date, YYYY-MM-DD"))
}

fn new_patient(args: &EnrollArgs) -> Result<NewPatient, InputError> {
    let (birth_year, birth_month) = birth(&args.birth)?;
    Ok(NewPatient {
        code: args.code.clone(),
        site: args.site.clone(),
        sex: parse_code::<RecordedSex>(
            "sex",
            &args.sex,
            "female, male, other, intersex, unknown, not_recorded",
        )?,
        birth_year,
        birth_month,
        enrollment_date: date("enrolled", &args.enrolled)?,
    })
}

pub async fn run(db: &DbArgs, command: PatientCommand) -> anyhow::Result<ExitCode> {
    match command {
        PatientCommand::Enroll(args) => {
            let patient = accepted!(new_patient(&args).map_err(StoreError::from));
            let store = db.open().await?;
            let study = accepted!(store.study(&args.study).await);
            let p = accepted!(store.enroll(&db.actor(), &study, &patient).await);
            outln!("enrolled {} at site {} in {}", p.code, p.site, study.code);
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        PatientCommand::Show(args) => patient_show::run(db, &args).await,
        PatientCommand::Eligibility(args) => screening::eligibility(db, &args).await,
        PatientCommand::Strata(args) => screening::strata(db, &args).await,
    }
}
