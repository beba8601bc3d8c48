//! Pounds and pence as an exact integer: money is never a float.

use std::fmt;

/// The most one amount may be: £1,000,000,000.00. Far above any loss a
/// trust records (anything larger is a slip of the keyboard), and low
/// enough that a total of 64-bit pence stays exact over more than 184
/// million amounts at the ceiling, more than any store holds. Checked on
/// every input: the command line, files, `report --from`, imports.
pub const CEILING: Money = Money(1_000_000_000 * 100);

/// An amount of money in pence, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Money(pub u64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// Parses an amount as people in England write it: `120`, `120.5`,
    /// `1250.50`, `1,250.50`, `£1,250.50` or `£60` (pounds). Commas must
    /// separate thousands (`1,25.00` is refused); signs, other currencies
    /// and more than two decimal places are refused, each with a message
    /// that says what to write instead.
    pub fn parse(s: &str) -> Result<Money, String> {
        let t = s.trim();
        let hint = "write pounds and pence like 120, 1250.50, 1,250.50 or £1,250.50";
        if t.is_empty() {
            return Err(format!("empty amount: {hint}"));
        }
        let body = t.strip_prefix('£').map(str::trim_start).unwrap_or(t);
        if body.starts_with('-') || body.starts_with("-£") || t.starts_with('-') {
            return Err(format!("amount '{s}' is negative: amounts are never below £0.00"));
        }
        if body.contains(['£', '$', '€']) || body.starts_with('+') {
            return Err(format!("amount '{s}' has a sign or a currency other than a leading £: {hint}"));
        }
        let (whole, frac) = match body.split_once('.') {
            Some((w, f)) => (w, f),
            None => (body, ""),
        };
        if frac.contains(',') {
            return Err(format!("amount '{s}' has a comma in the pence: {hint}"));
        }
        let whole = if whole.contains(',') {
            let groups: Vec<&str> = whole.split(',').collect();
            let lead_ok = (1..=3).contains(&groups[0].len());
            if !lead_ok || groups[1..].iter().any(|g| g.len() != 3) {
                return Err(format!(
                    "amount '{s}' has a misplaced comma: commas go between thousands, like 1,250.50 \
                     (or leave them out: 1250.50)"
                ));
            }
            groups.concat()
        } else {
            whole.to_string()
        };
        Self::parse_plain(&whole, frac, body.contains('.'), s, hint)
    }

    /// Parses an amount kept in a file: digits and up to two decimal
    /// places only (`1250.50`), as lsms writes it.
    pub fn parse_stored(s: &str) -> Result<Money, String> {
        let t = s.trim();
        let hint = "a file keeps pounds and pence as digits, like 120 or 1000.50";
        if t.is_empty() {
            return Err(format!("empty amount: {hint}"));
        }
        if t.starts_with('-') {
            return Err(format!("amount '{s}' is negative: amounts are never below 0.00"));
        }
        if t.contains(['£', '$', '€', ',']) || t.starts_with('+') {
            return Err(format!("amount '{s}' has a sign, currency symbol or separator: {hint}"));
        }
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        Self::parse_plain(whole, frac, t.contains('.'), s, hint)
    }

    fn parse_plain(whole: &str, frac: &str, has_point: bool, s: &str, hint: &str) -> Result<Money, String> {
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        // Numbers that YAML readers do not agree on: never guessed at.
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        if ["0x", "0o", "0b"].iter().any(|p| lower.starts_with(p))
            || (lower.contains('e') && lower.bytes().all(|b| b.is_ascii_digit() || b"e.+-".contains(&b)))
            || t.contains('_')
            || (t.contains(':') && t.bytes().all(|b| b.is_ascii_digit() || b":.".contains(&b)))
        {
            return Err(format!(
                "amount '{s}' is ambiguous: YAML readers take it for different numbers (a hex, octal, \
                 exponent, grouped or base-60 number); write pounds and pence in plain digits, like 1000.00"
            ));
        }
        if whole.len() > 1 && whole.starts_with('0') && digits(whole) {
            return Err(format!(
                "amount '{s}' starts with a 0, which YAML 1.1 readers take for an octal number \
                 (010 is 8): write it without the leading 0, like {}",
                whole.trim_start_matches('0').parse::<u64>().map_or_else(|_| "0".into(), |w| w.to_string())
            ));
        }
        if whole.is_empty() || !digits(whole) || !digits(frac) || (has_point && frac.is_empty()) {
            return Err(format!("amount '{s}' is not a number: {hint}"));
        }
        if frac.len() > 2 {
            return Err(format!("amount '{s}' has more than two decimal places: money is kept to the penny"));
        }
        let too_large = || {
            format!("amount '{s}' is more than £{}, the most lsms keeps for one amount", CEILING.grouped())
        };
        let pounds: u64 = whole.parse().map_err(|_| too_large())?;
        let pence: u64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<u64>().unwrap_or(0) * 10,
            _ => frac.parse::<u64>().unwrap_or(0),
        };
        pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .map(Money)
            .filter(|m| *m <= CEILING)
            .ok_or_else(too_large)
    }

    /// `1,000,000,000.00`: pounds with commas between thousands.
    pub fn grouped(&self) -> String {
        let pounds = (self.0 / 100).to_string();
        let mut out = String::new();
        for (i, c) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("{out}.{:02}", self.0 % 100)
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
    fn reads_money_as_people_in_england_write_it() {
        assert_eq!(Money::parse("£1,250.50").unwrap(), Money(125050));
        assert_eq!(Money::parse("1,250.50").unwrap(), Money(125050));
        assert_eq!(Money::parse("£60").unwrap(), Money(6000));
        assert_eq!(Money::parse("£ 60.5").unwrap(), Money(6050));
        assert_eq!(Money::parse("£1,000").unwrap(), Money(100000));
        assert_eq!(Money::parse("1,234,567.89").unwrap(), Money(123456789));
        assert_eq!(Money::parse("999").unwrap(), Money(99900));
    }

    #[test]
    fn a_file_keeps_plain_digits_only() {
        assert_eq!(Money::parse_stored("1250.50").unwrap(), Money(125050));
        for bad in ["£1,250.50", "1,250.50", "£60", "-5"] {
            assert!(Money::parse_stored(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_exact_amount() {
        for bad in [
            "",
            "-5",
            "12.345",
            "12.",
            ".5",
            "abc",
            "1e3",
            "+3",
            "99999999999999999999",
            "1,25.00",
            "1,2500",
            ",250",
            "1,250,",
            "1250,00",
            "1.250,00",
            "£-5",
            "-£5",
            "££5",
            "$5",
            "€5",
            "5£",
            "£",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Money::parse("-5").unwrap_err().contains("negative"));
        assert!(Money::parse("£-5").unwrap_err().contains("negative"));
        assert!(Money::parse("1,25.00").unwrap_err().contains("misplaced comma"));
        assert!(Money::parse("12.345").unwrap_err().contains("two decimal places"));
    }

    #[test]
    fn numbers_yaml_readers_disagree_on_are_refused_not_guessed() {
        for (bad, says) in [
            ("0x10", "ambiguous"),
            ("0o17", "ambiguous"),
            ("1e3", "ambiguous"),
            ("1E3", "ambiguous"),
            ("1_000", "ambiguous"),
            ("1:20", "ambiguous"),
            ("010", "leading 0"),
            ("00.50", "leading 0"),
        ] {
            let e = Money::parse_stored(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
        // A lone 0 before the point is how pence are written.
        assert_eq!(Money::parse_stored("0.50"), Ok(Money(50)));
        assert_eq!(Money::parse_stored("0"), Ok(Money(0)));
    }

    #[test]
    fn the_ceiling_is_kept_to_the_penny_and_checked_on_every_input() {
        assert_eq!(Money::parse_stored("1000000000.00"), Ok(CEILING));
        assert_eq!(Money::parse("£1,000,000,000"), Ok(CEILING));
        assert_eq!(Money::parse_stored("999999999.99"), Ok(Money(99_999_999_999)));
        for over in ["1000000000.01", "9007199254740993.00", "99999999999999999999"] {
            let e = Money::parse_stored(over).unwrap_err();
            assert!(e.contains("£1,000,000,000.00"), "{over}: {e}");
        }
        // A total of the ceiling many times over stays exact in 64 bits.
        assert!(CEILING.0.checked_mul(184_000_000).is_some());
    }
}
