//! A figure of a summary or the board, typed: a count, money in pence, or
//! days; and the change between two figures. They stay numbers until the
//! moment they are written (text, CSV, a spreadsheet's cell, the board's
//! page): nothing reads a figure back from its text.

use crate::model::Money;
use std::fmt;

/// A number of days, kept in halves: a median may fall between two days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Days {
    halves: i64,
}

impl Days {
    pub fn whole(days: i64) -> Days {
        Days { halves: days.saturating_mul(2) }
    }

    /// The median of some days (sorted or not); `None` when there are none.
    pub fn median(days: &[i64]) -> Option<Days> {
        let mut d = days.to_vec();
        d.sort_unstable();
        let n = d.len();
        match n {
            0 => None,
            n if n % 2 == 1 => Some(Days::whole(d[n / 2])),
            n => Some(Days { halves: d[n / 2 - 1].saturating_add(d[n / 2]) }),
        }
    }

    /// Is it a whole number of days?
    pub fn is_whole(self) -> bool {
        self.halves % 2 == 0
    }

    pub fn as_f64(self) -> f64 {
        self.halves as f64 / 2.0
    }
}

/// `7`, or `2.5` for a half.
impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.halves < 0 { "-" } else { "" };
        let m = self.halves.unsigned_abs();
        if m.is_multiple_of(2) { write!(f, "{sign}{}", m / 2) } else { write!(f, "{sign}{}.5", m / 2) }
    }
}

/// One figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// Incidents, sanctions, …
    Count(u64),
    /// Losses, exact to the penny.
    Money(Money),
    /// Days (a median to close); `None` when there is nothing to measure.
    Days(Option<Days>),
}

impl Figure {
    /// Nought of the same kind: what a row that has no incidents shows.
    pub fn zero_like(self) -> Figure {
        match self {
            Figure::Count(_) => Figure::Count(0),
            Figure::Money(_) => Figure::Money(Money::ZERO),
            Figure::Days(_) => Figure::Days(None),
        }
    }

    /// The count, when it is one.
    pub fn count(self) -> Option<u64> {
        match self {
            Figure::Count(n) => Some(n),
            _ => None,
        }
    }
}

/// As a summary writes it: `12`, `850.50` (pounds), `2.5`, or nothing.
impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Figure::Count(n) => write!(f, "{n}"),
            Figure::Money(m) => write!(f, "{m}"),
            Figure::Days(Some(d)) => write!(f, "{d}"),
            Figure::Days(None) => Ok(()),
        }
    }
}

/// How a figure moved from an earlier period: `now - before`, signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Count(i128),
    /// In pence.
    Money(i128),
    /// In half days; `halves` is shown to one place when either figure
    /// had a half.
    Days {
        halves: i128,
        places: u8,
    },
}

impl Change {
    /// `now - before`; `None` when either has no figure (a median of
    /// nothing) or they are not of one kind.
    pub fn between(now: Figure, before: Figure) -> Option<Change> {
        match (now, before) {
            (Figure::Count(a), Figure::Count(b)) => Some(Change::Count(i128::from(a) - i128::from(b))),
            (Figure::Money(a), Figure::Money(b)) => Some(Change::Money(i128::from(a.0) - i128::from(b.0))),
            (Figure::Days(Some(a)), Figure::Days(Some(b))) => Some(Change::Days {
                halves: i128::from(a.halves) - i128::from(b.halves),
                places: if a.is_whole() && b.is_whole() { 0 } else { 1 },
            }),
            _ => None,
        }
    }

    /// Is it a rise (`+`), a fall (`-`) or no change (`""`)?
    pub fn sign(self) -> &'static str {
        let n = match self {
            Change::Count(n) | Change::Money(n) | Change::Days { halves: n, .. } => n,
        };
        match n.signum() {
            1 => "+",
            -1 => "-",
            _ => "",
        }
    }

    /// How much money it moved by, unsigned (for showing in pounds).
    pub fn money(self) -> Option<Money> {
        match self {
            Change::Money(p) => Some(Money(u64::try_from(p.unsigned_abs()).unwrap_or(u64::MAX))),
            _ => None,
        }
    }

    /// The change as a number, for a spreadsheet's cell (money in pounds).
    pub fn as_f64(self) -> f64 {
        match self {
            Change::Count(n) => n as f64,
            Change::Money(p) => p as f64 / 100.0,
            Change::Days { halves, .. } => halves as f64 / 2.0,
        }
    }
}

/// Signed, to the places the figures have: `+3`, `-12.50`, `-1.5`, `0`.
impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = self.sign();
        match *self {
            Change::Count(n) => write!(f, "{sign}{}", n.unsigned_abs()),
            Change::Money(p) => {
                let m = p.unsigned_abs();
                write!(f, "{sign}{}.{:02}", m / 100, m % 100)
            }
            Change::Days { halves, places } => {
                let m = halves.unsigned_abs();
                if places == 0 {
                    write!(f, "{sign}{}", m / 2)
                } else {
                    write!(f, "{sign}{}.{}", m / 2, if m % 2 == 1 { 5 } else { 0 })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(halves: i64) -> Figure {
        Figure::Days(Some(Days { halves }))
    }

    #[test]
    fn a_change_is_signed_and_kept_to_its_places() {
        let change = |a, b| Change::between(a, b).map(|c| c.to_string()).unwrap_or_default();
        let (count, money) = (Figure::Count, |p| Figure::Money(Money(p)));
        assert_eq!(change(count(5), count(3)), "+2");
        assert_eq!(change(count(3), count(5)), "-2");
        assert_eq!(change(count(3), count(3)), "0");
        assert_eq!(change(money(12050), money(2000)), "+100.50");
        assert_eq!(change(money(0), money(1205)), "-12.05");
        assert_eq!(change(days(17), days(20)), "-1.5", "8.5 days against 10");
        assert_eq!(change(days(5), days(5)), "0.0", "a half on either side keeps one place");
        assert_eq!(change(days(8), days(6)), "+1");
        assert_eq!(change(Figure::Days(None), days(20)), "", "a median of nothing has no change");
        assert_eq!(Change::between(count(1), money(1)), None, "figures of two kinds");
        let fall = Change::between(money(100), money(1350)).unwrap();
        assert_eq!((fall.sign(), fall.money(), fall.as_f64()), ("-", Some(Money(1250)), -12.5));
        assert_eq!(Change::between(count(0), count(u64::MAX)).unwrap().to_string(), format!("-{}", u64::MAX));
    }

    #[test]
    fn figures_are_written_as_a_summary_writes_them() {
        assert_eq!(Figure::Count(12).to_string(), "12");
        assert_eq!(Figure::Money(Money(85050)).to_string(), "850.50");
        assert_eq!(Figure::Money(Money(85050)).zero_like().to_string(), "0.00");
        assert_eq!(days(5).to_string(), "2.5");
        assert_eq!(Figure::Days(None).to_string(), "");
        assert_eq!(Figure::Count(7).count(), Some(7));
        assert_eq!(Figure::Money(Money(7)).count(), None);
    }

    #[test]
    fn a_median_falls_on_a_day_or_between_two() {
        assert_eq!(Days::median(&[]), None);
        assert_eq!(Days::median(&[9, 1, 4]), Some(Days::whole(4)), "sorted first");
        let half = Days::median(&[1, 2, 3, 10]).unwrap();
        assert_eq!((half.to_string(), half.is_whole(), half.as_f64()), ("2.5".into(), false, 2.5));
        assert_eq!(Days::median(&[0, 0]).unwrap().to_string(), "0");
        assert_eq!(Days::median(&[-1, 0]).unwrap().to_string(), "-0.5", "closed before it was recorded");
    }
}
