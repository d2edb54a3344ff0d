//! Numbers with a fixed number of decimals, as `format!("{v:.N}")` writes
//! them (the same digits, the same rounding of exact ties to even, the same
//! sign of negative values that round to zero), from integer arithmetic:
//! the standard formatting's exact mode goes through a big-number algorithm
//! (`flt2dec::dragon`) for most values, a measurable share of a call.
//!
//! For plugins that write numbers into reasons and cues on every call:
//! `write!(reason, "confidence {}", Fixed(c, 2))` writes what
//! `write!(reason, "confidence {c:.2}")` would, faster in the sandbox.

use std::fmt;

/// Most decimals [`Fixed`] writes itself.
const MAX_DECIMALS: u32 = 3;

/// Largest magnitude written with integer arithmetic (beyond, or for NaN
/// and infinities, the standard formatting writes it).
const MAX_FAST: f64 = 1e15;

/// `Fixed(v, n)` displays `v` with `n` digits after the point, exactly as
/// `format!("{v:.n$}")` does (width and alignment flags are not supported).
#[derive(Debug, Clone, Copy)]
pub struct Fixed(pub f64, pub u32);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(v, decimals) = *self;
        if decimals > MAX_DECIMALS || !v.is_finite() || v.abs() >= MAX_FAST {
            return write!(f, "{v:.prec$}", prec = decimals as usize);
        }
        let bits = v.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32;
        let fraction = bits & ((1 << 52) - 1);
        // v = mantissa * 2^power, exactly.
        let (mantissa, power) = if exponent == 0 {
            (fraction, -1074)
        } else {
            (fraction | 1 << 52, exponent - 1075)
        };
        let scale = 10u64.pow(decimals);
        // v * 10^decimals rounded to an integer, ties to even; the product
        // is below 2^63 (mantissa < 2^53, scale <= 1000 < 2^10).
        let product = u128::from(mantissa) * u128::from(scale);
        let scaled = if power >= 0 {
            // |v| < 10^15, so v * 10^3 < 2^60: no overflow.
            (product << power) as u64
        } else {
            let shift = power.unsigned_abs();
            if shift >= 64 {
                // product < 2^63 <= half of 2^shift: rounds to 0.
                0
            } else {
                let quotient = product >> shift;
                let remainder = product - (quotient << shift);
                let half = 1u128 << (shift - 1);
                let up = remainder > half || (remainder == half && quotient & 1 == 1);
                (quotient + u128::from(up)) as u64
            }
        };
        // Sign, up to 16 integer digits, point, 3 decimals.
        let mut buf = [0u8; 24];
        let mut at = buf.len();
        let mut push = |b: u8| {
            at -= 1;
            buf[at] = b;
        };
        let mut rest = scaled;
        for _ in 0..decimals {
            push(b'0' + (rest % 10) as u8);
            rest /= 10;
        }
        if decimals > 0 {
            push(b'.');
        }
        loop {
            push(b'0' + (rest % 10) as u8);
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if bits >> 63 == 1 {
            push(b'-');
        }
        // Only ASCII digits, '.' and '-' were written.
        f.write_str(std::str::from_utf8(&buf[at..]).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: f64) {
        for decimals in 0..=MAX_DECIMALS + 1 {
            let want = format!("{v:.prec$}", prec = decimals as usize);
            assert_eq!(Fixed(v, decimals).to_string(), want, "{v:e} with {decimals} decimals");
        }
    }

    /// Every value near a rounding boundary up to 200 (k / 2000 for every
    /// k, so every tie of 0 to 3 decimals, and its neighbours one and two
    /// steps of the float apart), both signs, the edges of the fast path,
    /// and 300,000 random bit patterns from 2^-60 to 2^60.
    #[test]
    fn writes_what_the_standard_formatting_writes() {
        for v in [
            0.0, -0.0, 1e-320, -1e-320, f64::MIN_POSITIVE, 0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 9.995,
            99.5, 0.0005, 0.0015, MAX_FAST, MAX_FAST - 0.5, -MAX_FAST, 9.999_999_999_999e14, 1e300,
            f64::MAX, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 5400.0, 59.9, -0.695_6, 0.784,
        ] {
            check(v);
        }
        for k in 0..=400_000u32 {
            let v = f64::from(k) / 2000.0;
            let mut near = v;
            for _ in 0..2 {
                near = f64::from_bits(near.to_bits() + 1);
                check(near);
                check(-near);
            }
            check(v);
            check(-v);
            if v > 0.0 {
                let below = f64::from_bits(v.to_bits() - 1);
                check(below);
                check(-below);
            }
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..300_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let exponent = 1023 - 60 + (state >> 52) % 121;
            check(f64::from_bits((state & (1 << 63)) | exponent << 52 | (state & ((1 << 52) - 1))));
        }
    }
}
