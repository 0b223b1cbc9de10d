//! Right-censored survival data, parsed once and sorted once by time.

use super::sort_by_time::sort_by_time;
use crate::ParameterError;

/// What happened at a subject's time (R's `Surv(time, status)` with status 0/1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Followed up to this time without the event.
    Censored,
    /// The event happened at this time.
    Event,
}

/// Subjects sorted by time, each with its status and group (0-based index).
///
/// A time is finite and ≥ 0 (time since the infusion or randomization). Times are compared
/// exactly: R's `aeqSurv` (timefix) also merges times that differ only by floating-point
/// noise, which integer-day or recorded times never do.
#[derive(Debug, Clone)]
pub struct SurvivalSample {
    /// (time bits, group << 1 | event), sorted by time. Non-negative finite f64 order as their
    /// bit patterns do, so the sort works on integers.
    records: Vec<(u64, u32)>,
    /// Subjects per group.
    group_sizes: Vec<u64>,
}

impl SurvivalSample {
    /// Checks and sorts the subjects. `group` holds each subject's group index (0..groups);
    /// an empty `group` puts everyone in group 0.
    pub fn new(time: &[f64], status: &[Status], group: &[u32]) -> Result<Self, ParameterError> {
        if time.is_empty() {
            return Err(ParameterError::new(
                "time",
                "[]",
                "needs at least one subject",
            ));
        }
        if status.len() != time.len() {
            return Err(ParameterError::new(
                "status",
                format!("{} values", status.len()),
                format!("must have one value per time ({})", time.len()),
            ));
        }
        if !group.is_empty() && group.len() != time.len() {
            return Err(ParameterError::new(
                "group",
                format!("{} values", group.len()),
                format!("must have one value per time ({})", time.len()),
            ));
        }
        let groups = group.iter().copied().max().map_or(1, |g| g as usize + 1);
        if groups > (u32::MAX >> 1) as usize {
            return Err(ParameterError::new("group", groups, "too many groups"));
        }
        let mut group_sizes = vec![0_u64; groups];
        let mut records = Vec::with_capacity(time.len());
        for (i, (&t, &s)) in time.iter().zip(status).enumerate() {
            if !(t.is_finite() && t >= 0.0) {
                return Err(ParameterError::new(
                    format!("time[{i}]"),
                    t,
                    "must be a finite time ≥ 0",
                ));
            }
            let g = group.get(i).copied().unwrap_or(0);
            group_sizes[g as usize] += 1;
            // + 0.0 turns −0 into +0 so that both sort as zero.
            records.push((
                (t + 0.0).to_bits(),
                (g << 1) | u32::from(s == Status::Event),
            ));
        }
        sort_by_time(&mut records);
        Ok(SurvivalSample {
            records,
            group_sizes,
        })
    }

    /// The number of groups (one more than the largest group index).
    pub fn groups(&self) -> usize {
        self.group_sizes.len()
    }

    /// Subjects per group.
    pub fn group_sizes(&self) -> &[u64] {
        &self.group_sizes
    }

    /// Walks the distinct times in increasing order; `visit` receives the time and, per
    /// group, the events and censorings at that time (zeros for groups with neither), in a
    /// buffer reused across times.
    pub(crate) fn for_each_time(&self, mut visit: impl FnMut(f64, &[TimeCounts])) {
        let mut counts = vec![TimeCounts::default(); self.groups()];
        let mut touched: Vec<usize> = Vec::with_capacity(self.groups());
        let mut i = 0;
        while i < self.records.len() {
            let key = self.records[i].0;
            while i < self.records.len() && self.records[i].0 == key {
                let tag = self.records[i].1;
                let g = (tag >> 1) as usize;
                if counts[g].events == 0 && counts[g].censored == 0 {
                    touched.push(g);
                }
                if tag & 1 == 1 {
                    counts[g].events += 1;
                } else {
                    counts[g].censored += 1;
                }
                i += 1;
            }
            visit(f64::from_bits(key), &counts);
            for &g in &touched {
                counts[g] = TimeCounts::default();
            }
            touched.clear();
        }
    }
}

/// Events and censorings of one group at one time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TimeCounts {
    pub(crate) events: u64,
    pub(crate) censored: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_subjects_are_named() {
        let e = SurvivalSample::new(&[1.0, -2.0], &[Status::Event; 2], &[]).unwrap_err();
        assert_eq!(e.parameter, "time[1]");
        let e = SurvivalSample::new(&[1.0], &[Status::Event; 2], &[]).unwrap_err();
        assert_eq!(e.parameter, "status");
        assert!(SurvivalSample::new(&[], &[], &[]).is_err());
    }

    #[test]
    fn times_are_walked_in_order_with_counts_per_group() {
        let sample = SurvivalSample::new(
            &[3.0, 1.0, 3.0, 2.0],
            &[
                Status::Event,
                Status::Censored,
                Status::Censored,
                Status::Event,
            ],
            &[0, 1, 1, 0],
        )
        .unwrap();
        let mut seen = Vec::new();
        sample.for_each_time(|t, c| seen.push((t, c.to_vec())));
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0].0, 1.0);
        assert_eq!(
            seen[0].1[1],
            TimeCounts {
                events: 0,
                censored: 1
            }
        );
        assert_eq!(
            seen[2].1[0],
            TimeCounts {
                events: 1,
                censored: 0
            }
        );
        assert_eq!(
            seen[2].1[1],
            TimeCounts {
                events: 0,
                censored: 1
            }
        );
    }
}
