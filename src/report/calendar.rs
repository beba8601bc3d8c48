//! Working days: Monday to Friday, less the bank holidays of England and
//! Wales. The holidays are computed by rule for any year, so the calendar
//! never runs out; the one-off holidays and moves that no rule can know
//! (jubilees, a coronation, a state funeral) are a small table of
//! exceptions, to be extended when the next one is announced.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A date as year, month, day.
type Ymd = (i32, u32, u32);

/// Holidays that no rule gives: proclaimed for one year only.
const EXTRA: &[Ymd] = &[
    (1999, 12, 31), // the millennium
    (2002, 6, 3),   // the Golden Jubilee
    (2011, 4, 29),  // a royal wedding
    (2012, 6, 5),   // the Diamond Jubilee
    (2022, 6, 3),   // the Platinum Jubilee
    (2022, 9, 19),  // the state funeral of Queen Elizabeth II
    (2023, 5, 8),   // the coronation of King Charles III
];

/// Holidays moved from the day their rule gives, for one year only.
const MOVED: &[(Ymd, Ymd)] = &[
    ((1995, 5, 1), (1995, 5, 8)),  // early May, to VE Day's 50th anniversary
    ((2002, 5, 27), (2002, 6, 4)), // spring, to the Golden Jubilee
    ((2012, 5, 28), (2012, 6, 4)), // spring, to the Diamond Jubilee
    ((2020, 5, 4), (2020, 5, 8)),  // early May, to VE Day's 75th anniversary
    ((2022, 5, 30), (2022, 6, 2)), // spring, to the Platinum Jubilee
];

fn ymd((y, m, d): Ymd) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Easter Sunday, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let (b, c) = (year.div_euclid(100), year.rem_euclid(100));
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The first `weekday` on or after `d`.
fn on_or_after(d: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - d.weekday().num_days_from_monday()) % 7;
    d + Duration::days(i64::from(ahead))
}

/// A day that falls on a weekend is kept on the next weekday free of
/// another holiday (the substitute day).
fn substitute(d: NaiveDate, taken: &[NaiveDate]) -> NaiveDate {
    let mut s = d;
    while matches!(s.weekday(), Weekday::Sat | Weekday::Sun) || taken.contains(&s) {
        s += Duration::days(1);
    }
    s
}

/// The year's holidays by rule (England and Wales, as since 1978): New
/// Year's Day, Good Friday, Easter Monday, the early May, spring and
/// summer Mondays, Christmas Day and Boxing Day, with substitute days.
fn by_rule(year: i32) -> Vec<NaiveDate> {
    let (Some(jan1), Some(may1), Some(may25), Some(aug25), Some(dec25), Some(easter)) = (
        ymd((year, 1, 1)),
        ymd((year, 5, 1)),
        ymd((year, 5, 25)),
        ymd((year, 8, 25)),
        ymd((year, 12, 25)),
        easter(year),
    ) else {
        return Vec::new();
    };
    let mut days = vec![
        substitute(jan1, &[]),
        easter - Duration::days(2),
        easter + Duration::days(1),
        on_or_after(may1, Weekday::Mon),
        on_or_after(may25, Weekday::Mon),
        on_or_after(aug25, Weekday::Mon),
    ];
    let christmas = substitute(dec25, &[]);
    let boxing = substitute(dec25 + Duration::days(1), &[christmas]);
    days.extend([christmas, boxing]);
    days
}

/// Every bank holiday of England and Wales in `year`, in date order.
pub fn bank_holidays(year: i32) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = by_rule(year)
        .into_iter()
        .map(|d| {
            MOVED.iter().find(|(from, _)| ymd(*from) == Some(d)).and_then(|(_, to)| ymd(*to)).unwrap_or(d)
        })
        .collect();
    days.extend(EXTRA.iter().filter(|e| e.0 == year).filter_map(|e| ymd(*e)));
    days.sort_unstable();
    days
}

pub fn is_bank_holiday(d: NaiveDate) -> bool {
    bank_holidays(d.year()).contains(&d)
}

pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_bank_holiday(d)
}

/// The date `n` working days after `d`.
pub fn add_working_days(mut d: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        if is_working_day(d) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The government's published list (gov.uk/bank-holidays) for England
    /// and Wales, with the one-off years around the exceptions.
    const PUBLISHED: &[(i32, &[(u32, u32)])] = &[
        (2012, &[(1, 2), (4, 6), (4, 9), (5, 7), (6, 4), (6, 5), (8, 27), (12, 25), (12, 26)]),
        (2020, &[(1, 1), (4, 10), (4, 13), (5, 8), (5, 25), (8, 31), (12, 25), (12, 28)]),
        (2022, &[(1, 3), (4, 15), (4, 18), (5, 2), (6, 2), (6, 3), (8, 29), (9, 19), (12, 26), (12, 27)]),
        (2023, &[(1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26)]),
        (2024, &[(1, 1), (3, 29), (4, 1), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)]),
        (2025, &[(1, 1), (4, 18), (4, 21), (5, 5), (5, 26), (8, 25), (12, 25), (12, 26)]),
        (2026, &[(1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)]),
        (2027, &[(1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)]),
        (2028, &[(1, 3), (4, 14), (4, 17), (5, 1), (5, 29), (8, 28), (12, 25), (12, 26)]),
    ];

    #[test]
    fn the_rule_gives_the_published_holidays() {
        for (year, days) in PUBLISHED {
            let want: Vec<NaiveDate> = days.iter().map(|(m, day)| d(*year, *m, *day)).collect();
            assert_eq!(bank_holidays(*year), want, "{year}");
        }
    }

    #[test]
    fn easter_by_the_algorithm() {
        // Dates from the tables of Easter: the earliest and latest possible,
        // and years either side of a century.
        for (y, m, day) in
            [(1818, 3, 22), (1943, 4, 25), (2000, 4, 23), (2038, 4, 25), (2100, 3, 28), (2285, 3, 22)]
        {
            assert_eq!(easter(y), Some(d(y, m, day)), "{y}");
        }
    }

    #[test]
    fn holidays_never_run_out_and_fall_on_weekdays() {
        for year in 2024..=2200 {
            let days = bank_holidays(year);
            assert_eq!(days.len(), 8, "{year}: {days:?}");
            for date in days {
                assert!(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun), "{date} is a weekend");
            }
        }
    }

    #[test]
    fn a_bank_holiday_week_skips_the_holiday_and_the_weekend() {
        // Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        assert_eq!(add_working_days(d(2026, 4, 2), 1), d(2026, 4, 7));
        // Christmas 2026: Friday 25th, Boxing Day substitute Monday 28th.
        assert_eq!(add_working_days(d(2026, 12, 24), 1), d(2026, 12, 29));
        // An ordinary Friday goes to Monday.
        assert_eq!(add_working_days(d(2026, 11, 20), 1), d(2026, 11, 23));
        assert_eq!(add_working_days(d(2026, 11, 24), 1), d(2026, 11, 25));
        // Past any table a list could hold: Christmas 2099 is a Friday.
        assert_eq!(add_working_days(d(2099, 12, 24), 1), d(2099, 12, 29));
    }
}
