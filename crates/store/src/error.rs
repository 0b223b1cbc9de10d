//! The one error of sledger-store.

use sledger_core::InputError;

/// What can go wrong reading or writing the study store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Input that breaks a rule of the data dictionary or the protocol; names the field.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A reference to something that does not exist (an unknown patient, visit, study).
    #[error("{entity} {key:?} does not exist")]
    NotFound { entity: &'static str, key: String },
    /// A second submission of something already recorded (idempotency key, patient code).
    #[error("{field} {value:?} is already recorded")]
    Duplicate { field: &'static str, value: String },
    /// An actor whose role does not allow the action (authorization.rs).
    #[error("{actor}: {rule}")]
    Forbidden { actor: String, rule: String },
    /// A protocol file that cannot be loaded; names the line and the key.
    #[error(transparent)]
    Protocol(#[from] sledger_core::protocol::ProtocolError),
    /// The `--db` value or another setting is unusable.
    #[error("{0}")]
    Config(String),
    /// A row that the schema forbids: the database was changed outside sledger.
    #[error("corrupt row: {0}")]
    Corrupt(&'static str),
    /// A background parsing task of a bulk read failed to complete (it panicked).
    #[error("a read worker failed: {0}")]
    Worker(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Whether the error refuses the request (bad input, unknown reference, duplicate,
    /// forbidden) rather than reporting a fault; refusals are audited (issue #4).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            StoreError::Input(_)
                | StoreError::NotFound { .. }
                | StoreError::Duplicate { .. }
                | StoreError::Forbidden { .. }
        )
    }
}
