//! `GET /studies/{study}/audit?page=N`: the study's audit trail, newest first, 50 entries a
//! page, with the result of recomputing the hash chain (`#audit-verify`). Only roles the store
//! lets read the audit trail (admin, monitor; DESIGN §6) see it: the store refuses the others
//! and they get the localized 403 page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use sledger_store::audit::{AuditEntry, Verification};

use crate::problem::ApiError;
use crate::state::AppState;
use crate::ui::error_page::{OrPage, UiError, render};
use crate::ui::i18n::t;
use crate::ui::page::Shell;
use crate::ui::viewer::Viewer;

/// Entries per page.
const PAGE_SIZE: i64 = 50;

/// The page asked for (1 = the newest entries).
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

/// The sequence range `[from, to]` of page `page` (1-based, newest first) of `total` entries.
pub fn page_range(total: i64, page: i64) -> Option<(i64, i64)> {
    let to = total - (page - 1) * PAGE_SIZE;
    if page < 1 || to < 1 {
        return None;
    }
    Some(((to - PAGE_SIZE + 1).max(1), to))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    shell: Shell,
    study: String,
    intact: bool,
    verification: String,
    entries: Vec<AuditEntry>,
    page: i64,
    previous: Option<i64>,
    next: Option<i64>,
}

/// The number of entries of the study's chain (the last sequence number): from a verified
/// chain directly, else by reading the log a thousand entries at a time.
async fn total_entries(
    state: &AppState,
    viewer: &Viewer,
    study: &sledger_store::Study,
    verification: &Verification,
) -> Result<i64, UiError> {
    if let Verification::Intact { entries } = verification {
        return Ok(*entries);
    }
    let mut last = 0;
    loop {
        let batch = state
            .store
            .audit_log_as(&viewer.actor, study, last + 1, 1000)
            .await
            .or_page(viewer)?;
        match batch.last() {
            Some(entry) => last = entry.seq,
            None => return Ok(last),
        }
    }
}

pub async fn log(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(study): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, UiError> {
    let lang = viewer.lang;
    let page = query.page.unwrap_or(1);
    if page < 1 {
        return Err(UiError::for_viewer(
            &viewer,
            ApiError::invalid("page", page.to_string(), "a page number from 1"),
        ));
    }
    let study = state
        .store
        .study_as(&viewer.actor, &study)
        .await
        .or_page(&viewer)?;
    let verification = state
        .store
        .verify_audit_as(&viewer.actor, &study)
        .await
        .or_page(&viewer)?;
    let total = total_entries(&state, &viewer, &study, &verification).await?;
    let mut entries = match page_range(total, page) {
        Some((from, to)) => state
            .store
            .audit_log_as(&viewer.actor, &study, from, to - from + 1)
            .await
            .or_page(&viewer)?,
        None => Vec::new(),
    };
    entries.reverse();
    let (intact, verification) = match &verification {
        Verification::Intact { entries } => (
            true,
            t(lang, "audit-intact", &[("entries", &entries.to_string())]),
        ),
        Verification::Broken { seq, problem } => (
            false,
            t(
                lang,
                "audit-broken",
                &[("seq", &seq.to_string()), ("problem", problem)],
            ),
        ),
    };
    let title = format!("{} — {}", study.code, t(lang, "nav-audit", &[]));
    let page = AuditPage {
        shell: Shell::for_viewer(&viewer, title).with_study(&viewer, &study),
        study: study.code.clone(),
        intact,
        verification,
        entries,
        previous: (page > 1).then_some(page - 1),
        next: page_range(total, page + 1).map(|_| page + 1),
        page,
    };
    Ok(render(lang, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_count_back_from_the_newest_entry() {
        assert_eq!(page_range(120, 1), Some((71, 120)));
        assert_eq!(page_range(120, 2), Some((21, 70)));
        assert_eq!(page_range(120, 3), Some((1, 20)));
        assert_eq!(page_range(120, 4), None);
        assert_eq!(page_range(50, 1), Some((1, 50)));
        assert_eq!(page_range(50, 2), None);
        assert_eq!(page_range(0, 1), None);
        assert_eq!(page_range(10, 0), None);
    }
}
