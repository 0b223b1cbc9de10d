//! What a mapping makes of a resource it accepts: a record to store, a resource whose status
//! says it did not happen (counted, not stored, not refused), or a resource of a known type
//! that sledger has no fact for (a Procedure other than a cell-product infusion).

/// The outcome of a mapping that did not refuse the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped<T> {
    /// A record to store.
    Record(T),
    /// Not stored because of its status (`entered-in-error`, `not-taken`, `cancelled`, …),
    /// counted by status.
    Skipped { status: String },
    /// A known type with no sledger fact: counted as not mapped.
    NotMapped,
}

impl<T> Mapped<T> {
    /// The record turned by `f`; the other outcomes as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Mapped<U> {
        match self {
            Mapped::Record(t) => Mapped::Record(f(t)),
            Mapped::Skipped { status } => Mapped::Skipped { status },
            Mapped::NotMapped => Mapped::NotMapped,
        }
    }
}
