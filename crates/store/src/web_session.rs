//! Browser sessions (issue #7 item 3) in our own table on our own pool: a login checks the
//! password and stores the SHA-256 of a random session id; the cookie carries the id. A small
//! table instead of tower-sessions: we need one lookup (id → user) and an expiry, and keeping
//! only the digest means a database copy holds no usable session.

use serde_json::json;

use crate::Store;
use crate::api_token::{epoch_seconds, new_secret, now_seconds, secret_digest};
use crate::error::StoreError;
use crate::user::{USERS_CHAIN, User, user_by_name};
use crate::write::{Actor, Write};

/// A started session: the cookie value (shown once) and who it is for.
#[derive(Debug, Clone)]
pub struct StartedSession {
    pub secret: String,
    pub user: User,
}

impl Store {
    /// Logs `username` in with `password`: a new session lasting `lifetime_seconds`, audited
    /// on the users chain; `None` when the password does not match (nothing written).
    pub async fn start_session(
        &self,
        username: &str,
        password: &str,
        lifetime_seconds: i64,
    ) -> Result<Option<StartedSession>, StoreError> {
        let Some(user) = self.check_password(username, password).await? else {
            return Ok(None);
        };
        let actor = Actor(user.username.clone());
        let mut w = Write::begin(self.pool(), USERS_CHAIN, &actor).await?;
        let (user_id, _) = user_by_name(&mut w.tx, username).await?;
        let secret = new_secret("sls_")?;
        let digest = secret_digest(&secret);
        let at = w.at().to_owned();
        let expires = jiff::Timestamp::from_second(now_seconds() + lifetime_seconds)
            .map_err(|e| StoreError::Config(format!("session lifetime: {e}")))?
            .to_string();
        w.tx.execute(
            "INSERT INTO web_session (session_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[
                digest.as_str().into(),
                user_id.as_str().into(),
                at.as_str().into(),
                expires.as_str().into(),
            ],
        )
        .await?;
        let after = json!({ "username": username, "expires_at": expires });
        w.audit(
            "login",
            "web_session",
            &digest[..16],
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(Some(StartedSession { secret, user }))
    }

    /// The username of a live session (`None`: unknown, ended or expired).
    pub async fn session_user(&self, secret: &str) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let row = tx
            .fetch_optional(
                "SELECT u.username, s.expires_at FROM web_session s JOIN app_user u ON u.user_id = s.user_id \
                 WHERE s.session_sha256 = $1 AND s.ended_at IS NULL",
                &[secret_digest(secret).as_str().into()],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let live = epoch_seconds(&row.req_text(1)?).is_some_and(|e| e > now_seconds());
        live.then(|| row.req_text(0)).transpose()
    }

    /// Ends the session (logout), audited; an unknown or ended session changes nothing.
    pub async fn end_session(&self, secret: &str) -> Result<(), StoreError> {
        let Some(username) = self.session_user(secret).await? else {
            return Ok(());
        };
        let digest = secret_digest(secret);
        let mut w = Write::begin(self.pool(), USERS_CHAIN, &Actor(username.clone())).await?;
        let at = w.at().to_owned();
        w.tx.execute(
            "UPDATE web_session SET ended_at = $1 WHERE session_sha256 = $2 AND ended_at IS NULL",
            &[at.as_str().into(), digest.as_str().into()],
        )
        .await?;
        let after = json!({ "username": username });
        w.audit(
            "logout",
            "web_session",
            &digest[..16],
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await
    }
}
