//! Figures from records: periods, summaries, deadlines, export rows. Pure:
//! given the records, the store's zone and "now". Typed figures, never
//! text: turning them into tables, CSV, JSON, HTML or a spreadsheet is
//! `render`'s work, and nothing here looks up at `render` or `cmd`.

pub mod board;
pub mod calendar;
pub mod dimension;
pub mod due;
pub mod export;
pub mod figure;
pub mod summary;
pub mod suppress;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

/// What kind of span a period is: how it is named and how long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Month,
    /// January to March, April to June, … (`2026-Q3`).
    CalendarQuarter,
    Year,
    /// A quarter of the NHS financial year (`2026/27-Q1`, April to June).
    FyQuarter,
    /// The NHS financial year, 1 April to 31 March (`2026/27`).
    Fy,
}

impl Span {
    pub fn months(self) -> i32 {
        match self {
            Span::Month => 1,
            Span::CalendarQuarter | Span::FyQuarter => 3,
            Span::Year | Span::Fy => 12,
        }
    }
}

/// A span of calendar months in the store's zone, `[start, end)`, or its
/// first days only (a period still running, taken to date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub first: (i32, u32),
    /// The month after the last one.
    pub after: (i32, u32),
    pub span: Span,
    /// To date: only its first `days` days (`this-fy` on 4 December 2026
    /// is 1 April to 4 December, 248 days), and an earlier period set
    /// beside it the same number of days from its start.
    pub days: Option<i64>,
}

fn next_month((y, m): (i32, u32)) -> (i32, u32) {
    if m == 12 { (y + 1, 1) } else { (y, m + 1) }
}

fn prev_month((y, m): (i32, u32)) -> (i32, u32) {
    if m == 1 { (y - 1, 12) } else { (y, m - 1) }
}

/// `(y, m)` moved by `n` months, forwards or back.
pub fn add_months((y, m): (i32, u32), n: i32) -> (i32, u32) {
    let i = y * 12 + (m as i32 - 1) + n;
    (i.div_euclid(12), (i.rem_euclid(12) + 1) as u32)
}

/// The financial year a month falls in, by the year it starts in.
pub fn fy_of((y, m): (i32, u32)) -> i32 {
    if m >= 4 { y } else { y - 1 }
}

/// `2026/27`.
pub fn fy_label(fy: i32) -> String {
    format!("{fy}/{:02}", (fy + 1).rem_euclid(100))
}

/// The financial quarter of a month: April to June is 1, January to March 4.
pub fn fy_quarter((_, m): (i32, u32)) -> u32 {
    (m + 8) % 12 / 3 + 1
}

/// `2026/27 Q1`: the financial year and quarter a month falls in.
pub fn fy_quarter_label(month: (i32, u32)) -> String {
    format!("{} Q{}", fy_label(fy_of(month)), fy_quarter(month))
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

pub const PERIOD_FORMS: &str = "2026, 2026-10, 2026-Q3 (calendar), 2026/27 (April to March), 2026/27-Q1 (April to June), \
this-month, last-month, this-quarter, last-quarter, this-year, last-year, this-fy or last-fy";

pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Period {
    fn new(first: (i32, u32), span: Span) -> Period {
        Period { first, after: add_months(first, span.months()), span, days: None }
    }

    fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.first.0, self.first.1, 1).unwrap_or_default()
    }

    /// How many days the whole period has.
    fn whole_days(&self) -> i64 {
        let after = NaiveDate::from_ymd_opt(self.after.0, self.after.1, 1).unwrap_or_default();
        (after - self.first_day()).num_days()
    }

    /// The last day it covers.
    pub fn last_day(&self) -> NaiveDate {
        let days = self.days.unwrap_or_else(|| self.whole_days()).max(1);
        self.first_day() + chrono::Duration::days(days - 1)
    }

    /// A "this" period still running at `now` taken to date (to today,
    /// in the store's zone); any other left as it is.
    fn cut_to(mut self, today: NaiveDate) -> Period {
        let days = (today - self.first_day()).num_days() + 1;
        if (1..self.whole_days()).contains(&days) {
            self.days = Some(days);
        }
        self
    }

    /// Is it a named period (not cut to date) that has not ended by `today`?
    fn unfinished(&self, today: NaiveDate) -> bool {
        let into = (today - self.first_day()).num_days() + 1;
        self.days.is_none() && (1..self.whole_days()).contains(&into)
    }

    /// An earlier period cut to the same number of days from its start as
    /// this one (or whole, when it is no longer).
    fn like(&self, mut earlier: Period) -> Period {
        earlier.days = self.days.filter(|d| *d < earlier.whole_days());
        earlier
    }

    /// Parses the calendar forms `2026`, `2026-10`, `2026-Q3`, the NHS
    /// financial forms `2026/27`, `2026/27-Q1` (Q1 = April to June), and
    /// `this-month`, `last-month`, `this-quarter`, `last-quarter`,
    /// `this-year`, `last-year`, `this-fy`, `last-fy` (months counted in the
    /// store's zone; a quarter of "this" or "last" is the financial one).
    pub fn parse(s: &str, tz: Tz, now: DateTime<Utc>) -> Result<Period, String> {
        let t = s.trim().to_ascii_lowercase();
        let today = now.with_timezone(&tz);
        let this = (today.year(), today.month());
        let this_q = add_months(this, -(((this.1 as i32) - 1) % 3));
        let bad = || format!("'{s}' is not a period: use {PERIOD_FORMS}");
        let year_ok = |y: &str| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
        let day = today.date_naive();
        let p = match t.as_str() {
            "this-month" => Period::new(this, Span::Month).cut_to(day),
            "last-month" => Period::new(prev_month(this), Span::Month),
            "this-quarter" => Period::new(this_q, Span::FyQuarter).cut_to(day),
            "last-quarter" => Period::new(add_months(this_q, -3), Span::FyQuarter),
            "this-year" => Period::new((this.0, 1), Span::Year).cut_to(day),
            "last-year" => Period::new((this.0 - 1, 1), Span::Year),
            "this-fy" => Period::new((fy_of(this), 4), Span::Fy).cut_to(day),
            "last-fy" => Period::new((fy_of(this) - 1, 4), Span::Fy),
            _ if t.contains('/') => {
                // 2026/27 or 2026/2027, then -Q1 … -Q4 (or a space before Q).
                let (fy, q) = match t.split_once(['-', ' ']) {
                    Some((a, b)) => (a, Some(b.trim())),
                    None => (t.as_str(), None),
                };
                let (a, b) = fy.split_once('/').ok_or_else(bad)?;
                if !year_ok(a) || !(b.len() == 2 || b.len() == 4) || !b.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(bad());
                }
                let y: i32 = a.parse().map_err(|_| bad())?;
                let end: i32 = b.parse().map_err(|_| bad())?;
                let follows = if b.len() == 2 { end == (y + 1) % 100 } else { end == y + 1 };
                if !follows || !(1900..=9998).contains(&y) {
                    return Err(format!(
                        "'{s}' is not a financial year: the second year follows the first, as in {}",
                        fy_label(y.clamp(1900, 9998))
                    ));
                }
                match q {
                    None => Period::new((y, 4), Span::Fy),
                    Some(q) => {
                        let n: i32 = q
                            .strip_prefix('q')
                            .and_then(|n| n.parse().ok())
                            .filter(|n| (1..=4).contains(n))
                            .ok_or_else(bad)?;
                        Period::new(add_months((y, 4), 3 * (n - 1)), Span::FyQuarter)
                    }
                }
            }
            _ => {
                let (y, rest) = t.split_once('-').map_or((t.as_str(), None), |(a, b)| (a, Some(b)));
                if !year_ok(y) {
                    return Err(bad());
                }
                let y: i32 = y.parse().ok().filter(|y| (1900..=9999).contains(y)).ok_or_else(bad)?;
                match rest {
                    None => Period::new((y, 1), Span::Year),
                    Some(q) if q.starts_with('q') => {
                        let q: u32 = q[1..].parse().ok().filter(|q| (1..=4).contains(q)).ok_or_else(bad)?;
                        Period::new((y, 3 * q - 2), Span::CalendarQuarter)
                    }
                    Some(m) => {
                        let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
                        Period::new((y, m), Span::Month)
                    }
                }
            }
        };
        Ok(p)
    }

    /// The last financial year that has ended by `now`.
    pub fn last_complete_fy(tz: Tz, now: DateTime<Utc>) -> Period {
        let today = now.with_timezone(&tz);
        Period::new((fy_of((today.year(), today.month())) - 1, 4), Span::Fy)
    }

    /// The period of the same length just before this one (to date, the
    /// same number of days from its start).
    pub fn previous(&self) -> Period {
        self.like(Period::new(add_months(self.first, -self.span.months()), self.span))
    }

    /// The same period a year earlier (to date, the same number of days
    /// from its start).
    pub fn year_earlier(&self) -> Period {
        self.like(Period::new(add_months(self.first, -12), self.span))
    }

    /// How it is shown: its name, and to date the last day it covers:
    /// `2026/27 to 4 Dec 2026`.
    pub fn shown(&self) -> String {
        match self.days {
            Some(_) => format!("{} to {}", self.label(), self.last_day().format("%-d %b %Y")),
            None => self.label(),
        }
    }

    /// When it is set beside `earlier` periods and they are not like for
    /// like (a named period not yet ended by `today` against whole ones),
    /// says so.
    pub fn unlike(&self, earlier: &[&Period], today: NaiveDate) -> Option<String> {
        if !self.unfinished(today) || earlier.iter().any(|e| e.days.is_some()) {
            return None;
        }
        let mut names: Vec<String> = earlier.iter().map(|e| e.label()).collect();
        names.dedup();
        let this = match self.span {
            Span::Month => "this-month",
            Span::CalendarQuarter | Span::FyQuarter => "this-quarter",
            Span::Year => "this-year",
            Span::Fy => "this-fy",
        };
        Some(format!(
            "Not like for like: {} has not ended, and its figures to {} are set beside the whole of {}; --period {this} compares the same span of each",
            self.label(),
            today.format("%-d %b %Y"),
            names.join(" and of "),
        ))
    }

    /// How people name it: `October 2026`, `2026 Q3`, `2026`, `2026/27 Q1`,
    /// `2026/27`.
    pub fn label(&self) -> String {
        let (y, m) = self.first;
        match self.span {
            Span::Month => format!("{} {y}", MONTH_NAMES[(m as usize + 11) % 12]),
            Span::CalendarQuarter => format!("{y} Q{}", m.div_ceil(3)),
            Span::Year => y.to_string(),
            Span::FyQuarter => fy_quarter_label(self.first),
            Span::Fy => fy_label(y),
        }
    }

    /// For a file name: `2026-10`, `2026-Q3`, `2026`, `2026-27-Q1`, `2026-27`.
    pub fn slug(&self) -> String {
        let (y, m) = self.first;
        match self.span {
            Span::Month => format!("{y:04}-{m:02}"),
            Span::CalendarQuarter => format!("{y}-Q{}", m.div_ceil(3)),
            Span::Year => y.to_string(),
            Span::FyQuarter => {
                format!("{}-Q{}", fy_label(fy_of(self.first)).replace('/', "-"), fy_quarter(self.first))
            }
            Span::Fy => fy_label(y).replace('/', "-"),
        }
    }

    /// The first and last day, as people write them: `1 April 2026 to 31 March 2027`.
    /// To date, the last is the last day it covers.
    pub fn dates(&self) -> String {
        format!("{} to {}", self.first_day().format("%-d %B %Y"), self.last_day().format("%-d %B %Y"))
    }

    pub fn start(&self, tz: Tz) -> DateTime<Utc> {
        month_start(self.first, tz)
    }

    pub fn end(&self, tz: Tz) -> DateTime<Utc> {
        match self.days {
            Some(_) => crate::model::time::start_of_day(self.last_day() + chrono::Duration::days(1), tz),
            None => month_start(self.after, tz),
        }
    }

    /// Every month in the period, as `(year, month)`.
    pub fn month_list(&self) -> Vec<(i32, u32)> {
        let mut out = Vec::new();
        let mut m = self.first;
        while m != self.after && out.len() < 1200 {
            out.push(m);
            m = next_month(m);
        }
        out
    }

    /// Every month in the period, as `YYYY-MM`.
    #[cfg(test)]
    pub fn months(&self) -> Vec<String> {
        self.month_list().into_iter().map(|(y, m)| format!("{y:04}-{m:02}")).collect()
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
        for bad in
            ["", "26", "2026-13", "2026-Q5", "lastmonth", "2026-1x", "2026/28", "2026/27-Q5", "2026/", "/27"]
        {
            assert!(Period::parse(bad, LON, now()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reads_the_nhs_year_and_its_quarters() {
        let p = |s: &str| Period::parse(s, LON, now()).unwrap();
        let fy = p("2026/27");
        assert_eq!((fy.months()[0].as_str(), fy.months()[11].as_str()), ("2026-04", "2027-03"));
        assert_eq!(fy.label(), "2026/27");
        assert_eq!(fy.dates(), "1 April 2026 to 31 March 2027");
        assert_eq!(p("2026/2027"), fy);
        assert_eq!(p("2026/27-Q1").months(), ["2026-04", "2026-05", "2026-06"]);
        assert_eq!(p("2026/27-Q4").months(), ["2027-01", "2027-02", "2027-03"]);
        assert_eq!(p("2026/27-q4").label(), "2026/27 Q4");
        assert_eq!(p("2026/27-Q4").slug(), "2026-27-Q4");
        assert_eq!(p("1999/00").months()[11], "2000-03", "across a century");
        // "Now" is 15 January 2026: Q4 of 2025/26.
        assert_eq!(p("this-fy").label(), "2025/26");
        assert_eq!(p("last-fy").label(), "2024/25");
        assert_eq!(p("this-quarter").months(), ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(p("this-quarter").label(), "2025/26 Q4");
        assert_eq!(p("last-quarter").months(), ["2025-10", "2025-11", "2025-12"]);
        assert_eq!(p("2026-Q3").months(), p("2026/27-Q2").months(), "a calendar Q3 is the financial Q2");
        assert_eq!(p("2026-Q3").label(), "2026 Q3");
        assert_eq!(p("2026-10").label(), "October 2026");
        assert_eq!(Period::last_complete_fy(LON, now()).label(), "2024/25");
        let april = DateTime::parse_from_rfc3339("2026-04-01T00:30:00+01:00").unwrap().to_utc();
        assert_eq!(Period::last_complete_fy(LON, april).label(), "2025/26", "just after the year ends");
    }

    #[test]
    fn earlier_periods_keep_the_same_length() {
        let p = |s: &str| Period::parse(s, LON, now()).unwrap();
        assert_eq!(p("2026/27-Q1").previous().label(), "2025/26 Q4");
        assert_eq!(p("2026/27-Q1").year_earlier().label(), "2025/26 Q1");
        assert_eq!(p("2026-01").previous().label(), "December 2025");
        assert_eq!(p("2026/27").previous(), p("2025/26"));
        assert_eq!(p("2026-Q1").previous(), p("2025-Q4"));
        assert_eq!(add_months((2026, 1), -13), (2024, 12));
        assert_eq!(fy_quarter_label((2027, 3)), "2026/27 Q4");
    }

    #[test]
    fn a_running_period_is_taken_to_date_and_compared_like_for_like() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z").unwrap().to_utc();
        let p = |s: &str| Period::parse(s, LON, now).unwrap();
        let fy = p("this-fy");
        assert_eq!(fy.shown(), "2026/27 to 4 Dec 2026");
        assert_eq!(fy.dates(), "1 April 2026 to 4 December 2026");
        assert_eq!(fy.end(LON).to_rfc3339(), "2026-12-05T00:00:00+00:00", "all of today");
        let before = fy.year_earlier();
        assert_eq!(before.shown(), "2025/26 to 4 Dec 2025", "the same number of days from its start");
        assert_eq!(fy.previous(), before, "a year's previous period is the year before");
        let q = p("this-quarter");
        assert_eq!(q.shown(), "2026/27 Q3 to 4 Dec 2026");
        assert_eq!(
            q.previous().dates(),
            "1 July 2026 to 3 September 2026",
            "65 days, as October 1 to December 4"
        );
        assert_eq!(p("this-month").previous().shown(), "November 2026 to 4 Nov 2026");
        // A month longer than the one before is set beside the whole of it.
        let march = DateTime::parse_from_rfc3339("2027-03-31T10:00:00+01:00").unwrap().to_utc();
        let m = Period::parse("this-month", LON, march).unwrap();
        assert_eq!((m.shown().as_str(), m.previous().shown().as_str()), ("March 2027", "February 2027"));
        // A period asked for by name stays whole, and says when it is not like for like.
        let named = p("2026/27");
        assert_eq!((named.shown().as_str(), named.days), ("2026/27", None));
        let today = now.with_timezone(&LON).date_naive();
        let said = named.unlike(&[&named.year_earlier()], today).unwrap();
        assert!(said.starts_with("Not like for like: 2026/27 has not ended"), "{said}");
        assert!(said.contains("to 4 Dec 2026") && said.contains("--period this-fy"), "{said}");
        assert_eq!(fy.unlike(&[&fy.year_earlier()], today), None, "to date is like for like");
        assert_eq!(p("2025/26").unlike(&[&p("2024/25")], today), None, "an ended year is whole");
        assert_eq!(p("last-fy"), p("2025/26"), "last periods are whole");
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
