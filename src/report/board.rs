//! The board's security report: its figures, from the same code as
//! `summary` (the annual figures, the cross-tabs), and the few it adds
//! (open caseload by age, time to close, overdue deadlines, hotspots).
//! Counts only: nothing here holds a name or free text. Pure: given the
//! records, the store's zone and "now".

use super::Period;
use super::due::{Rules, all_deadlines};
use super::figure::Days;
use super::summary::{self, Dimension, Facts, Known, Prior, Summary};
use crate::model::*;
use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

/// What the board needs of one incident.
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// Occurred in the period, the period before, the same period a year
    /// earlier (an incident may be in both earlier ones).
    pub now: bool,
    pub previous: bool,
    pub last_year: bool,
    /// Keys month, category.
    pub by_month: Facts,
    /// Keys site, category.
    pub by_site: Facts,
    /// Open now: days since it was recorded.
    pub open_days: Option<i64>,
    /// The kinds of its deadlines that are past.
    pub overdue: Vec<&'static str>,
    /// When it occurred, in the store's zone: Monday is 0.
    pub weekday: u32,
    pub hour: u32,
    /// Its time of day is not known: it was given as a date alone, which
    /// is kept as midnight (exactly 00:00:00 in the store's zone).
    pub time_unknown: bool,
    /// A legal or inquiry hold stands on it (`lsms hold`).
    pub held: bool,
}

/// The three periods a board report looks at.
#[derive(Debug, Clone)]
pub struct Periods {
    pub now: Period,
    pub previous: Period,
    pub last_year: Period,
    /// Said when the period is set beside earlier ones that are not like
    /// for like (see `Period::unlike`).
    pub unlike: Option<String>,
}

impl Periods {
    pub fn of(p: Period) -> Periods {
        Periods { previous: p.previous(), last_year: p.year_earlier(), now: p, unlike: None }
    }

    /// `of`, saying whether the comparison is like for like on `today`.
    pub fn on(p: Period, today: chrono::NaiveDate) -> Periods {
        let mut ps = Periods::of(p);
        let earlier: Vec<&Period> = ps.earlier().into_iter().map(|(_, e)| e).collect();
        ps.unlike = ps.now.unlike(&earlier, today);
        ps
    }

    /// Is the previous period the same period a year earlier (the period
    /// is a year)? Then it is compared with once.
    pub fn once(&self) -> bool {
        self.previous == self.last_year
    }

    /// The earlier periods it is compared with, each once, with how each
    /// is compared.
    pub fn earlier(&self) -> Vec<(Prior, &Period)> {
        if self.once() {
            vec![(Prior::LastYear, &self.last_year)]
        } else {
            vec![(Prior::Previous, &self.previous), (Prior::LastYear, &self.last_year)]
        }
    }
}

fn within(t: DateTime<Utc>, p: &Period, tz: Tz) -> bool {
    p.start(tz) <= t && t < p.end(tz)
}

/// What the board needs of `inc`, or `None` when it counts nowhere (a
/// void record, entered in error, counts nowhere).
pub fn item(inc: &Incident, ps: &Periods, tz: Tz, rules: &Rules<'_>, now: DateTime<Utc>) -> Option<Item> {
    if inc.void.is_some() {
        return None;
    }
    let at = inc.occurred_at.to_utc();
    let open = inc.status != Status::Closed;
    let overdue: Vec<&'static str> =
        all_deadlines(inc, tz, rules).into_iter().filter(|d| d.due < now).map(|d| d.kind).collect();
    let (n, p, l) = (within(at, &ps.now, tz), within(at, &ps.previous, tz), within(at, &ps.last_year, tz));
    let held = inc.hold.is_some();
    if !(n || p || l || open || held || !overdue.is_empty()) {
        return None;
    }
    let local = inc.occurred_at.with_timezone(&tz);
    Some(Item {
        now: n,
        previous: p,
        last_year: l,
        by_month: summary::facts(inc, &[Dimension::Month, Dimension::Category], tz),
        by_site: summary::facts(inc, &[Dimension::Site, Dimension::Category], tz),
        open_days: inc.days_open(now),
        overdue,
        weekday: local.weekday().num_days_from_monday(),
        hour: local.hour(),
        time_unknown: time_unknown(&local.time()),
        held,
    })
}

/// Is a time of occurrence one whose time of day is not known? A date
/// alone (`--occurred 24/11/2026`, an imported register's day) is kept as
/// the start of the day, so exactly 00:00:00 in the store's zone is read
/// as "time not known": a record cannot tell it from a real midnight, and
/// one to the second is far rarer than a date given alone.
pub fn time_unknown(t: &chrono::NaiveTime) -> bool {
    *t == chrono::NaiveTime::MIN
}

/// The board's figures.
#[derive(Debug, Clone)]
pub struct Board {
    pub trust: String,
    pub periods: Periods,
    /// When it was made, in the store's zone.
    pub made: String,
    /// `summary --report annual` for the period, with the previous period
    /// and the same period a year earlier beside it (`summary --compare`).
    pub headline: Summary,
    /// `summary --by month,category` for the period.
    pub trend: Summary,
    /// `summary --by category` for the period (its total row has the
    /// sanctions by class).
    pub by_category: Summary,
    /// `summary --by site,category` for the period.
    pub sites: Summary,
    /// Open now, by days since reported: 0–7, 8–30, 31–90, over 90.
    pub caseload: [u64; 4],
    /// Days from the report to the closing of the period's closed incidents:
    /// how many, the median and the 90th percentile.
    pub closed: usize,
    pub median_days: Option<Days>,
    pub p90_days: Option<i64>,
    /// Past deadlines now, by kind, in a fixed order.
    pub overdue: Vec<(&'static str, u64)>,
    /// The period's incidents by day of week (Monday first) and hour.
    pub clock: [[u64; 24]; 7],
    /// The period's incidents whose time of day is not known, by day of
    /// week: counted here, never at 00:00.
    pub time_unknown: [u64; 7],
    /// Records under a legal or inquiry hold now (kept past retention).
    pub held: u64,
    /// Records disposed of under retention in the period, from the
    /// register of disposals.
    pub disposed: u64,
}

pub const AGE_BANDS: [&str; 4] = ["0 to 7 days", "8 to 30 days", "31 to 90 days", "Over 90 days"];

/// The median, as `summary --report annual` gives it, and the 90th
/// percentile (nearest rank) of some days.
fn median_p90(mut days: Vec<i64>) -> (Option<Days>, Option<i64>) {
    days.sort_unstable();
    let n = days.len();
    if n == 0 {
        return (None, None);
    }
    let rank = (n * 9).div_ceil(10).max(1);
    (Days::median(&days), Some(days[rank - 1]))
}

/// Adds up the board's figures from what `item` kept of each incident.
/// `disposed`: how many records the register of disposals says went in
/// the period.
pub fn build(items: &[Item], ps: Periods, known: &Known, trust: &str, made: String, disposed: u64) -> Board {
    let facts = |pick: fn(&Item) -> bool, site: bool| -> Vec<Facts> {
        items
            .iter()
            .filter(|i| pick(i))
            .map(|i| if site { i.by_site.clone() } else { i.by_month.clone() })
            .collect()
    };
    let now = facts(|i| i.now, false);
    let mut headline = summary::annual(&now);
    for (prior, _) in ps.earlier() {
        let pick = match prior {
            Prior::Previous => |i: &Item| i.previous,
            Prior::LastYear => |i: &Item| i.last_year,
        };
        headline = summary::compare(headline, &summary::annual(&facts(pick, false)), prior);
    }
    let trend = summary::cross(&now, Dimension::Month, Dimension::Category, known);
    let by_category = summary::by_one(&now, Dimension::Category, known);
    // The site × category cross-tab reads its keys from the site facts.
    let sites = summary::cross(&facts(|i| i.now, true), Dimension::Site, Dimension::Category, known);
    let mut caseload = [0; 4];
    for d in items.iter().filter_map(|i| i.open_days) {
        caseload[match d {
            ..=7 => 0,
            8..=30 => 1,
            31..=90 => 2,
            _ => 3,
        }] += 1;
    }
    let days: Vec<i64> = now.iter().filter_map(|f| f.days_to_close).collect();
    let closed = days.len();
    let (median_days, p90_days) = median_p90(days);
    let overdue = super::due::KINDS
        .iter()
        .map(|(k, _)| (*k, items.iter().map(|i| i.overdue.iter().filter(|o| *o == k).count() as u64).sum()))
        .collect();
    let mut clock = [[0; 24]; 7];
    let mut time_unknown = [0; 7];
    for i in items.iter().filter(|i| i.now) {
        if i.time_unknown {
            time_unknown[i.weekday.min(6) as usize] += 1;
        } else {
            clock[i.weekday.min(6) as usize][i.hour.min(23) as usize] += 1;
        }
    }
    Board {
        trust: trust.to_string(),
        periods: ps,
        made,
        headline,
        trend,
        by_category,
        sites,
        caseload,
        closed,
        median_days,
        p90_days,
        overdue,
        clock,
        time_unknown,
        held: items.iter().filter(|i| i.held).count() as u64,
        disposed,
    }
}

/// A category in plain English: `Non-physical assault`.
pub fn category_label(c: &str) -> String {
    match c {
        "physical-assault" => "Physical assault".into(),
        "non-physical-assault" => "Non-physical assault".into(),
        "antisocial-behaviour" => "Antisocial behaviour".into(),
        other => sentence(other),
    }
}

/// The initialisms among lsms's words, written in capitals.
const INITIALISMS: [&str; 7] = ["cdao", "hse", "nhsbsa", "ico", "nhs", "riddor", "cctv"];

/// `lone-worker-alarm` as `Lone worker alarm`; `cdao` as `CDAO`.
pub fn sentence(word: &str) -> String {
    let words: Vec<String> = word
        .split(['-', '_'])
        .map(|w| if INITIALISMS.contains(&w) { w.to_uppercase() } else { w.to_string() })
        .collect();
    let s = words.join(" ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

/// A deadline kind in plain English.
pub fn deadline_label(kind: &str) -> String {
    super::due::KINDS.iter().find(|(k, _)| *k == kind).map_or_else(|| sentence(kind), |(_, l)| l.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_ninetieth_percentile() {
        assert_eq!(median_p90(vec![]), (None, None));
        let median = |v: Vec<i64>| {
            let (m, p) = median_p90(v);
            (m.map(Days::as_f64), p)
        };
        assert_eq!(median(vec![4]), (Some(4.0), Some(4)));
        assert_eq!(median(vec![1, 2, 3, 10]), (Some(2.5), Some(10)));
        let v: Vec<i64> = (1..=20).collect();
        assert_eq!(median(v), (Some(10.5), Some(18)));
    }

    #[test]
    fn every_kind_of_overdue_deadline_is_counted_and_named() {
        let tz = chrono_tz::Europe::London;
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z").unwrap().to_utc();
        let period = super::super::Period::parse("2026/27", tz, now).unwrap();
        let known = summary::Known {
            categories: vec!["theft".into()],
            sites: Vec::new(),
            team: Vec::new(),
            flags: Vec::new(),
            months: period.month_list(),
        };
        let item = |kind| Item { overdue: vec![kind], ..Item::default() };
        let items: Vec<Item> = super::super::due::KINDS.iter().map(|(k, _)| item(*k)).collect();
        let b = build(&items, Periods::of(period), &known, "T", "now".into(), 0);
        for (kind, label) in super::super::due::KINDS {
            assert!(b.overdue.contains(&(kind, 1)), "{kind} is counted: {:?}", b.overdue);
            assert_eq!(deadline_label(kind), label);
        }
        assert!(b.overdue.contains(&("cdao", 1)));
    }

    #[test]
    fn labels_are_plain_english() {
        assert_eq!(category_label("non-physical-assault"), "Non-physical assault");
        assert_eq!(category_label("lone-worker-alarm"), "Lone worker alarm");
        assert_eq!(sentence("cdao"), "CDAO");
        assert_eq!(sentence("riddor-decision"), "RIDDOR decision");
        assert_eq!(sentence("not-reportable"), "Not reportable");
        assert_eq!(deadline_label("assign"), "Not yet assigned (one working day)");
    }
}
