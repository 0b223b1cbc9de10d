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
