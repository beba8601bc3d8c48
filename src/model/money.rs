//! Pounds and pence as an exact integer: money is never a float.

use std::fmt;

/// An amount of money in pence, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Money(pub u64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// Parses `120`, `120.5` or `120.50` (pounds). Refuses signs, currency
    /// symbols, thousands separators and more than two decimal places, each
    /// with a message that says what to write instead.
    pub fn parse(s: &str) -> Result<Money, String> {
        let t = s.trim();
        let hint = "write pounds and pence as digits, like 120 or 1000.50";
        if t.is_empty() {
            return Err(format!("empty amount: {hint}"));
        }
        if t.starts_with('-') {
            return Err(format!("amount '{s}' is negative: amounts are never below 0.00"));
        }
        if t.contains(['£', '$', '€', ',']) || t.starts_with('+') {
            return Err(format!("amount '{s}' has a sign, currency symbol or separator: {hint}"));
        }
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || (t.contains('.') && frac.is_empty()) {
            return Err(format!("amount '{s}' is not a number: {hint}"));
        }
        if frac.len() > 2 {
            return Err(format!("amount '{s}' has more than two decimal places: money is kept to the penny"));
        }
        let pounds: u64 = whole.parse().map_err(|_| format!("amount '{s}' is too large"))?;
        let pence: u64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<u64>().unwrap_or(0) * 10,
            _ => frac.parse::<u64>().unwrap_or(0),
        };
        pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .map(Money)
            .ok_or_else(|| format!("amount '{s}' is too large"))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_pounds_and_pence() {
        assert_eq!(Money::parse("120").unwrap(), Money(12000));
        assert_eq!(Money::parse("120.5").unwrap(), Money(12050));
        assert_eq!(Money::parse("0.07").unwrap(), Money(7));
        assert_eq!(Money::parse(" 1000.00 ").unwrap().to_string(), "1000.00");
    }

    #[test]
    fn refuses_what_is_not_an_exact_amount() {
        for bad in
            ["", "-5", "12.345", "£1,000", "1,000", "12.", ".5", "abc", "1e3", "+3", "99999999999999999999"]
        {
            assert!(Money::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Money::parse("-5").unwrap_err().contains("negative"));
        assert!(Money::parse("12.345").unwrap_err().contains("two decimal places"));
    }
}
