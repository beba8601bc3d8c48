//! Figures from records: periods, summaries, deadlines, export rows. Pure:
//! given the records, the store's zone and "now".

pub mod calendar;
pub mod due;
pub mod export;
pub mod summary;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

/// A span of calendar months in the store's zone, `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub first: (i32, u32),
    /// The month after the last one.
    pub after: (i32, u32),
}

fn next_month((y, m): (i32, u32)) -> (i32, u32) {
    if m == 12 { (y + 1, 1) } else { (y, m + 1) }
}

fn prev_month((y, m): (i32, u32)) -> (i32, u32) {
    if m == 1 { (y - 1, 12) } else { (y, m - 1) }
}

pub fn month_start((y, m): (i32, u32), tz: Tz) -> DateTime<Utc> {
    let d = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default();
    crate::model::time::start_of_day(d, tz)
}

/// `YYYY-MM` of an instant in the store's zone.
pub fn month_of(t: &crate::model::Stamp, tz: Tz) -> (i32, u32) {
    let l = t.with_timezone(&tz);
    (l.year(), l.month())
}

pub const PERIOD_FORMS: &str = "2026, 2026-10, 2026-Q3, this-month, last-month, this-year or last-year";

impl Period {
    /// Parses `2026`, `2026-10`, `2026-Q3`, `this-month`, `last-month`,
    /// `this-year`, `last-year` (months counted in the store's zone).
    pub fn parse(s: &str, tz: Tz, now: DateTime<Utc>) -> Result<Period, String> {
        let t = s.trim().to_ascii_lowercase();
        let today = now.with_timezone(&tz);
        let this = (today.year(), today.month());
        let year = |y: i32| Period { first: (y, 1), after: (y + 1, 1) };
        let bad = || format!("'{s}' is not a period: use {PERIOD_FORMS}");
        let p = match t.as_str() {
            "this-month" => Period { first: this, after: next_month(this) },
            "last-month" => Period { first: prev_month(this), after: this },
            "this-year" => year(this.0),
            "last-year" => year(this.0 - 1),
            _ => {
                let (y, rest) = t.split_once('-').map_or((t.as_str(), None), |(a, b)| (a, Some(b)));
                let y: i32 =
                    y.parse().ok().filter(|y| (1900..=9999).contains(y) && t.len() >= 4).ok_or_else(bad)?;
                match rest {
                    None => year(y),
                    Some(q) if q.starts_with('q') => {
                        let q: u32 = q[1..].parse().ok().filter(|q| (1..=4).contains(q)).ok_or_else(bad)?;
                        let first = (y, 3 * q - 2);
                        Period { first, after: next_month(next_month(next_month(first))) }
                    }
                    Some(m) => {
                        let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
                        Period { first: (y, m), after: next_month((y, m)) }
                    }
                }
            }
        };
        Ok(p)
    }

    pub fn start(&self, tz: Tz) -> DateTime<Utc> {
        month_start(self.first, tz)
    }

    pub fn end(&self, tz: Tz) -> DateTime<Utc> {
        month_start(self.after, tz)
    }

    /// Every month in the period, as `YYYY-MM`.
    pub fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut m = self.first;
        while m != self.after && out.len() < 1200 {
            out.push(format!("{:04}-{:02}", m.0, m.1));
            m = next_month(m);
        }
        out
    }
}

/// The span a summary covers, for the line under its title: `1 July 2026
/// to 30 September 2026`, from the bounds on when incidents occurred
/// (`before` exclusive), in the store's zone.
pub fn span_label(since: Option<DateTime<Utc>>, before: Option<DateTime<Utc>>, tz: Tz) -> String {
    let day = |t: DateTime<Utc>| t.with_timezone(&tz).format("%-d %B %Y").to_string();
    let last = |t: DateTime<Utc>| day(t - chrono::Duration::seconds(1));
    match (since, before) {
        (Some(s), Some(b)) => format!("{} to {}", day(s), last(b)),
        (Some(s), None) => format!("from {}", day(s)),
        (None, Some(b)) => format!("up to {}", last(b)),
        (None, None) => "every incident on record".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const LON: Tz = chrono_tz::Europe::London;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z").unwrap().to_utc()
    }

    #[test]
    fn reads_every_period_form() {
        let p = |s: &str| Period::parse(s, LON, now()).unwrap();
        assert_eq!(p("2026").months().len(), 12);
        assert_eq!(p("2026-10").months(), ["2026-10"]);
        assert_eq!(p("2026-Q3").months(), ["2026-07", "2026-08", "2026-09"]);
        assert_eq!(p("last-month").months(), ["2025-12"], "across the new year");
        assert_eq!(p("this-year").months()[0], "2026-01");
        assert_eq!(p("last-year").months()[11], "2025-12");
        for bad in ["", "26", "2026-13", "2026-Q5", "lastmonth", "2026-1x"] {
            assert!(Period::parse(bad, LON, now()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_span_names_its_first_and_last_day() {
        let p = Period::parse("2026-Q3", LON, now()).unwrap();
        assert_eq!(span_label(Some(p.start(LON)), Some(p.end(LON)), LON), "1 July 2026 to 30 September 2026");
        assert_eq!(span_label(None, None, LON), "every incident on record");
    }

    #[test]
    fn a_summer_month_starts_at_local_midnight() {
        let p = Period::parse("2026-07", LON, now()).unwrap();
        assert_eq!(p.start(LON).to_rfc3339(), "2026-06-30T23:00:00+00:00");
        assert_eq!(p.end(LON).to_rfc3339(), "2026-07-31T23:00:00+00:00");
    }
}
