//! Dates as registers hold them: day first or ISO, with or without a time,
//! an Excel serial number (days since 30 December 1899, the fraction the
//! time of day), a date in one column and its time in another. Pure: the
//! zone and the clock are given.

use crate::model::time::{Stamp, in_zone};
use chrono::{Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// A register's date cell: its day, and its time of day where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

/// Excel's day 0 (its serial numbers count from here; 60 is the 29
/// February 1900 that never was, so serials from 61 on are right).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// An Excel serial number: whole days and, after the point, the time.
/// `None`: not a serial in the years lsms keeps.
pub fn serial(s: &str) -> Option<Day> {
    let t = s.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || whole.len() > 7 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let days: i64 = whole.parse().ok()?;
    // 1900-01-01 is 1 and 2958465 is 9999-12-31; below 367 is 1900 itself,
    // where Excel's calendar is a day out: such a number is not a date.
    if !(367..=2_958_465).contains(&days) {
        return None;
    }
    let date = excel_epoch().checked_add_signed(Duration::days(days))?;
    let time = if frac.trim_end_matches('0').is_empty() {
        None
    } else {
        let f: f64 = format!("0.{frac}").parse().ok()?;
        let secs = (f * 86_400.0).round() as u32;
        // 0.99999… rounds to the next midnight: the last second of the day.
        Some(NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0)?)
    };
    Some(Day { date, time })
}

/// A time of day as registers write it: `14:30`, `14:30:15`, `2:30 PM`,
/// `1430`, or an Excel fraction of a day (`0.604166…`).
pub fn time_of_day(s: &str) -> Option<NaiveTime> {
    let t = s.trim();
    for f in ["%H:%M", "%H:%M:%S", "%H:%M:%S%.f", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p", "%I%p", "%I %p"] {
        if let Ok(x) = NaiveTime::parse_from_str(t, f) {
            return Some(x);
        }
    }
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveTime::parse_from_str(t, "%H%M").ok();
    }
    if let Some(frac) = t.strip_prefix("0.").or_else(|| t.strip_prefix('.'))
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
    {
        let f: f64 = format!("0.{frac}").parse().ok()?;
        let secs = (f * 86_400.0).round() as u32;
        return NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0);
    }
    None
}

/// The day of a date written day first (`24/11/2026`, `24-11-2026`,
/// `24.11.2026`, `24 Nov 2026`, `24-Nov-2026`) or ISO (`2026-11-24`,
/// `2026/11/24`). Two-digit years and month-first dates are left for the
/// ordinary reading to refuse with its reasons.
fn date_part(s: &str) -> Option<NaiveDate> {
    if let Some(Ok(d)) = crate::model::time::day_first(s) {
        return Some(d);
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%d-%B-%Y"]
    {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            // A four-digit year only (chrono reads `24-11-26` as year 26).
            if s.contains(&format!("{}", chrono::Datelike::year(&d))) && chrono::Datelike::year(&d) >= 1000 {
                return Some(d);
            }
        }
    }
    None
}

/// A date cell read: a serial number, or a date with its time where it has
/// one (`24/11/2026 14:30`, `2026-11-24T14:30:00`, `24 Nov 2026 2:30 PM`).
/// `None`: not a form read here (the ordinary reading then names why).
pub fn day(s: &str) -> Option<Day> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(d) = serial(t) {
        return Some(d);
    }
    // The date is what comes before the first part holding a colon (or a
    // T between date and time), the time the rest.
    let t = t.replacen('T', " ", usize::from(t.len() > 10 && t.as_bytes().get(10) == Some(&b'T')));
    let words: Vec<&str> = t.split_whitespace().collect();
    let mut at = words.iter().position(|w| w.contains(':')).unwrap_or(words.len());
    // `2 PM`, with no colon: the hour and its AM/PM.
    if at == words.len()
        && words.len() >= 2
        && matches!(words[at - 1].to_ascii_uppercase().as_str(), "AM" | "PM")
    {
        at -= 2;
    }
    let date = date_part(&words[..at].join(" "))?;
    let rest = words[at..].join(" ");
    let time = if rest.is_empty() { None } else { Some(time_of_day(&rest)?) };
    Some(Day { date, time })
}

/// A wall-clock time in the store's zone, as a register means it: where
/// the clocks went back, the first of the two (summer time); where they
/// went forward over it, the same moment on the clock after the change.
/// Whether it was one of those is said (`true`), for the import to count.
pub fn local(naive: NaiveDateTime, tz: Tz) -> Option<(Stamp, bool)> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some((t.fixed_offset(), false)),
        LocalResult::Ambiguous(a, _) => Some((a.fixed_offset(), true)),
        LocalResult::None => {
            let later = naive + Duration::hours(1);
            match tz.from_local_datetime(&later) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some((t.fixed_offset(), true)),
                LocalResult::None => None,
            }
        }
    }
}

/// The instant a register's occurrence means: its day, at its time (or
/// the start of the day where it has none).
pub fn occurred(d: Day, tz: Tz) -> Option<(Stamp, bool)> {
    local(d.date.and_time(d.time.unwrap_or(NaiveTime::MIN)), tz)
}

/// A date kept with no time (a report, a closing), as registers mean it:
/// on the day of `after` (the occurrence), `after` itself; on a later
/// day, the end of that day (or now, where that day is today); never
/// earlier than `after`. With a time: that time.
pub fn later_than(
    d: Day,
    after: Option<Stamp>,
    tz: Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<(Stamp, bool)> {
    if d.time.is_some() {
        return occurred(d, tz);
    }
    if let Some(a) = after
        && a.with_timezone(&tz).date_naive() == d.date
    {
        return Some((a, false));
    }
    let end = local(d.date.and_time(NaiveTime::from_hms_opt(23, 59, 0)?), tz)?;
    let now = in_zone(now, tz);
    Some(if end.0 > now && now.date_naive() == d.date { (now, false) } else { end })
}

/// A closing date as registers mean it: with a time, that time; with
/// none, the start of that day (whole days then count from the report as
/// they always have), but on the report's own day the report's time, so
/// a case never closes before it was reported.
pub fn closing(d: Day, reported: Stamp, tz: Tz) -> Option<(Stamp, bool)> {
    if d.time.is_none() && reported.with_timezone(&tz).date_naive() == d.date {
        return Some((reported, false));
    }
    occurred(d, tz)
}

/// A date cell and the time from a column of its own as one: a date
/// written with midnight (as Excel writes a date) takes the column's
/// time; a date with another time of its own and a different time beside
/// it is an error, never one of them dropped.
pub fn with_time(d: Day, time: Option<&str>) -> Result<Day, String> {
    let Some(t) = time.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(d) };
    let Some(clock) = time_of_day(t).or_else(|| serial(t).and_then(|x| x.time)) else {
        return Err(format!("'{t}' is not a time of day: write it as 14:30, 14:30:00 or 2:30 PM"));
    };
    match d.time {
        Some(own) if own != NaiveTime::MIN && own != clock => Err(format!(
            "the date has a time of its own ({}) and the time column says {t}: which is meant cannot be told",
            own.format("%H:%M")
        )),
        _ => Ok(Day { date: d.date, time: Some(clock) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::rfc3339;
    use chrono_tz::Europe::London;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn hm(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn excel_serials_are_days_since_1899_12_30_with_the_time_as_the_fraction() {
        assert_eq!(serial("45691"), Some(Day { date: d(2025, 2, 3), time: None }));
        assert_eq!(serial("45691.5"), Some(Day { date: d(2025, 2, 3), time: hm(12, 0) }));
        assert_eq!(serial("45691.59027777778"), Some(Day { date: d(2025, 2, 3), time: hm(14, 10) }));
        assert_eq!(serial("45691.0"), Some(Day { date: d(2025, 2, 3), time: None }));
        assert_eq!(serial("12"), None, "a small number is not a date");
        assert_eq!(serial("DX-1"), None);
    }

    #[test]
    fn dates_day_first_and_iso_with_or_without_a_time() {
        let at = |s: &str| day(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(at("03/02/2025"), Day { date: d(2025, 2, 3), time: None });
        assert_eq!(at("3/2/2025 14:10"), Day { date: d(2025, 2, 3), time: hm(14, 10) });
        assert_eq!(at("03-02-2025 14:10:00"), Day { date: d(2025, 2, 3), time: hm(14, 10) });
        assert_eq!(at("03.02.2025"), Day { date: d(2025, 2, 3), time: None });
        assert_eq!(at("2025-02-03T14:10:00"), Day { date: d(2025, 2, 3), time: hm(14, 10) });
        assert_eq!(at("2025-02-03 14:10"), Day { date: d(2025, 2, 3), time: hm(14, 10) });
        assert_eq!(at("3 Feb 2025 2:10 PM"), Day { date: d(2025, 2, 3), time: hm(14, 10) });
        assert_eq!(at("03-Feb-2025"), Day { date: d(2025, 2, 3), time: None });
        assert_eq!(day("02/24/2025"), None, "month first is left to be refused");
        assert_eq!(day("03/02/25"), None, "a two-digit year is left to be refused");
    }

    #[test]
    fn a_time_column_joins_its_date_and_a_contradiction_is_refused() {
        let date = Day { date: d(2025, 2, 3), time: None };
        assert_eq!(with_time(date, Some("14:10")).unwrap().time, hm(14, 10));
        assert_eq!(with_time(date, Some("2:10 PM")).unwrap().time, hm(14, 10));
        assert_eq!(with_time(date, Some("0.5")).unwrap().time, hm(12, 0));
        assert_eq!(with_time(date, Some(" ")).unwrap(), date);
        let midnight = Day { time: hm(0, 0), ..date };
        assert_eq!(with_time(midnight, Some("14:10")).unwrap().time, hm(14, 10));
        let own = Day { time: hm(9, 0), ..date };
        assert!(with_time(own, Some("14:10")).unwrap_err().contains("cannot be told"));
        assert!(with_time(date, Some("teatime")).is_err());
    }

    #[test]
    fn a_report_with_no_time_is_never_before_what_it_reports() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z").unwrap().to_utc();
        let occ = occurred(Day { date: d(2025, 2, 3), time: hm(14, 10) }, London).unwrap().0;
        let same = later_than(Day { date: d(2025, 2, 3), time: None }, Some(occ), London, now).unwrap().0;
        assert_eq!(same, occ);
        let later = later_than(Day { date: d(2025, 2, 5), time: None }, Some(occ), London, now).unwrap().0;
        assert_eq!(rfc3339(&later), "2025-02-05T23:59:00+00:00");
        let today = later_than(Day { date: d(2026, 11, 25), time: None }, None, London, now).unwrap().0;
        assert_eq!(rfc3339(&today), "2026-11-25T12:00:00+00:00", "not later than now");
    }

    #[test]
    fn the_hour_the_clocks_change_is_read_as_the_register_meant_it_and_said() {
        let fold = NaiveDate::from_ymd_opt(2024, 10, 27).unwrap().and_hms_opt(1, 30, 0).unwrap();
        let (t, odd) = local(fold, London).unwrap();
        assert_eq!((rfc3339(&t).as_str(), odd), ("2024-10-27T01:30:00+01:00", true));
        let gap = NaiveDate::from_ymd_opt(2024, 3, 31).unwrap().and_hms_opt(1, 30, 0).unwrap();
        let (t, odd) = local(gap, London).unwrap();
        assert_eq!((rfc3339(&t).as_str(), odd), ("2024-03-31T02:30:00+01:00", true));
    }
}
