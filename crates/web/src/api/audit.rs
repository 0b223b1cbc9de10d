//! `GET /api/v1/studies/{study}/audit` and `…/audit/verify`: the study's audit trail, for the
//! roles that may read it (admin, monitor).

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use sledger_store::audit::Verification;
use utoipa::{IntoParams, ToSchema};

use crate::authentication::Caller;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// A page of the log.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Page {
    /// The first entry's sequence number (default 1).
    pub from: Option<i64>,
    /// At most this many entries (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// One audit entry: who did what to which entity when, before and after, and the hashes.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryOut {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The chain's verification: intact with its length, or the first broken entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationOut {
    pub intact: bool,
    pub entries: Option<i64>,
    pub broken_at: Option<i64>,
    pub problem: Option<String>,
}

/// The study's audit entries in order.
#[utoipa::path(get, operation_id = "audit_log", path = "/api/v1/studies/{study}/audit", tag = "audit",
    params(("study" = String, Path, description = "the study's code"), Page),
    responses((status = 200, body = Vec<AuditEntryOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn log(
    State(state): State<AppState>,
    caller: Caller,
    Path(study): Path<String>,
    Query(page): Query<Page>,
) -> Result<Json<Vec<AuditEntryOut>>, ApiError> {
    let limit = page.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("limit", limit.to_string(), "1 to 1000"));
    }
    let study = state.store.study_as(&caller.actor, &study).await?;
    let entries = state
        .store
        .audit_log_as(&caller.actor, &study, page.from.unwrap_or(1), limit)
        .await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| AuditEntryOut {
                seq: e.seq,
                at: e.at,
                actor: e.record.actor,
                action: e.record.action,
                entity: e.record.entity,
                entity_id: e.record.entity_id,
                before: e.record.before,
                after: e.record.after,
                reason: e.record.reason,
                prev_hash: e.prev_hash,
                hash: e.hash,
            })
            .collect(),
    ))
}

/// Recompute the study's audit chain.
#[utoipa::path(get, operation_id = "audit_verify", path = "/api/v1/studies/{study}/audit/verify", tag = "audit",
    params(("study" = String, Path, description = "the study's code")),
    responses((status = 200, body = VerificationOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(study): Path<String>,
) -> Result<Json<VerificationOut>, ApiError> {
    let study = state.store.study_as(&caller.actor, &study).await?;
    let verification = state.store.verify_audit_as(&caller.actor, &study).await?;
    Ok(Json(match verification {
        Verification::Intact { entries } => VerificationOut {
            intact: true,
            entries: Some(entries),
            broken_at: None,
            problem: None,
        },
        Verification::Broken { seq, problem } => VerificationOut {
            intact: false,
            entries: None,
            broken_at: Some(seq),
            problem: Some(problem),
        },
    }))
}
