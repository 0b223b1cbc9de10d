//! What every handler shares: the store, the server's settings and the login limiter.

use std::sync::Arc;

use sledger_store::Store;

use crate::login_limit::LoginLimit;

/// The server's settings (a typed struct passed in, never a global).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` and send HSTS: the server is reached over TLS
    /// (directly or behind a TLS-terminating proxy).
    pub secure: bool,
    /// How long a login lasts, in seconds.
    pub session_seconds: i64,
    /// Failed logins allowed per username and address within `login_window_seconds`.
    pub login_failures: usize,
    pub login_window_seconds: u64,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            secure: false,
            session_seconds: 8 * 3600,
            login_failures: 5,
            login_window_seconds: 300,
        }
    }
}

/// The router's state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub config: Arc<WebConfig>,
    pub login_limit: Arc<LoginLimit>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        let login_limit = LoginLimit::new(
            config.login_failures,
            std::time::Duration::from_secs(config.login_window_seconds),
        );
        AppState {
            store: Arc::new(store),
            config: Arc::new(config),
            login_limit: Arc::new(login_limit),
        }
    }
}
