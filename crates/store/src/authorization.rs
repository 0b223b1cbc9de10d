//! Who may do what (DESIGN §6, issue #4): the user registry's roles and the one place that
//! checks them. Every randomization-related store method calls [`authorize`] inside its
//! transaction, so a role change cannot race a write.
//!
//! Site isolation (issue #7 item 3): a user sees and writes only the patients of the sites
//! granted to them (`app_user_site`); an admin sees every site. [`authorize_site`] checks the
//! role and the site together, inside the caller's transaction.
//!
//! Unknown actors: while the registry is empty (a fresh store, a single-user installation, the
//! existing scripts and tests) every actor acts as admin, so the first user can be registered.
//! Once one user exists, the actor must be a registered username; anyone else is refused.

use std::fmt;
use std::str::FromStr;

use sledger_core::InputError;
use sledger_core::protocol::Blinding;

use crate::backend::Tx;
use crate::error::StoreError;
use crate::write::Actor;

/// A user's role. `statistician` is blinded; only `admin` and `unblinded_statistician` see
/// allocation lists and arms (ICH E9 §2.3.2: those who analyse blind data stay blind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    Investigator,
    Coordinator,
    Monitor,
    Statistician,
    UnblindedStatistician,
}

/// Every role, in the order docs/randomization.md lists them.
pub const ROLES: [Role; 6] = [
    Role::Admin,
    Role::Investigator,
    Role::Coordinator,
    Role::Monitor,
    Role::Statistician,
    Role::UnblindedStatistician,
];

impl Role {
    /// The role's code, as stored and typed.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Investigator => "investigator",
            Role::Coordinator => "coordinator",
            Role::Monitor => "monitor",
            Role::Statistician => "statistician",
            Role::UnblindedStatistician => "unblinded_statistician",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = InputError;

    fn from_str(text: &str) -> Result<Role, InputError> {
        ROLES.into_iter().find(|r| r.code() == text).ok_or_else(|| {
            InputError::new(
                "role",
                text,
                "one of admin, investigator, coordinator, monitor, statistician, unblinded_statistician",
            )
        })
    }
}

/// What an actor asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Register users.
    ManageUsers,
    /// Generate a study's allocation lists.
    SetUpRandomization,
    /// Record eligibility answers and stratum values, and lock them.
    RecordScreening,
    /// Randomize a patient.
    Randomize,
    /// See that a patient was randomized and the allocation number.
    ViewAllocation,
    /// Read the lists (slots, blocks, arms) and every allocated arm.
    ViewLists,
    /// Emergency unblinding of one patient.
    Unblind,
    /// Read the list of unblinding events.
    ViewUnblindings,
    /// Read studies, patients and their recorded facts (within the actor's sites).
    ReadRecords,
    /// Enroll patients and record or correct their facts (within the actor's sites).
    CaptureRecords,
    /// Read and verify a study's audit trail (DESIGN §6: the monitor's read-only plus audit).
    ReadAudit,
    /// Read study reports (case series, trial analysis; arms only for the unblinded).
    ReadReports,
}

impl Permission {
    fn what(self) -> &'static str {
        match self {
            Permission::ManageUsers => "register users",
            Permission::SetUpRandomization => "set up randomization",
            Permission::RecordScreening => "record eligibility and stratum values",
            Permission::Randomize => "randomize patients",
            Permission::ViewAllocation => "view allocations",
            Permission::ViewLists => "read allocation lists and arms",
            Permission::Unblind => "unblind a patient",
            Permission::ViewUnblindings => "read unblinding events",
            Permission::ReadRecords => "read patient records",
            Permission::CaptureRecords => "enroll patients or record or correct their facts",
            Permission::ReadAudit => "read the audit trail",
            Permission::ReadReports => "read study reports",
        }
    }
}

/// The permission matrix (docs/randomization.md "Roles").
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission as P;
    use Role as R;
    match permission {
        P::ManageUsers | P::SetUpRandomization => role == R::Admin,
        P::RecordScreening | P::Randomize | P::CaptureRecords => {
            matches!(role, R::Admin | R::Investigator | R::Coordinator)
        }
        P::ReadRecords | P::ReadReports => true,
        P::ReadAudit => matches!(role, R::Admin | R::Monitor),
        P::ViewAllocation => true,
        P::ViewLists => matches!(role, R::Admin | R::UnblindedStatistician),
        P::Unblind => matches!(role, R::Admin | R::Investigator),
        P::ViewUnblindings => matches!(
            role,
            R::Admin | R::Investigator | R::Monitor | R::UnblindedStatistician
        ),
    }
}

/// Whether `role` sees an allocated arm: always in an open study, else only the unblinded.
pub fn sees_arms(role: Role, blinding: Blinding) -> bool {
    blinding == Blinding::Open || allows(role, Permission::ViewLists)
}

/// The role of `actor` if it may do `permission`; a [`StoreError::Forbidden`] otherwise.
pub async fn authorize(
    tx: &mut Tx,
    actor: &Actor,
    permission: Permission,
) -> Result<Role, StoreError> {
    let role = role_of(tx, actor).await?;
    let Some(role) = role else {
        return Err(StoreError::Forbidden {
            actor: actor.0.clone(),
            rule: format!(
                "not a registered user: register it with `sledger user add` before it may {}",
                permission.what()
            ),
        });
    };
    if !allows(role, permission) {
        return Err(StoreError::Forbidden {
            actor: actor.0.clone(),
            rule: format!("role {role} may not {}", permission.what()),
        });
    }
    Ok(role)
}

/// The sites whose patients an actor may see and write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteScope {
    /// Every site (admin, and every actor while no user is registered).
    All,
    /// The granted sites only, by code.
    Sites(Vec<String>),
}

impl SiteScope {
    /// Whether the patients of `site` are in scope.
    pub fn includes(&self, site: &str) -> bool {
        match self {
            SiteScope::All => true,
            SiteScope::Sites(sites) => sites.iter().any(|s| s == site),
        }
    }
}

/// The sites granted to `username`, by code.
pub(crate) async fn granted_sites(tx: &mut Tx, username: &str) -> Result<Vec<String>, StoreError> {
    let rows = tx
        .fetch_all(
            "SELECT s.site_code FROM app_user_site s JOIN app_user u ON u.user_id = s.user_id \
             WHERE u.username = $1 ORDER BY s.site_code",
            &[username.into()],
        )
        .await?;
    rows.iter().map(|r| r.req_text(0)).collect()
}

/// The role of `actor` if it may do `permission`, and the sites it may do it at.
pub async fn authorize_scope(
    tx: &mut Tx,
    actor: &Actor,
    permission: Permission,
) -> Result<(Role, SiteScope), StoreError> {
    let role = authorize(tx, actor, permission).await?;
    if role == Role::Admin {
        return Ok((role, SiteScope::All));
    }
    Ok((role, SiteScope::Sites(granted_sites(tx, &actor.0).await?)))
}

/// The role of `actor` if it may do `permission` on a patient of `site`; `Forbidden` naming
/// the site otherwise (issue #7 item 3: site isolation).
pub async fn authorize_site(
    tx: &mut Tx,
    actor: &Actor,
    permission: Permission,
    site: &str,
) -> Result<Role, StoreError> {
    let (role, scope) = authorize_scope(tx, actor, permission).await?;
    if !scope.includes(site) {
        return Err(StoreError::Forbidden {
            actor: actor.0.clone(),
            rule: format!(
                "may not {} at site {site}: not one of the user's sites",
                permission.what()
            ),
        });
    }
    Ok(role)
}

/// The actor's role: its registered role; admin while no user is registered; None for an
/// unknown actor once users exist.
pub async fn role_of(tx: &mut Tx, actor: &Actor) -> Result<Option<Role>, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT role FROM app_user WHERE username = $1",
            &[actor.0.as_str().into()],
        )
        .await?;
    if let Some(row) = row {
        let role = row
            .req_text(0)?
            .parse()
            .map_err(|_| StoreError::Corrupt("app_user.role holds an unknown role"))?;
        return Ok(Some(role));
    }
    let any = tx
        .fetch_optional("SELECT user_id FROM app_user LIMIT 1", &[])
        .await?;
    Ok(any.is_none().then_some(Role::Admin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admin_and_the_unblinded_statistician_read_lists() {
        for role in ROLES {
            let expected = matches!(role, Role::Admin | Role::UnblindedStatistician);
            assert_eq!(allows(role, Permission::ViewLists), expected, "{role}");
            assert_eq!(sees_arms(role, Blinding::DoubleBlind), expected, "{role}");
            assert!(sees_arms(role, Blinding::Open), "{role}: open study");
        }
    }

    #[test]
    fn monitors_see_unblindings_but_cannot_write() {
        assert!(allows(Role::Monitor, Permission::ViewUnblindings));
        for p in [
            Permission::Randomize,
            Permission::RecordScreening,
            Permission::Unblind,
        ] {
            assert!(!allows(Role::Monitor, p), "{p:?}");
            assert!(!allows(Role::Statistician, p), "{p:?}");
        }
    }

    #[test]
    fn only_admin_investigator_and_coordinator_capture_and_only_admin_and_monitor_audit() {
        for role in ROLES {
            let captures = matches!(role, Role::Admin | Role::Investigator | Role::Coordinator);
            assert_eq!(allows(role, Permission::CaptureRecords), captures, "{role}");
            let audits = matches!(role, Role::Admin | Role::Monitor);
            assert_eq!(allows(role, Permission::ReadAudit), audits, "{role}");
            assert!(allows(role, Permission::ReadRecords), "{role}");
        }
    }

    #[test]
    fn a_site_scope_includes_only_its_sites() {
        let scope = SiteScope::Sites(vec!["HCUV".to_owned()]);
        assert!(scope.includes("HCUV"));
        assert!(!scope.includes("HUVH"));
        assert!(SiteScope::All.includes("HUVH"));
        assert!(!SiteScope::Sites(Vec::new()).includes("HCUV"));
    }

    #[test]
    fn roles_round_trip_and_unknown_is_refused() {
        for role in ROLES {
            assert_eq!(role.code().parse::<Role>(), Ok(role));
        }
        assert_eq!(
            "superuser".parse::<Role>().expect_err("unknown").field,
            "role"
        );
    }
}
