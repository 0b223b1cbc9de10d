//! Sorting the subjects by time once, in linear time.
//!
//! A least-significant-digit radix sort over the time's bits (a non-negative finite f64 orders
//! as its bit pattern), eight passes of one byte, skipping the passes where every subject has
//! the same byte — integer-day times differ only in a few bytes. Stable, one scratch buffer,
//! no allocation per subject: for a million subjects several times faster than a comparison
//! sort, which is what lets Kaplan–Meier and the log-rank test run in tens of milliseconds.

/// Sorts `(time bits, tag)` records by the time bits.
pub(crate) fn sort_by_time(records: &mut Vec<(u64, u32)>) {
    if records.len() < 256 {
        records.sort_by_key(|r| r.0);
        return;
    }
    let mut histograms = [[0_usize; 256]; 8];
    for &(key, _) in records.iter() {
        for (byte, histogram) in histograms.iter_mut().enumerate() {
            histogram[((key >> (8 * byte)) & 0xff) as usize] += 1;
        }
    }
    let mut scratch: Vec<(u64, u32)> = vec![(0, 0); records.len()];
    for (byte, histogram) in histograms.iter().enumerate() {
        if histogram.contains(&records.len()) {
            continue; // every key has the same byte here: the pass would change nothing
        }
        let mut offsets = [0_usize; 256];
        let mut running = 0;
        for (offset, &count) in offsets.iter_mut().zip(histogram) {
            *offset = running;
            running += count;
        }
        for &record in records.iter() {
            let digit = ((record.0 >> (8 * byte)) & 0xff) as usize;
            scratch[offsets[digit]] = record;
            offsets[digit] += 1;
        }
        std::mem::swap(records, &mut scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The radix sort orders as a comparison sort of the times does, stably.
        #[test]
        fn sorts_like_a_stable_comparison_sort(
            times in proptest::collection::vec(0.0f64..1e6, 0..2000),
            days in proptest::collection::vec(0u32..400, 0..2000),
        ) {
            for values in [times, days.iter().map(|&d| f64::from(d)).collect()] {
                let mut records: Vec<(u64, u32)> =
                    values.iter().zip(0..).map(|(t, i)| (t.to_bits(), i)).collect();
                let mut expected = records.clone();
                expected.sort_by(|a, b| f64::from_bits(a.0).total_cmp(&f64::from_bits(b.0)));
                sort_by_time(&mut records);
                proptest::prop_assert_eq!(records, expected);
            }
        }
    }
}
