//! Arithmetic that must not overflow for any amount a `u128` supply allows.

/// `a * b / c`, rounded down, for any `u128`s, or `None` when `c` is zero or the
/// quotient does not fit in a `u128` (it always fits when `a <= c` or `b <= c`).
///
/// The product is taken in 256 bits (two `u128` halves), then divided bit by bit, so a
/// refund never overflows however large the token's amounts are.
pub fn mul_div_floor(a: u128, b: u128, c: u128) -> Option<u128> {
    if c == 0 {
        return None;
    }
    let (high, low) = wide_mul(a, b);
    if high >= c {
        // The quotient would need more than 128 bits.
        return None;
    }
    // Long division of `high:low` by `c`, one bit of `low` at a time. The remainder stays
    // below `c`; `carry` is the bit a shift pushes out of it, when the true value is
    // 2^128 more than what is left, and so certainly at least `c`. (Wrapping operations
    // throughout: every one below is exact, as the comments say.)
    let mut remainder = high;
    let mut quotient = 0u128;
    for bit in (0..128u32).rev() {
        let carry = remainder.wrapping_shr(127);
        remainder = remainder.wrapping_shl(1) | (low.wrapping_shr(bit) & 1);
        quotient = quotient.wrapping_shl(1);
        if carry == 1 || remainder >= c {
            // The true difference is below `c`, so it fits: the wrap undoes the carry.
            remainder = remainder.wrapping_sub(c);
            quotient |= 1;
        }
    }
    Some(quotient)
}

/// The 256-bit product of `a` and `b` as (high, low) halves.
fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const HALF: u32 = 64;
    const MASK: u128 = u64::MAX as u128;
    let (a_high, a_low) = (a.wrapping_shr(HALF), a & MASK);
    let (b_high, b_low) = (b.wrapping_shr(HALF), b & MASK);
    // Each product of two 64-bit halves fits in 128 bits.
    let low_low = a_low.wrapping_mul(b_low);
    let high_low = a_high.wrapping_mul(b_low);
    let low_high = a_low.wrapping_mul(b_high);
    let high_high = a_high.wrapping_mul(b_high);
    // The middle column adds three numbers below 2^64: it fits in 128 bits.
    let middle = low_low
        .wrapping_shr(HALF)
        .wrapping_add(high_low & MASK)
        .wrapping_add(low_high & MASK);
    let low = middle.wrapping_shl(HALF) | (low_low & MASK);
    // The high half of a product of two u128s fits in a u128.
    let high = high_high
        .wrapping_add(high_low.wrapping_shr(HALF))
        .wrapping_add(low_high.wrapping_shr(HALF))
        .wrapping_add(middle.wrapping_shr(HALF));
    (high, low)
}

#[cfg(test)]
mod tests {
    use super::mul_div_floor;
    use num_bigint::BigUint;
    use proptest::prelude::*;

    /// The exact quotient, by arbitrary-precision arithmetic.
    fn reference(a: u128, b: u128, c: u128) -> Option<u128> {
        if c == 0 {
            return None;
        }
        let quotient = BigUint::from(a) * BigUint::from(b) / BigUint::from(c);
        u128::try_from(quotient).ok()
    }

    /// Amounts from 0 to `u128::MAX`, with the edges as likely as the middle.
    fn amount() -> impl Strategy<Value = u128> {
        prop_oneof![
            Just(0u128),
            Just(1u128),
            Just(u128::MAX),
            Just(u128::MAX - 1),
            Just(1u128 << 64),
            (0u32..128).prop_map(|bits| 1u128 << bits),
            any::<u64>().prop_map(u128::from),
            any::<u128>(),
        ]
    }

    proptest! {
        #[test]
        fn mul_div_floor_is_exact_for_every_u128(a in amount(), b in amount(), c in amount()) {
            prop_assert_eq!(mul_div_floor(a, b, c), reference(a, b, c));
        }

        #[test]
        fn a_share_of_at_most_the_whole_always_fits(whole in amount(), part in amount(), b in amount()) {
            let (part, whole) = (part.min(whole), whole.max(1));
            let share = mul_div_floor(part, b, whole);
            prop_assert!(share.is_some_and(|share| share <= b));
        }
    }

    #[test]
    fn two_funders_of_twenty_18_decimal_tokens_do_not_overflow() {
        // The finding: 20e18 * 40e18 overflows a u128 (about 3.4e38).
        let (given, unreleased, funded) = (
            20 * 10u128.pow(18),
            40 * 10u128.pow(18),
            40 * 10u128.pow(18),
        );
        assert!(given.checked_mul(unreleased).is_none());
        assert_eq!(mul_div_floor(given, unreleased, funded), Some(given));
    }
}
