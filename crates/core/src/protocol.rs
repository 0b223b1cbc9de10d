//! Study protocols as data (issue #3 item 2): arms and cell products, the visit schedule with
//! windows and the measurements due, eligibility, the primary endpoint and stratification
//! factors, loaded from a TOML file (`protocols/*.toml`, format in docs/protocols.md) and
//! validated once, with errors that name the line and the key.
//!
//! Pure: [`load`] takes the file's text and a display name for errors; the binary reads files.
//! Past the loader, a [`Protocol`] is valid by construction: exactly one baseline, visits in
//! increasing target day with disjoint windows, every measurement known, a randomized design
//! with at least two arms, the endpoint's visit in the schedule.

mod arm;
mod cell_product;
mod eligibility;
mod endpoint;
mod error;
mod load;
mod measurement;
mod randomization_plan;
mod schedule;
mod stratification;
mod visit_code;
mod visit_window;

use serde::{Deserialize, Serialize};

pub use arm::{Arm, Intervention};
pub use cell_product::{CellProduct, CellSource, Donor, Dose, Route};
pub use eligibility::{
    AgeRange, BiopsyRecency, ClassList, Criterion, Eligibility, Indication, Rule, SledaiThreshold,
};
pub use endpoint::{EndpointMeasure, Imputation, PrimaryEndpoint};
pub use error::ProtocolError;
pub use load::load;
pub use measurement::Measurement;
pub use randomization_plan::{Method, RandomizationPlan};
pub use schedule::{Schedule, ScheduledVisit, target_day};
pub use stratification::StratificationFactor;
pub use visit_code::VisitCode;
pub use visit_window::{VisitWindow, WindowStatus, study_day};

/// A study's design (issue #3 item 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// One arm, every participant treated (the Valladolid case series, renal.md §7.1).
    SingleArm,
    /// Two or more arms allocated at random (NCT03673748, renal.md §7.1).
    Randomized,
}

/// Who knows the allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blinding {
    /// Everyone knows what is given.
    Open,
    /// Neither participants nor investigators know (NCT03673748). Needs a randomized design.
    DoubleBlind,
}

/// A validated study protocol. Built only by [`load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protocol {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) registry_id: Option<String>,
    pub(crate) design: Design,
    pub(crate) blinding: Blinding,
    pub(crate) target_participants: u32,
    pub(crate) arms: Vec<Arm>,
    pub(crate) schedule: Schedule,
    pub(crate) eligibility: Eligibility,
    pub(crate) primary_endpoint: Option<PrimaryEndpoint>,
    pub(crate) stratification: Vec<StratificationFactor>,
    pub(crate) randomization: Option<RandomizationPlan>,
}

impl Protocol {
    /// The protocol's identifier (`msc-ln-rct`): lower-case letters, digits and `-`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The protocol version as written by the sponsor (`1.0`, `2024-03 amendment 2`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The trial registry identifier (`NCT03673748`), when registered.
    pub fn registry_id(&self) -> Option<&str> {
        self.registry_id.as_deref()
    }

    /// Single-arm or randomized.
    pub fn design(&self) -> Design {
        self.design
    }

    /// Open or double-blind.
    pub fn blinding(&self) -> Blinding {
        self.blinding
    }

    /// The planned number of participants.
    pub fn target_participants(&self) -> u32 {
        self.target_participants
    }

    /// The arms, in file order (one for a single-arm study, two or more when randomized).
    pub fn arms(&self) -> &[Arm] {
        &self.arms
    }

    /// The arm with this id.
    pub fn arm(&self, id: &str) -> Option<&Arm> {
        self.arms.iter().find(|a| a.id == id)
    }

    /// The allocation ratio written `1:1`, `2:1`, in arm order.
    pub fn allocation_ratio(&self) -> String {
        let parts: Vec<String> = self.arms.iter().map(|a| a.ratio.to_string()).collect();
        parts.join(":")
    }

    /// The visit schedule.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// Inclusion and exclusion criteria.
    pub fn eligibility(&self) -> &Eligibility {
        &self.eligibility
    }

    /// The primary endpoint (mandatory for a randomized design).
    pub fn primary_endpoint(&self) -> Option<&PrimaryEndpoint> {
        self.primary_endpoint.as_ref()
    }

    /// The declared stratification factors (randomized designs only).
    pub fn stratification(&self) -> &[StratificationFactor] {
        &self.stratification
    }

    /// How allocations are made (the `[randomization]` table), when the protocol says.
    pub fn randomization(&self) -> Option<&RandomizationPlan> {
        self.randomization.as_ref()
    }
}
