//! The user registry (`app_user`, DESIGN §6): a username and a role. The CLI's `--actor` is the
//! username. Registrations are audited on their own chain, `sledger:users`, since a user is
//! not a study's (`Store::verify_users` recomputes it).

use serde_json::json;
use sledger_core::InputError;

use crate::Store;
use crate::audit::{self, Verification};
use crate::authorization::{self, Permission, Role};
use crate::error::StoreError;
use crate::write::{Actor, Write, new_id};

/// The audit chain of the user registry (refused registrations are audited on it too).
pub const USERS_CHAIN: &str = "sledger:users";

/// A registered user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub role: Role,
    pub created_at: String,
}

/// The UI languages (issue #7: English and Spanish).
pub const LANGUAGES: [&str; 2] = ["en", "es"];

/// Begins a write on the user registry about `username`'s own settings (password, language,
/// bearer tokens): a user changes their own, only an admin anyone's. Returns the write and
/// the user's id (`NotFound` naming the username).
pub(crate) async fn begin_user_settings(
    pool: &crate::backend::Pool,
    actor: &Actor,
    username: &str,
) -> Result<(Write, String), StoreError> {
    let mut w = Write::begin(pool, USERS_CHAIN, actor).await?;
    if actor.0 != username {
        authorization::authorize(&mut w.tx, actor, Permission::ManageUsers).await?;
    }
    let (user_id, _) = user_by_name(&mut w.tx, username).await?;
    Ok((w, user_id))
}

/// The id and the user called `username`; `NotFound` naming the username otherwise.
pub(crate) async fn user_by_name(
    tx: &mut crate::backend::Tx,
    username: &str,
) -> Result<(String, User), StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT user_id, username, role, created_at FROM app_user WHERE username = $1",
            &[username.into()],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "user",
            key: username.to_owned(),
        })?;
    let user = User {
        username: row.req_text(1)?,
        role: row
            .req_text(2)?
            .parse()
            .map_err(|_| StoreError::Corrupt("app_user.role holds an unknown role"))?,
        created_at: row.req_text(3)?,
    };
    Ok((row.req_text(0)?, user))
}

/// A username: 1–64 of a-z, A-Z, 0-9, `.`, `_`, `-`, `@`, `:`.
fn check_username(name: &str) -> Result<(), InputError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_@:".contains(c));
    if ok {
        Ok(())
    } else {
        Err(InputError::new(
            "username",
            name,
            "1–64 letters, digits, '.', '_', '-', '@' or ':'",
        ))
    }
}

impl Store {
    /// Registers `username` with `role`. The first user must be an admin (else nobody could
    /// register the next); after that only an admin registers users.
    pub async fn add_user(
        &self,
        actor: &Actor,
        username: &str,
        role: Role,
    ) -> Result<User, StoreError> {
        let result = self.try_add_user(actor, username, role).await;
        self.audit_refusal_on(actor, USERS_CHAIN, "app_user", username, result)
            .await
    }

    async fn try_add_user(
        &self,
        actor: &Actor,
        username: &str,
        role: Role,
    ) -> Result<User, StoreError> {
        check_username(username)?;
        let mut w = Write::begin(self.pool(), USERS_CHAIN, actor).await?;
        let first =
            w.tx.fetch_optional("SELECT user_id FROM app_user LIMIT 1", &[])
                .await?
                .is_none();
        if first && role != Role::Admin {
            return Err(InputError::new(
                "role",
                role,
                "the first registered user must be an admin (only admins register users)",
            )
            .into());
        }
        authorization::authorize(&mut w.tx, actor, Permission::ManageUsers).await?;
        let exists =
            w.tx.fetch_optional(
                "SELECT user_id FROM app_user WHERE username = $1",
                &[username.into()],
            )
            .await?;
        if exists.is_some() {
            return Err(StoreError::Duplicate {
                field: "username",
                value: username.to_owned(),
            });
        }
        let user_id = new_id();
        let at = w.at().to_owned();
        w.tx.execute(
            "INSERT INTO app_user (user_id, username, role, created_at) VALUES ($1, $2, $3, $4)",
            &[
                user_id.as_str().into(),
                username.into(),
                role.code().into(),
                at.as_str().into(),
            ],
        )
        .await?;
        let after = json!({ "username": username, "role": role.code() });
        w.audit(
            "create",
            "app_user",
            &user_id,
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(User {
            username: username.to_owned(),
            role,
            created_at: at,
        })
    }

    /// Grants `username` access to the patients of site `site` (site isolation, issue #7
    /// item 3); only an admin grants. A second grant of the same site changes nothing.
    pub async fn grant_site(
        &self,
        actor: &Actor,
        username: &str,
        site: &str,
    ) -> Result<(), StoreError> {
        let result = self.try_grant_site(actor, username, site).await;
        self.audit_refusal_on(actor, USERS_CHAIN, "app_user_site", username, result)
            .await
    }

    async fn try_grant_site(
        &self,
        actor: &Actor,
        username: &str,
        site: &str,
    ) -> Result<(), StoreError> {
        crate::study::check_code("site", site)?;
        let mut w = Write::begin(self.pool(), USERS_CHAIN, actor).await?;
        authorization::authorize(&mut w.tx, actor, Permission::ManageUsers).await?;
        let (user_id, _) = user_by_name(&mut w.tx, username).await?;
        let granted =
            w.tx.fetch_optional(
                "SELECT site_code FROM app_user_site WHERE user_id = $1 AND site_code = $2",
                &[user_id.as_str().into(), site.into()],
            )
            .await?;
        if granted.is_some() {
            return Ok(());
        }
        let at = w.at().to_owned();
        w.tx.execute(
            "INSERT INTO app_user_site (user_id, site_code, granted_at, granted_by) VALUES ($1, $2, $3, $4)",
            &[
                user_id.as_str().into(),
                site.into(),
                at.as_str().into(),
                actor.0.as_str().into(),
            ],
        )
        .await?;
        let after = json!({ "username": username, "site": site });
        w.audit(
            "grant",
            "app_user_site",
            &user_id,
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await
    }

    /// The sites granted to `username`, by code.
    pub async fn user_sites(&self, username: &str) -> Result<Vec<String>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        authorization::granted_sites(&mut tx, username).await
    }

    /// Sets the preferred UI language of `username` (en or es), by the user or an admin.
    pub async fn set_language(
        &self,
        actor: &Actor,
        username: &str,
        language: &str,
    ) -> Result<(), StoreError> {
        if !LANGUAGES.contains(&language) {
            return Err(InputError::new("language", language, "one of en, es").into());
        }
        let (mut w, user_id) = begin_user_settings(self.pool(), actor, username).await?;
        let at = w.at().to_owned();
        w.tx.execute(
            "INSERT INTO app_user_language (user_id, language, set_at) VALUES ($1, $2, $3)",
            &[user_id.as_str().into(), language.into(), at.as_str().into()],
        )
        .await?;
        let after = json!({ "username": username, "language": language });
        w.audit(
            "set",
            "app_user_language",
            &user_id,
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await
    }

    /// The preferred UI language of `username` (`None`: never set).
    pub async fn language(&self, username: &str) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let row = tx
            .fetch_optional(
                "SELECT l.language FROM app_user_language l JOIN app_user u ON u.user_id = l.user_id \
                 WHERE u.username = $1 ORDER BY l.set_at DESC LIMIT 1",
                &[username.into()],
            )
            .await?;
        row.map(|r| r.req_text(0)).transpose()
    }

    /// Every registered user, by username.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT username, role, created_at FROM app_user ORDER BY username",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(User {
                    username: r.req_text(0)?,
                    role: r
                        .req_text(1)?
                        .parse()
                        .map_err(|_| StoreError::Corrupt("app_user.role holds an unknown role"))?,
                    created_at: r.req_text(2)?,
                })
            })
            .collect()
    }

    /// Recomputes the user registry's audit chain.
    pub async fn verify_users(&self) -> Result<Verification, StoreError> {
        audit::verify(self.pool(), USERS_CHAIN).await
    }
}
