//! Arms and the allocation ratio.

use crate::InputError;

/// A treatment arm, by its position in the protocol's list of arms (0 = the first part of
/// the ratio). The protocol names the arms; the algorithms only count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Arm(pub u8);

/// The allocation ratio: one positive integer per arm, "2:1", "1:1", "3:2", "1:1:1".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRatio(Vec<u32>);

/// At most this many arms.
const MAX_ARMS: usize = 8;
/// At most this much in one part of the ratio.
const MAX_PART: u32 = 20;

impl AllocationRatio {
    /// Parses "a:b[:c…]", 2 to 8 arms, each part 1 to 20.
    ///
    /// # Errors
    /// An [`InputError`] on `ratio`.
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let bad = |rule: &'static str| InputError::new("ratio", text, rule);
        let parts: Vec<u32> = text
            .split(':')
            .map(|p| p.trim().parse::<u32>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad("must be whole numbers separated by ':', e.g. 1:1 or 2:1"))?;
        Self::new(parts).map_err(|e| InputError::new("ratio", text, e.rule))
    }

    /// A ratio from its parts.
    ///
    /// # Errors
    /// An [`InputError`] on `ratio` unless there are 2 to 8 parts, each 1 to 20.
    pub fn new(parts: Vec<u32>) -> Result<Self, InputError> {
        let shown = || {
            parts
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(":")
        };
        if !(2..=MAX_ARMS).contains(&parts.len()) {
            return Err(InputError::new("ratio", shown(), "must have 2 to 8 arms"));
        }
        if parts.iter().any(|&p| !(1..=MAX_PART).contains(&p)) {
            return Err(InputError::new(
                "ratio",
                shown(),
                "each part must be between 1 and 20",
            ));
        }
        Ok(AllocationRatio(parts))
    }

    /// 1:1.
    pub fn equal() -> Self {
        AllocationRatio(vec![1, 1])
    }

    /// The parts, one per arm.
    pub fn parts(&self) -> &[u32] {
        &self.0
    }

    /// The number of arms.
    pub fn arms(&self) -> usize {
        self.0.len()
    }

    /// The sum of the parts: the smallest block that keeps the ratio exactly.
    pub fn sum(&self) -> u32 {
        self.0.iter().sum()
    }

    /// The arms of one block of `multiple` × the ratio, in arm order (to be shuffled).
    pub(crate) fn block(&self, multiple: u32) -> Vec<Arm> {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(arm, &part)| {
                let arm = Arm(u8::try_from(arm).expect("at most 8 arms"));
                std::iter::repeat_n(arm, (part * multiple) as usize)
            })
            .collect()
    }
}

impl std::fmt::Display for AllocationRatio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join(":"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_issue_ratios() {
        for (text, parts) in [
            ("1:1", vec![1, 1]),
            ("2:1", vec![2, 1]),
            ("3:2", vec![3, 2]),
        ] {
            let ratio = AllocationRatio::parse(text).expect(text);
            assert_eq!(ratio.parts(), parts.as_slice());
            assert_eq!(ratio.to_string(), text);
        }
    }

    #[test]
    fn bad_ratios_name_the_field() {
        for bad in ["", "1", "1:0", "2:x", "1:-1", "21:1", "1:1:1:1:1:1:1:1:1"] {
            let err = AllocationRatio::parse(bad).expect_err(bad);
            assert_eq!(err.field, "ratio", "{bad:?}");
        }
    }

    #[test]
    fn a_block_keeps_the_ratio() {
        let ratio = AllocationRatio::parse("3:2").expect("valid");
        let block = ratio.block(2);
        assert_eq!(block.len(), 10);
        assert_eq!(block.iter().filter(|a| **a == Arm(0)).count(), 6);
    }
}
