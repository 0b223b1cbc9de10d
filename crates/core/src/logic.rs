//! Three-valued logic for composite criteria (sle-activity §0.1, README erratum 13).

use serde::Serialize;

/// A criterion's truth value when inputs may be missing.
///
/// sle-activity §0.1: a conjunction is FALSE if any component is FALSE, TRUE if all are TRUE,
/// otherwise UNKNOWN. A missing input is never silently treated as absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    /// Conjunction under Kleene logic: FALSE dominates, then UNKNOWN.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    /// Disjunction under Kleene logic: TRUE dominates, then UNKNOWN.
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }

    /// Negation: UNKNOWN stays UNKNOWN. Also available as the `!` operator.
    #[allow(clippy::should_implement_trait)] // `Not` is implemented too; the method reads like the spec.
    pub fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    /// Conjunction of many components (TRUE for none).
    pub fn all(items: impl IntoIterator<Item = Tri>) -> Tri {
        items.into_iter().fold(Tri::True, Tri::and)
    }

    /// Disjunction of many components (FALSE for none).
    pub fn any(items: impl IntoIterator<Item = Tri>) -> Tri {
        items.into_iter().fold(Tri::False, Tri::or)
    }

    /// `Some(bool)` when decided, `None` when UNKNOWN.
    pub fn known(self) -> Option<bool> {
        match self {
            Tri::True => Some(true),
            Tri::False => Some(false),
            Tri::Unknown => None,
        }
    }

    /// A recorded yes/no answer, or UNKNOWN when it was not recorded.
    pub fn from_option(value: Option<bool>) -> Tri {
        value.map_or(Tri::Unknown, Tri::from)
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    fn not(self) -> Tri {
        Tri::not(self)
    }
}

impl From<bool> for Tri {
    fn from(value: bool) -> Self {
        if value { Tri::True } else { Tri::False }
    }
}

#[cfg(test)]
mod tests {
    use super::Tri::{self, *};

    #[test]
    fn conjunction_false_dominates_unknown() {
        assert_eq!(False.and(Unknown), False);
        assert_eq!(Unknown.and(True), Unknown);
        assert_eq!(True.and(True), True);
        assert_eq!(Tri::all([True, Unknown, False]), False);
        assert_eq!(Tri::all([]), True);
    }

    #[test]
    fn disjunction_true_dominates_unknown() {
        assert_eq!(True.or(Unknown), True);
        assert_eq!(Unknown.or(False), Unknown);
        assert_eq!(Tri::any([False, False]), False);
        assert_eq!(Tri::any([]), False);
    }

    #[test]
    fn negation_keeps_unknown() {
        assert_eq!(Unknown.not(), Unknown);
        assert_eq!(True.not(), False);
        assert_eq!(!False, True);
    }
}
