//! How long a record is kept, and when its retention ends: the one rule
//! that `due` (a retention review), `dispose` (removal) and the register
//! of disposals (the rule applied) all follow. Pure: "today" is given.
//!
//! The NHS Records Management Code keeps incident records 10 years, 20
//! for serious incidents. By default a record is serious when its harm
//! was severe or a death, or RIDDOR applies (reportable or reported);
//! `retention:` in lsms.yaml changes the years, where they run from, and
//! what a longer (or shorter) period applies to, by category, harm,
//! RIDDOR status or flag.

use super::enums::{Harm, RiddorStatus, Status};
use super::incident::{HOLD_ACTIONS, Hold, Incident};
use super::workflow::{Act, Refusal, refuse};
use chrono::{Months, NaiveDate};
use chrono_tz::Tz;

/// Where a retention period runs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// From the day the case was closed (the default: a case still worked
    /// on, or reopened, is never due).
    Closed,
    /// From the day the incident occurred (still only once it is closed).
    Occurred,
    /// From the day a void record (entered in error, never worked) was
    /// voided: where a record's period runs from `Closed` but it was never
    /// closed. Not a setting.
    Voided,
}

impl Start {
    pub fn as_str(self) -> &'static str {
        match self {
            Start::Closed => "closed",
            Start::Occurred => "occurred",
            Start::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Result<Start, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "closed" | "closing" => Ok(Start::Closed),
            "occurred" | "incident" => Ok(Start::Occurred),
            _ => Err(format!("'{}' is not where retention runs from: use closed or occurred", s.trim())),
        }
    }

    /// In words, after "years from": "closing", "the incident".
    fn shown(self) -> &'static str {
        match self {
            Start::Closed => "closing",
            Start::Occurred => "the incident",
            Start::Voided => "its voiding",
        }
    }
}

/// A period that applies to the records it matches: every list given must
/// hold the record's value (a record matches `harm: [severe, death]` when
/// its harm is one of them; two lists, both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub years: u32,
    pub categories: Vec<String>,
    pub harm: Vec<Harm>,
    pub riddor: Vec<RiddorStatus>,
    pub flags: Vec<String>,
}

impl Rule {
    /// Does the rule apply to this record?
    pub fn matches(&self, inc: &Incident) -> bool {
        let some = |given: bool, hit: bool| !given || hit;
        some(!self.categories.is_empty(), self.categories.contains(&inc.category))
            && some(!self.harm.is_empty(), inc.harm.is_some_and(|h| self.harm.contains(&h)))
            && some(
                !self.riddor.is_empty(),
                inc.riddor.as_ref().is_some_and(|r| self.riddor.contains(&r.status)),
            )
            && some(!self.flags.is_empty(), inc.flags.iter().any(|f| self.flags.contains(f)))
    }

    /// What it applies to, in words: "harm severe or death".
    pub fn condition(&self) -> String {
        let mut parts = Vec::new();
        let list = |what: &str, words: Vec<&str>| format!("{what} {}", words.join(" or "));
        if !self.categories.is_empty() {
            parts.push(list("category", self.categories.iter().map(String::as_str).collect()));
        }
        if !self.harm.is_empty() {
            parts.push(list("harm", self.harm.iter().map(|h| h.as_str()).collect()));
        }
        if !self.riddor.is_empty() {
            parts.push(list("RIDDOR", self.riddor.iter().map(|r| r.as_str()).collect()));
        }
        if !self.flags.is_empty() {
            parts.push(list("flag", self.flags.iter().map(String::as_str).collect()));
        }
        parts.join(" and ")
    }
}

/// The store's retention periods (`retention:` in lsms.yaml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    /// Years for a record no rule matches.
    pub years: u32,
    pub from: Start,
    /// Of the rules that match a record, the longest period applies.
    pub rules: Vec<Rule>,
}

/// The name of the period no rule changes.
pub const STANDARD: &str = "standard";

impl Default for Retention {
    fn default() -> Retention {
        let serious = |harm: Vec<Harm>, riddor: Vec<RiddorStatus>| Rule {
            name: "serious".into(),
            years: 20,
            categories: Vec::new(),
            harm,
            riddor,
            flags: Vec::new(),
        };
        Retention {
            years: 10,
            from: Start::Closed,
            rules: vec![
                serious(vec![Harm::Severe, Harm::Death], Vec::new()),
                serious(Vec::new(), vec![RiddorStatus::Reportable, RiddorStatus::Reported]),
            ],
        }
    }
}

/// The retention a record is under: which rule, how long, from when, and
/// the day it ends (from that day it may be disposed of).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The rule's name ([`STANDARD`] where none matched).
    pub rule: String,
    /// What the rule applies to, in words (empty for the standard period).
    pub condition: String,
    pub years: u32,
    pub from: Start,
    /// The day the period runs from, in the store's zone.
    pub start: NaiveDate,
    /// The first day after the period: the retention review falls due,
    /// and the record may be disposed of, from this day.
    pub ends: NaiveDate,
}

impl Applied {
    /// "serious (harm severe or death): 20 years from closing".
    pub fn shown(&self) -> String {
        let what = if self.condition.is_empty() {
            self.rule.clone()
        } else {
            format!("{} ({})", self.rule, self.condition)
        };
        format!("{what}: {} years from {}", self.years, self.from.shown())
    }
}

impl Retention {
    /// The period for a record: the longest of the rules that match it,
    /// else the standard one (name, condition, years).
    pub fn period(&self, inc: &Incident) -> (String, String, u32) {
        self.rules
            .iter()
            .filter(|r| r.matches(inc))
            .max_by_key(|r| r.years)
            .map(|r| (r.name.clone(), r.condition(), r.years))
            .unwrap_or_else(|| (STANDARD.to_string(), String::new(), self.years))
    }

    /// The retention a record is under, or `None` while its period has not
    /// started: an open case (a void record, entered in error and never
    /// worked, runs from its voiding).
    pub fn applied(&self, inc: &Incident, tz: Tz) -> Option<Applied> {
        let (closed, from) = match (&inc.closed_at, inc.status, &inc.void) {
            (Some(c), Status::Closed, _) => (*c, self.from),
            (_, _, Some(v)) if self.from == Start::Closed => (v.at, Start::Voided),
            (_, _, Some(v)) => (v.at, self.from),
            _ => return None,
        };
        let start = match from {
            Start::Closed | Start::Voided => closed,
            Start::Occurred => inc.occurred_at,
        }
        .with_timezone(&tz)
        .date_naive();
        let (rule, condition, years) = self.period(inc);
        let ends = start.checked_add_months(Months::new(12 * years)).unwrap_or(NaiveDate::MAX);
        Some(Applied { rule, condition, years, from, start, ends })
    }
}

impl Incident {
    /// Places a legal or inquiry hold: who, when, why, and a `held` entry
    /// in the history. Refused: an empty reason, and a record already held
    /// (one hold stands at a time; a second reason goes in a note).
    pub fn hold(&mut self, act: &Act<'_>, reason: &str) -> Result<(), Refusal> {
        let id = self.id.clone();
        let reason = reason.trim_end();
        if reason.trim().is_empty() {
            return Err(refuse(
                "the reason is empty: a hold says why (the inquiry, claim or request it is for)",
                "say why with --reason TEXT",
            ));
        }
        if let Some(h) = &self.hold {
            return Err(refuse(
                format!("{id} is already held (by {} since {})", h.by, h.at.format("%d/%m/%Y")),
                format!(
                    "the hold stands until `lsms release {id}`; to note another reason for it, `lsms note {id} TEXT`"
                ),
            ));
        }
        self.hold = Some(Hold {
            at: act.at,
            by: act.by.to_string(),
            reason: reason.to_string(),
            extra: Default::default(),
        });
        self.history.push(act.entry_with(HOLD_ACTIONS[0], reason.to_string()));
        Ok(())
    }

    /// Lifts the hold, with a `released` entry (the reason, where given).
    /// Refused: a record not held, and a release dated before the hold.
    pub fn release(&mut self, act: &Act<'_>, reason: Option<&str>) -> Result<(), Refusal> {
        let id = self.id.clone();
        let Some(h) = &self.hold else {
            return Err(refuse(
                format!("{id} is not held"),
                format!("`lsms hold {id} --reason TEXT` places a hold"),
            ));
        };
        if act.at < h.at {
            return Err(refuse(
                format!(
                    "the release is dated before the hold was placed ({})",
                    h.at.format("%d/%m/%Y %H:%M")
                ),
                "give --on a date after the hold",
            ));
        }
        self.hold = None;
        let mut e = act.entry(HOLD_ACTIONS[1]);
        e.detail = reason.map(str::trim_end).filter(|r| !r.trim().is_empty()).map(str::to_string);
        self.history.push(e);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::draft::{Draft, NewRecord};
    use crate::model::{Riddor, Vocab};
    use chrono::{DateTime, Utc};
    const LON: Tz = chrono_tz::Europe::London;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn closed(fields: &[(&str, &str)], on: &str) -> Incident {
        let vocab = Vocab::standard();
        let mut i = Draft::of(fields)
            .build(&NewRecord {
                vocab: &vocab,
                tz: LON,
                now: at("2012-03-01T10:00:00Z"),
                actor: "a",
                random: [0; 4],
                uuid: uuid::Uuid::nil(),
            })
            .unwrap();
        i.status = Status::Closed;
        i.closed_at = Some(crate::model::time::in_zone(at(on), LON));
        i
    }

    #[test]
    fn ten_years_from_closing_and_twenty_for_severe_harm_or_riddor() {
        let r = Retention::default();
        let mut i = closed(
            &[("category", "theft"), ("summary", "x"), ("occurred", "2012-02-01 10:00")],
            "2014-06-30T23:30:00Z",
        );
        let a = r.applied(&i, LON).unwrap();
        // 23:30 UTC on 30 June is 1 July in London (summer time).
        assert_eq!(
            (a.rule.as_str(), a.years, a.start, a.ends),
            ("standard", 10, day("2014-07-01"), day("2024-07-01"))
        );
        assert!(r.applied(&i, LON).is_some_and(|a| a.ends <= day("2024-07-01")));
        i.harm = Some(Harm::Severe);
        let a = r.applied(&i, LON).unwrap();
        assert_eq!((a.rule.as_str(), a.years, a.ends), ("serious", 20, day("2034-07-01")));
        assert_eq!(a.shown(), "serious (harm severe or death): 20 years from closing");
        i.harm = Some(Harm::Low);
        i.riddor = Some(Riddor { status: RiddorStatus::Reported, ..Default::default() });
        assert_eq!(r.applied(&i, LON).unwrap().years, 20);
        i.riddor = Some(Riddor { status: RiddorStatus::NotReportable, ..Default::default() });
        assert_eq!(r.applied(&i, LON).unwrap().years, 10);
    }

    #[test]
    fn a_void_record_never_closed_runs_from_its_voiding_and_says_so() {
        let mut i = closed(&[("category", "theft"), ("summary", "x")], "2014-06-30T10:00:00Z");
        i.status = Status::Reported;
        i.closed_at = None;
        assert!(Retention::default().applied(&i, LON).is_none(), "open: no end");
        i.void = Some(crate::model::incident::Void {
            at: crate::model::time::in_zone(at("2013-05-02T10:00:00Z"), LON),
            by: "a".into(),
            reason: "entered twice".into(),
            extra: Default::default(),
        });
        let a = Retention::default().applied(&i, LON).unwrap();
        assert_eq!((a.from, a.start), (Start::Voided, day("2013-05-02")));
        assert_eq!(a.shown(), "standard: 10 years from its voiding");
    }

    #[test]
    fn an_open_case_has_no_end_and_the_longest_matching_rule_wins() {
        let mut r = Retention { from: Start::Occurred, ..Retention::default() };
        r.rules.push(Rule {
            name: "assault".into(),
            years: 15,
            categories: vec!["physical-assault".into()],
            harm: vec![],
            riddor: vec![],
            flags: vec![],
        });
        r.rules.push(Rule {
            name: "sexual".into(),
            years: 30,
            categories: vec!["physical-assault".into()],
            harm: vec![],
            riddor: vec![],
            flags: vec!["sexual".into()],
        });
        let mut i = closed(
            &[("category", "physical-assault"), ("summary", "x"), ("occurred", "2012-02-29 10:00")],
            "2014-01-01T10:00:00Z",
        );
        let a = r.applied(&i, LON).unwrap();
        assert_eq!((a.rule.as_str(), a.start, a.ends), ("assault", day("2012-02-29"), day("2027-02-28")));
        i.flags = vec!["sexual".into()];
        assert_eq!(r.applied(&i, LON).unwrap().years, 30, "both match: the longer");
        i.harm = Some(Harm::Death);
        assert_eq!(r.applied(&i, LON).unwrap().years, 30);
        i.status = Status::Investigating;
        i.closed_at = None;
        assert_eq!(r.applied(&i, LON), None, "open: retention has not started");
    }
}
