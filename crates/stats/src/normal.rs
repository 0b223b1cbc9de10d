//! The standard normal distribution: the quantile function Φ⁻¹ and the tail probability.
//!
//! Wichura MJ. Algorithm AS 241: the percentage points of the normal distribution.
//! *Appl Stat* 1988;37:477–484 (PPND16, relative accuracy about 1e-16) — the algorithm of
//! R's `qnorm`. Written here rather than taken from statrs: this is the one distribution
//! function the sample-size formula needs, and statrs 0.19 requires a newer Rust than the
//! workspace's minimum.

#![allow(
    clippy::excessive_precision,
    reason = "AS 241's coefficients are kept digit for digit as published"
)]

/// Φ⁻¹(p), the z with P(Z ≤ z) = p, for 0 < p < 1.
pub fn standard_normal_quantile(p: f64) -> f64 {
    debug_assert!(p > 0.0 && p < 1.0, "p = {p} outside (0, 1)");
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * polynomial(r, &CENTRAL_NUM) / polynomial(r, &CENTRAL_DEN);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = (-tail.ln()).sqrt();
    let magnitude = if r <= 5.0 {
        let r = r - 1.6;
        polynomial(r, &NEAR_NUM) / polynomial(r, &NEAR_DEN)
    } else {
        let r = r - 5.0;
        polynomial(r, &FAR_NUM) / polynomial(r, &FAR_DEN)
    };
    if q < 0.0 { -magnitude } else { magnitude }
}

/// P(Z > z) = erfc(z/√2)/2, R's `pnorm(z, lower.tail = FALSE)`, accurate relative to the
/// tail's size far out (erfc from `libm`, musl's implementation) where 1 − Φ(z) would cancel.
pub fn standard_normal_upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// The two-sided p-value of a standard normal deviate, as R's rank tests compute it:
/// `2 * min(pnorm(z), pnorm(z, lower.tail = FALSE))`.
pub fn two_sided_normal_p_value(z: f64) -> f64 {
    2.0 * standard_normal_upper_tail(z.abs())
}

/// c₀ + c₁x + … + c₇x⁷ by Horner's rule.
fn polynomial(x: f64, c: &[f64; 8]) -> f64 {
    c.iter().rev().fold(0.0, |acc, &ci| acc * x + ci)
}

const CENTRAL_NUM: [f64; 8] = [
    3.387_132_872_796_366_608,
    1.331_416_678_917_843_774_5e2,
    1.971_590_950_306_551_442_7e3,
    1.373_169_376_550_946_112_5e4,
    4.592_195_393_154_987_145_7e4,
    6.726_577_092_700_870_085_3e4,
    3.343_057_558_358_812_810_5e4,
    2.509_080_928_730_122_672_7e3,
];
const CENTRAL_DEN: [f64; 8] = [
    1.0,
    4.231_333_070_160_091_125_2e1,
    6.871_870_074_920_579_083e2,
    5.394_196_021_424_751_107_7e3,
    2.121_379_430_158_659_586_7e4,
    3.930_789_580_009_271_061e4,
    2.872_908_573_572_194_267_4e4,
    5.226_495_278_852_854_561e3,
];
const NEAR_NUM: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_9,
    5.769_497_221_460_691_405_5,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    2.417_807_251_774_506_117_7e-1,
    2.272_384_498_926_918_458_33e-2,
    7.745_450_142_783_414_076_4e-4,
];
const NEAR_DEN: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_4,
    6.897_673_349_851_000_045_5e-1,
    1.481_039_764_274_800_745_9e-1,
    1.519_866_656_361_645_719_66e-2,
    5.475_938_084_995_344_946e-4,
    1.050_750_071_644_416_843_24e-9,
];
const FAR_NUM: [f64; 8] = [
    6.657_904_643_501_103_777_2,
    5.463_784_911_164_114_369_9,
    1.784_826_539_917_291_335_8,
    2.965_605_718_285_048_912_3e-1,
    2.653_218_952_657_612_309_3e-2,
    1.242_660_947_388_078_438_6e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
const FAR_DEN: [f64; 8] = [
    1.0,
    5.998_322_065_558_879_376_9e-1,
    1.369_298_809_227_358_053_1e-1,
    1.487_536_129_085_061_485_25e-2,
    7.868_691_311_456_132_591e-4,
    1.846_318_317_510_054_681_8e-5,
    1.421_511_758_316_445_888_7e-7,
    2.044_263_103_389_939_785_64e-15,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// scipy.stats.norm.ppf (SciPy 1.17.1), `reference/power_reference.py`.
    const SCIPY_PPF: &[(f64, f64)] = &[
        (0.975, 1.959963984540054),
        (0.8, 0.8416212335729143),
        (0.9, 1.2815515655446004),
        (0.995, 2.5758293035489004),
        (0.5, 0.0),
        (0.3, -0.5244005127080409),
        (0.025, -1.9599639845400545),
        (1e-10, -6.361340902404056),
        (1e-300, -37.0470962993612),
        (0.999999, 4.753424308817087),
    ];

    #[test]
    fn quantile_matches_scipy_in_all_three_regions() {
        for &(p, want) in SCIPY_PPF {
            let got = standard_normal_quantile(p);
            assert!(
                (got - want).abs() <= 1e-14 * want.abs().max(1.0),
                "p = {p}: got {got}, scipy {want}"
            );
        }
    }

    #[test]
    fn upper_tail_matches_r() {
        // R 4.2.2: pnorm(c(0, 1.96, -1, 8, 30), lower.tail = FALSE), digits = 17.
        let cases = [
            (0.0, 0.5),
            (1.96, 0.024_997_895_148_220_428),
            (-1.0, 0.841_344_746_068_542_93),
            (8.0, 6.220_960_574_271_784_9e-16),
            (30.0, 4.906_713_927_148_187_2e-198),
        ];
        for (z, want) in cases {
            let got = standard_normal_upper_tail(z);
            assert!(
                (got - want).abs() <= 1e-12 * want,
                "z = {z}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn quantile_is_antisymmetric() {
        for p in [0.01, 0.1, 0.26, 0.4] {
            let sum = standard_normal_quantile(p) + standard_normal_quantile(1.0 - p);
            assert!(sum.abs() < 1e-14, "p = {p}: {sum}");
        }
    }
}
