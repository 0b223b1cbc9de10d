//! R's `uniroot` (Brent's zeroin, `R_zeroin2` in R's `src/library/stats/src/zeroin.c`).
//!
//! Brent RP. *Algorithms for Minimization without Derivatives*, 1973, ch. 4. R's exact-test
//! estimates (`fisher.test`'s conditional MLE and confidence limits) are the roots this
//! search returns at R's default tolerance `.Machine$double.eps^0.25`, not the exact roots;
//! matching R to 1e-9 means taking the same steps, so the iteration is kept operation for
//! operation as R has it.

/// `.Machine$double.eps^0.25` = 2⁻¹³, `uniroot`'s default `tol`.
pub(crate) const R_DEFAULT_TOLERANCE: f64 = 1.220_703_125e-4;

/// `uniroot`'s default `maxiter`.
const R_DEFAULT_MAX_ITERATIONS: u32 = 1000;

/// The root of `f` in [lower, upper] as `uniroot(f, c(lower, upper))$root` gives it.
///
/// `f(lower)` and `f(upper)` must not have the same sign (R stops there); callers check the
/// bracket by construction. Returns `None` when they do.
pub(crate) fn uniroot(mut f: impl FnMut(f64) -> f64, lower: f64, upper: f64) -> Option<f64> {
    let f_lower = f(lower);
    let f_upper = f(upper);
    if f_lower.is_nan() || f_upper.is_nan() || f_lower * f_upper > 0.0 {
        return None;
    }
    Some(zeroin(
        f,
        lower,
        upper,
        f_lower,
        f_upper,
        R_DEFAULT_TOLERANCE,
        R_DEFAULT_MAX_ITERATIONS,
    ))
}

/// `R_zeroin2`: Brent's method from a bracket whose end values are already known.
fn zeroin(
    mut f: impl FnMut(f64) -> f64,
    ax: f64,
    bx: f64,
    fa_start: f64,
    fb_start: f64,
    tol: f64,
    max_iterations: u32,
) -> f64 {
    let (mut a, mut b) = (ax, bx);
    let (mut fa, mut fb) = (fa_start, fb_start);
    let (mut c, mut fc) = (a, fa);
    if fa == 0.0 {
        return a;
    }
    if fb == 0.0 {
        return b;
    }
    for _ in 0..=max_iterations {
        let prev_step = b - a;
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol_act = 2.0 * f64::EPSILON * b.abs() + tol / 2.0;
        let mut new_step = (c - b) / 2.0;
        if new_step.abs() <= tol_act || fb == 0.0 {
            return b;
        }
        if prev_step.abs() >= tol_act && fa.abs() > fb.abs() {
            let cb = c - b;
            let (mut p, mut q);
            if a == c {
                let t1 = fb / fa;
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                q = fa / fc;
                let t1 = fb / fc;
                let t2 = fb / fa;
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if p < (0.75 * cb * q - (tol_act * q).abs() / 2.0) && p < (prev_step * q / 2.0).abs() {
                new_step = p / q;
            }
        }
        if new_step.abs() < tol_act {
            new_step = if new_step > 0.0 { tol_act } else { -tol_act };
        }
        a = b;
        fa = fb;
        b += new_step;
        fb = f(b);
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_root_within_r_tolerance() {
        // R 4.2.2: print(uniroot(function(x) x^2 - 2, c(0, 2))$root, digits = 17) — not √2
        // but the iterate R stops at, which only the same steps reproduce.
        let root = uniroot(|x| x * x - 2.0, 0.0, 2.0).unwrap();
        assert!((root - 1.414_213_319_995_502_5).abs() < 1e-15, "{root}");
        assert!((root - 2f64.sqrt()).abs() < R_DEFAULT_TOLERANCE);
    }

    #[test]
    fn refuses_an_interval_that_does_not_bracket() {
        assert_eq!(uniroot(|x| x * x + 1.0, -1.0, 1.0), None);
    }

    #[test]
    fn an_endpoint_root_is_returned_exactly() {
        assert_eq!(uniroot(|x| x - 1.0, 0.0, 1.0), Some(1.0));
    }
}
