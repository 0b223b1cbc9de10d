//! The seed and the integer draws every randomization choice is made of.

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// The secret 32-byte seed of a study's lists (the ChaCha20 key).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Seed(pub [u8; 32]);

impl std::fmt::Debug for Seed {
    /// Never prints the key: a seed in a log would unblind the study.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seed(<secret>)")
    }
}

impl Seed {
    /// A seed from a small integer, for simulations and tests: the number's little-endian
    /// bytes followed by zeros. Lists of a real study use 32 random bytes.
    pub fn from_u64(n: u64) -> Seed {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&n.to_le_bytes());
        Seed(key)
    }
}

/// A stream of draws: ChaCha20 keyed by the seed, on one of its 2⁶⁴ independent streams
/// (one per stratum, so adding a stratum does not change the others' lists).
#[derive(Debug, Clone)]
pub struct Draws(ChaCha20Rng);

impl Draws {
    /// The stream number `stream` of `seed`.
    pub fn new(seed: Seed, stream: u64) -> Draws {
        let mut rng = ChaCha20Rng::from_seed(seed.0);
        rng.set_stream(stream);
        Draws(rng)
    }

    /// A uniform integer in 0..n (n ≥ 1), without modulo bias: outputs at or above the
    /// largest multiple of n are redrawn.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0) has no value");
        let limit = (u64::MAX / n) * n;
        loop {
            let x = self.0.next_u64();
            if x < limit {
                return x % n;
            }
        }
    }

    /// An index drawn with probability proportional to `weights` (not all zero).
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        unreachable!("x < total = sum of weights")
    }

    /// Shuffles `items` in place (Fisher–Yates, Durstenfeld's form).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_is_in_range_and_reproducible() {
        let mut a = Draws::new(Seed::from_u64(9), 0);
        let mut b = Draws::new(Seed::from_u64(9), 0);
        for n in 1..200 {
            let x = a.below(n);
            assert!(x < n);
            assert_eq!(x, b.below(n));
        }
    }

    #[test]
    fn streams_differ() {
        let mut a = Draws::new(Seed::from_u64(9), 0);
        let mut b = Draws::new(Seed::from_u64(9), 1);
        let xs: Vec<u64> = (0..8).map(|_| a.below(1000)).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.below(1000)).collect();
        assert_ne!(xs, ys);
    }

    #[test]
    fn below_is_roughly_uniform() {
        let mut d = Draws::new(Seed::from_u64(3), 0);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[d.below(3) as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn seed_debug_hides_the_key() {
        assert_eq!(format!("{:?}", Seed::from_u64(42)), "Seed(<secret>)");
    }
}
