//! Passwords (issue #7 item 3): argon2id PHC strings in `app_user_credential`, one row per
//! change, the newest the current one — a password change supersedes, nothing is overwritten.
//! Hashing runs on a blocking thread: argon2id is slow on purpose.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde_json::json;
use sledger_core::InputError;

use crate::Store;
use crate::error::StoreError;
use crate::user::{USERS_CHAIN, User, begin_user_settings, user_by_name};
use crate::write::{Actor, new_id};

/// The shortest password accepted (NIST SP 800-63B §5.1.1.2: at least 8 characters).
const MIN_PASSWORD_CHARS: usize = 8;

/// A PHC string of the argon2id hash of a password that passes the length rule.
pub(crate) async fn hash_password(password: &str) -> Result<String, StoreError> {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=1024).contains(&chars) {
        return Err(InputError::new(
            "password",
            "(hidden)",
            format!("{MIN_PASSWORD_CHARS} to 1024 characters"),
        )
        .into());
    }
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| StoreError::Config(format!("no randomness: {e}")))?;
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| StoreError::Config(format!("password salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Config(format!("password hash: {e}")))
    })
    .await
    .map_err(|e| StoreError::Worker(e.to_string()))?
}

/// Whether `password` matches the PHC string (`None`: compare against a dummy hash so an
/// unknown username costs the same time as a wrong password).
pub(crate) async fn password_matches(
    phc: Option<String>,
    password: &str,
) -> Result<bool, StoreError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let dummy;
        let phc = match phc {
            Some(p) => p,
            None => {
                dummy = DUMMY_PHC.to_owned();
                dummy
            }
        };
        let parsed = PasswordHash::new(&phc)
            .map_err(|_| StoreError::Corrupt("app_user_credential holds no PHC string"))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && phc != DUMMY_PHC)
    })
    .await
    .map_err(|e| StoreError::Worker(e.to_string()))?
}

/// The argon2id hash (default parameters) of a random password nobody knows.
const DUMMY_PHC: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2xlZGdlci1kdW1teQ$4Ojh2pYqOTWn+9GPBbdJ6MDrHM8yvBOhp0G4Mh3vPVk";

impl Store {
    /// Sets the password of `username`: by an admin, or by the user for themself. Audited on
    /// the users chain without the hash.
    pub async fn set_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> Result<(), StoreError> {
        let result = self.try_set_password(actor, username, password).await;
        self.audit_refusal_on(actor, USERS_CHAIN, "app_user_credential", username, result)
            .await
    }

    async fn try_set_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> Result<(), StoreError> {
        let phc = hash_password(password).await?;
        let (mut w, user_id) = begin_user_settings(self.pool(), actor, username).await?;
        let credential_id = new_id();
        let at = w.at().to_owned();
        w.tx.execute(
            "INSERT INTO app_user_credential (credential_id, user_id, password_phc, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5)",
            &[
                credential_id.as_str().into(),
                user_id.as_str().into(),
                phc.as_str().into(),
                at.as_str().into(),
                actor.0.as_str().into(),
            ],
        )
        .await?;
        let after = json!({ "username": username, "password": "set" });
        w.audit(
            "create",
            "app_user_credential",
            &credential_id,
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await
    }

    /// The user if `password` is their current password; `None` for an unknown user, a user
    /// without a password or a wrong password (the same answer, in the same time).
    pub async fn check_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let row = tx
            .fetch_optional(
                "SELECT c.password_phc FROM app_user_credential c JOIN app_user u ON u.user_id = c.user_id \
                 WHERE u.username = $1 ORDER BY c.created_at DESC, c.credential_id DESC LIMIT 1",
                &[username.into()],
            )
            .await?;
        let phc = row.map(|r| r.req_text(0)).transpose()?;
        let known = phc.is_some();
        let user = match user_by_name(&mut tx, username).await {
            Ok((_, user)) => Some(user),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        drop(tx);
        let ok = password_matches(phc, password).await?;
        Ok(if ok && known { user } else { None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let phc = hash_password("correct horse").await.expect("hashes");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(
            password_matches(Some(phc.clone()), "correct horse")
                .await
                .expect("verifies")
        );
        assert!(
            !password_matches(Some(phc), "wrong horse")
                .await
                .expect("verifies")
        );
        assert!(!password_matches(None, "anything").await.expect("dummy"));
    }

    #[tokio::test]
    async fn short_passwords_are_refused_naming_the_field() {
        let Err(StoreError::Input(e)) = hash_password("short").await else {
            panic!("a 5-character password must be refused");
        };
        assert_eq!(e.field, "password");
        assert_ne!(
            e.value, "short",
            "the password itself never appears in an error"
        );
    }
}
