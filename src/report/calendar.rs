//! Working days: Monday to Friday, less the bank holidays of England and
//! Wales. The table is kept by hand from the government's list; past its
//! last year only weekends are skipped.

use chrono::{Datelike, NaiveDate, Weekday};

/// England and Wales bank holidays, 2024 to 2030, substitute days included.
const BANK_HOLIDAYS: &[(i32, u32, u32)] = &[
    (2024, 1, 1),
    (2024, 3, 29),
    (2024, 4, 1),
    (2024, 5, 6),
    (2024, 5, 27),
    (2024, 8, 26),
    (2024, 12, 25),
    (2024, 12, 26),
    (2025, 1, 1),
    (2025, 4, 18),
    (2025, 4, 21),
    (2025, 5, 5),
    (2025, 5, 26),
    (2025, 8, 25),
    (2025, 12, 25),
    (2025, 12, 26),
    (2026, 1, 1),
    (2026, 4, 3),
    (2026, 4, 6),
    (2026, 5, 4),
    (2026, 5, 25),
    (2026, 8, 31),
    (2026, 12, 25),
    (2026, 12, 28),
    (2027, 1, 1),
    (2027, 3, 26),
    (2027, 3, 29),
    (2027, 5, 3),
    (2027, 5, 31),
    (2027, 8, 30),
    (2027, 12, 27),
    (2027, 12, 28),
    (2028, 1, 3),
    (2028, 4, 14),
    (2028, 4, 17),
    (2028, 5, 1),
    (2028, 5, 29),
    (2028, 8, 28),
    (2028, 12, 25),
    (2028, 12, 26),
    (2029, 1, 1),
    (2029, 3, 30),
    (2029, 4, 2),
    (2029, 5, 7),
    (2029, 5, 28),
    (2029, 8, 27),
    (2029, 12, 25),
    (2029, 12, 26),
    (2030, 1, 1),
    (2030, 4, 19),
    (2030, 4, 22),
    (2030, 5, 6),
    (2030, 5, 27),
    (2030, 8, 26),
    (2030, 12, 25),
    (2030, 12, 26),
];

pub fn is_bank_holiday(d: NaiveDate) -> bool {
    BANK_HOLIDAYS.contains(&(d.year(), d.month(), d.day()))
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

    #[test]
    fn the_table_holds_only_weekdays() {
        for (y, m, day) in BANK_HOLIDAYS {
            let date = d(*y, *m, *day);
            assert!(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun), "{date} is a weekend");
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
    }
}
