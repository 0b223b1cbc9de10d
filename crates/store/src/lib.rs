//! sledger-store: a study's facts on SQLite (default) or PostgreSQL (DESIGN §3, §5).
//!
//! Facts are captured once and kept forever: a correction writes a new version with who, when
//! and why ([`fact`]); every write appends to the study's tamper-evident audit chain in the same
//! transaction ([`audit`], [`write`]). Measures are never stored: readers get facts and
//! sledger-core computes the measures. The only crate that speaks SQL (ARCHITECTURE.md).

pub mod adverse_event;
pub mod allocation;
pub mod api_token;
pub mod audit;
pub mod authorization;
pub mod backend;
pub mod chart_wire;
pub mod column;
pub mod condition;
pub mod correct;
pub mod credential;
pub mod eligibility;
pub mod error;
pub mod fact;
pub mod imported_fact;
pub mod imported_record;
pub mod infusion;
pub mod linkage;
pub mod medication;
mod observation_row;
pub mod observations;
pub mod patient_record;
pub mod randomization_list;
mod refusal;
pub mod report_input;
pub mod sledai_item;
pub mod stratum;
pub mod study;
pub mod trial_population;
pub mod unblinding;
pub mod user;
pub mod visit;
pub mod visit_facts;
pub mod visit_wire;
pub mod web_session;
pub mod write;

pub use allocation::AllocationView;
pub use authorization::{Permission, Role, SiteScope};
pub use backend::{Backend, DbUrl, Pool};
pub use eligibility::Answer;
pub use error::StoreError;
pub use patient_record::{FactRef, PatientChart, StoredVisit};
pub use randomization_list::{ListEntry, ListKind, SetUp};
pub use refusal::refusal_json;
pub use stratum::{Lock, StratumValues};
pub use study::{NewPatient, PatientRef, Study};
pub use trial_population::{AnalysisGroup, Member, Screening, TrialPopulation};
pub use unblinding::{Unblinded, UnblindingEvent};
pub use user::User;
pub use visit::{RecordedVisitSummary, VisitSubmission, VisitTiming};
pub use web_session::StartedSession;
pub use write::{Actor, Write};

/// The study store: a connection pool with the schema migrated.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
}

impl Store {
    /// Opens (and creates or migrates) the database at `url`: `sqlite://PATH` or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let url: DbUrl = url.parse()?;
        Ok(Store {
            pool: Pool::connect(&url).await?,
        })
    }

    /// The connection pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Closes the pool (waits for connections to return).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
