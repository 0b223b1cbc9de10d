//! Bearer tokens for scripts (issue #7 item 1, `sledger user token`): a random secret shown
//! once; the store keeps only its SHA-256, so a copy of the database opens nothing.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::Store;
use crate::error::StoreError;
use crate::user::{USERS_CHAIN, begin_user_settings};
use crate::write::{Actor, new_id, now};

/// A new secret: `prefix` and 32 bytes from the operating system in hex (256 bits).
pub(crate) fn new_secret(prefix: &str) -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Config(format!("no randomness: {e}")))?;
    Ok(format!("{prefix}{}", hex(&bytes)))
}

/// The SHA-256 of a secret, hex: what the database holds instead of the secret.
pub(crate) fn secret_digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Creates a bearer token for `username` named `name`; returns the token, which is not
    /// stored and cannot be shown again. An admin makes tokens for anyone, a user for themself.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
    ) -> Result<String, StoreError> {
        let result = self.try_create_api_token(actor, username, name).await;
        self.audit_refusal_on(actor, USERS_CHAIN, "api_token", username, result)
            .await
    }

    async fn try_create_api_token(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
    ) -> Result<String, StoreError> {
        if name.trim().is_empty() || name.len() > 64 {
            return Err(sledger_core::InputError::new("name", name, "1–64 characters").into());
        }
        let (mut w, user_id) = begin_user_settings(self.pool(), actor, username).await?;
        let token = new_secret("slt_")?;
        let token_id = new_id();
        let at = w.at().to_owned();
        w.tx.execute(
            "INSERT INTO api_token (token_id, user_id, name, token_sha256, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[
                token_id.as_str().into(),
                user_id.as_str().into(),
                name.into(),
                secret_digest(&token).as_str().into(),
                at.as_str().into(),
            ],
        )
        .await?;
        let after = json!({ "username": username, "name": name });
        w.audit(
            "create",
            "api_token",
            &token_id,
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(token)
    }

    /// Revokes `username`'s live tokens named `name` (a leaked or retired script token);
    /// returns how many. The row stays, stamped `revoked_at`, and the revocation is audited.
    /// An admin revokes anyone's tokens, a user their own.
    pub async fn revoke_api_tokens(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
    ) -> Result<usize, StoreError> {
        let result = self.try_revoke_api_tokens(actor, username, name).await;
        self.audit_refusal_on(actor, USERS_CHAIN, "api_token", username, result)
            .await
    }

    async fn try_revoke_api_tokens(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
    ) -> Result<usize, StoreError> {
        let (mut w, user_id) = begin_user_settings(self.pool(), actor, username).await?;
        let rows = w
            .tx
            .fetch_all(
                "SELECT token_id FROM api_token WHERE user_id = $1 AND name = $2 AND revoked_at IS NULL ORDER BY token_id",
                &[user_id.as_str().into(), name.into()],
            )
            .await?;
        let at = w.at().to_owned();
        for row in &rows {
            let token_id = row.req_text(0)?;
            w.tx.execute(
                "UPDATE api_token SET revoked_at = $1 WHERE token_id = $2",
                &[at.as_str().into(), token_id.as_str().into()],
            )
            .await?;
            let after = json!({ "username": username, "name": name, "revoked_at": at });
            w.audit(
                "revoke",
                "api_token",
                &token_id,
                None,
                Some(after.to_string()),
                None,
            )
            .await?;
        }
        w.commit().await?;
        Ok(rows.len())
    }

    /// The username a bearer token stands for (`None`: unknown or revoked).
    pub async fn api_token_user(&self, token: &str) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let row = tx
            .fetch_optional(
                "SELECT u.username FROM api_token t JOIN app_user u ON u.user_id = t.user_id \
                 WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL",
                &[secret_digest(token).as_str().into()],
            )
            .await?;
        row.map(|r| r.req_text(0)).transpose()
    }
}

/// Seconds since the epoch of an RFC 3339 timestamp written by [`now`] (None if unreadable).
pub(crate) fn epoch_seconds(at: &str) -> Option<i64> {
    at.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

/// The current time in epoch seconds.
pub(crate) fn now_seconds() -> i64 {
    epoch_seconds(&now()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_only_their_digest_is_kept() {
        let a = new_secret("slt_").expect("randomness");
        let b = new_secret("slt_").expect("randomness");
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(secret_digest(&a).len(), 64);
        assert_ne!(secret_digest(&a), a);
    }
}
