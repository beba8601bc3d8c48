//! Notifications made to outside bodies (`notified:`), and the rule that
//! the Controlled Drugs Accountable Officer is told of a theft or loss of
//! drugs or prescription forms. Pure: "today" comes from the caller.

use super::enums::*;
use super::incident::*;
use super::workflow::{Act, FieldChange, Refusal};
use chrono::NaiveDate;
use chrono_tz::Tz;

/// Which incidents the CDAO must be told of, and how soon: a theft (one of
/// `categories`) or any incident with a loss recorded, that put one of
/// `assets` at risk, within `within_working_days` working days of being
/// recorded, until a `notified` entry `to: cdao` exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdaoRule {
    pub within_working_days: u32,
    pub categories: Vec<String>,
    pub assets: Vec<Asset>,
}

impl Default for CdaoRule {
    fn default() -> CdaoRule {
        CdaoRule {
            within_working_days: 1,
            categories: vec!["theft".into()],
            assets: vec![Asset::Drugs, Asset::PrescriptionForms],
        }
    }
}

impl CdaoRule {
    /// Does the rule ask for this incident to be notified to the CDAO (told
    /// already or not)?
    pub fn applies(&self, inc: &Incident) -> bool {
        let theft_or_loss =
            self.categories.contains(&inc.category) || inc.losses.as_ref().is_some_and(|l| l.estimated.0 > 0);
        theft_or_loss && inc.assets.iter().any(|a| self.assets.contains(a))
    }

    /// Does the rule still wait on a notification to the CDAO?
    pub fn waits_on(&self, inc: &Incident) -> bool {
        self.applies(inc) && !inc.notified.iter().any(|n| n.to == Authority::Cdao)
    }
}

/// Reads a notification's date: day first (`25/11/2026`), `2026-11-25`,
/// `today` or `yesterday` (in the store's zone).
pub fn parse_notice_date(s: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "today" => Ok(today),
        "yesterday" => today.pred_opt().ok_or_else(|| "there is no yesterday".to_string()),
        _ => super::time::parse_date(s).map_err(|e| format!("{e}, today or yesterday")),
    }
}

/// A notification as `notify` is given it, checked against the incident.
pub struct NewNotice<'a> {
    pub to: Authority,
    pub date: NaiveDate,
    pub reference: Option<&'a str>,
    pub note: Option<&'a str>,
}

impl Incident {
    /// Records that `n.to` was told on `n.date`: a `notified` entry and a
    /// history entry. A closed case takes one too (a late notification is
    /// still a fact worth keeping). Refused: a date after `today` or before
    /// the day the incident occurred (in `tz`), a reference over more than
    /// one line, and the very same notification twice.
    pub fn notify(
        &mut self,
        act: &Act<'_>,
        n: NewNotice<'_>,
        today: NaiveDate,
        tz: Tz,
    ) -> Result<(), Refusal> {
        let refuse = |message: String, help: &str| Refusal { message, help: Some(help.to_string()) };
        if n.date > today {
            return Err(refuse(
                format!("the notification date {} is in the future (today is {today})", n.date),
                "record a notification once it has been made, with the day it was made",
            ));
        }
        let occurred = self.occurred_at.with_timezone(&tz).date_naive();
        if n.date < occurred {
            return Err(refuse(
                format!("the notification date {} is before the incident occurred ({occurred})", n.date),
                "give the day the notification was made: on or after the incident",
            ));
        }
        let reference = n.reference.map(str::trim).filter(|r| !r.is_empty());
        if reference.is_some_and(|r| r.contains(super::text::LINE_BREAKS)) {
            return Err(refuse(
                "--ref should be one line".into(),
                "give the reference they gave, on one line",
            ));
        }
        if n.to == Authority::Hse
            && self.riddor.as_ref().is_some_and(|r| r.status == RiddorStatus::NotReportable)
        {
            return Err(Refusal {
                message: format!(
                    "RIDDOR is recorded as not-reportable for {id}, and a notification to the HSE is recorded as its RIDDOR report",
                    id = self.id
                ),
                help: Some(format!(
                    "if it was reported after all: lsms update {id} --riddor reported --hse-ref REF --riddor-reported-on DATE; \
                     a notification to the HSE that is no RIDDOR report: --to other, saying so in --note",
                    id = self.id
                )),
            });
        }
        let note = n.note.map(str::trim_end).filter(|t| !t.trim().is_empty());
        let same = self
            .notified
            .iter()
            .any(|x| x.to == n.to && x.date == n.date && x.reference.as_deref() == reference);
        if same {
            return Err(refuse(
                format!("{} was already recorded as notified on {}", n.to, n.date),
                "`lsms show ID` lists the notifications made; add a note with `lsms note` instead",
            ));
        }
        self.notified.push(Notice {
            to: n.to,
            date: n.date,
            reference: reference.map(str::to_string),
            note: note.map(str::to_string),
            extra: Default::default(),
        });
        let mut to = format!("{} on {}", n.to, n.date);
        if let Some(r) = reference {
            to.push_str(&format!(", ref {r}"));
        }
        self.history.push(Entry { to: Some(to), detail: note.map(str::to_string), ..act.entry("notified") });
        if n.to == Authority::Hse {
            self.riddor_reported(act, n.date, reference);
        }
        Ok(())
    }

    /// A notification to the HSE is the RIDDOR report: the status becomes
    /// reported, with the HSE's reference and the day, each change an
    /// `updated` entry as `update --riddor` writes it. A report already
    /// recorded stands (a later notice is follow-up); only what it lacks,
    /// the reference or the day, is filled in.
    fn riddor_reported(&mut self, act: &Act<'_>, on: NaiveDate, reference: Option<&str>) {
        let absent = self.riddor.is_none();
        let r = self.riddor.get_or_insert_with(|| Riddor {
            status: RiddorStatus::Undecided,
            basis: None,
            hse_ref: None,
            reported_on: None,
            extra: Default::default(),
        });
        let was = r.clone();
        let first = was.status != RiddorStatus::Reported;
        r.status = RiddorStatus::Reported;
        if let Some(reference) = reference.filter(|_| first || was.hse_ref.is_none()) {
            r.hse_ref = Some(reference.to_string());
        }
        if first || was.reported_on.is_none() {
            r.reported_on = Some(on);
        }
        let now = r.clone();
        // With no `riddor:` before, the status is new, as `update` shows it.
        let from = (!absent).then(|| was.status.to_string());
        for (field, from, to) in [
            ("riddor.status", from, Some(now.status.to_string())),
            ("riddor.hse_ref", was.hse_ref, now.hse_ref),
            (
                "riddor.reported_on",
                was.reported_on.map(|d| d.to_string()),
                now.reported_on.map(|d| d.to_string()),
            ),
        ] {
            self.changed(act, FieldChange { field: field.into(), from, to });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::draft::Draft;
    use crate::model::money::Money;

    const LON: Tz = chrono_tz::Europe::London;

    fn inc(category: &str, assets: &[&str]) -> Incident {
        let mut pairs = vec![("category", category), ("summary", "x"), ("occurred", "2026-11-24 23:30")];
        pairs.extend(assets.iter().map(|a| ("asset", *a)));
        Draft::built(&pairs, [0; 4])
    }

    fn act() -> Act<'static> {
        Act::now("a", chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z").unwrap())
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn notice(to: Authority, date: &str) -> NewNotice<'static> {
        NewNotice { to, date: day(date), reference: None, note: None }
    }

    #[test]
    fn the_rule_asks_for_thefts_and_losses_of_drugs_or_prescription_forms() {
        let r = CdaoRule::default();
        assert!(r.applies(&inc("theft", &["drugs"])));
        assert!(r.applies(&inc("theft", &["property", "prescription-forms"])));
        assert!(!r.applies(&inc("theft", &["property"])));
        assert!(!r.applies(&inc("criminal-damage", &["drugs"])), "no theft, no loss");
        let mut lost = inc("security-concern", &["drugs"]);
        lost.losses =
            Some(Losses { estimated: Money(1000), recovered: Money::ZERO, extra: Default::default() });
        assert!(r.applies(&lost), "a loss of drugs");
        let own = CdaoRule { categories: vec!["criminal-damage".into()], ..CdaoRule::default() };
        assert!(own.applies(&inc("criminal-damage", &["drugs"])));
        assert!(!own.applies(&inc("theft", &["drugs"])));
    }

    #[test]
    fn a_notice_to_the_cdao_ends_the_wait_and_one_to_another_body_does_not() {
        let r = CdaoRule::default();
        let mut i = inc("theft", &["drugs"]);
        assert!(r.waits_on(&i));
        i.notify(&act(), notice(Authority::Police, "2026-11-25"), day("2026-11-25"), LON).unwrap();
        assert!(r.waits_on(&i));
        i.notify(&act(), notice(Authority::Cdao, "2026-11-25"), day("2026-11-25"), LON).unwrap();
        assert!(!r.waits_on(&i));
        let e = i.history.last().unwrap();
        assert_eq!((e.action.as_str(), e.to.as_deref()), ("notified", Some("cdao on 2026-11-25")));
    }

    #[test]
    fn a_date_in_the_future_before_the_incident_or_twice_the_same_is_refused() {
        let mut i = inc("theft", &["drugs"]);
        let before = i.clone();
        let today = day("2026-11-25");
        let e = i.notify(&act(), notice(Authority::Cdao, "2026-11-26"), today, LON).unwrap_err();
        assert!(e.message.contains("is in the future"), "{}", e.message);
        let e = i.notify(&act(), notice(Authority::Cdao, "2026-11-23"), today, LON).unwrap_err();
        assert!(e.message.contains("before the incident occurred (2026-11-24)"), "{}", e.message);
        assert_eq!(i, before);
        // The day it occurred, in the store's zone, is allowed.
        i.notify(&act(), notice(Authority::Cdao, "2026-11-24"), today, LON).unwrap();
        let e = i.notify(&act(), notice(Authority::Cdao, "2026-11-24"), today, LON).unwrap_err();
        assert!(e.message.contains("already recorded"), "{}", e.message);
    }

    #[test]
    fn a_notice_to_the_hse_is_the_riddor_report_and_refused_where_not_reportable() {
        let mut i = inc("physical-assault", &[]);
        let today = day("2026-11-25");
        let hse =
            |date: &str, r: Option<&'static str>| NewNotice { reference: r, ..notice(Authority::Hse, date) };
        i.notify(&act(), hse("2026-11-24", Some("H1")), today, LON).unwrap();
        let r = i.riddor.clone().unwrap();
        assert_eq!(
            (r.status, r.hse_ref.as_deref(), r.reported_on),
            (RiddorStatus::Reported, Some("H1"), Some(day("2026-11-24")))
        );
        let fields: Vec<&str> = i.history.iter().filter_map(|e| e.field.as_deref()).collect();
        assert_eq!(fields, ["riddor.status", "riddor.hse_ref", "riddor.reported_on"]);
        // A later notice is follow-up: the report stands.
        i.notify(&act(), hse("2026-11-25", Some("H2")), today, LON).unwrap();
        assert_eq!(i.riddor.as_ref().unwrap(), &r);
        assert_eq!(i.history.iter().filter(|e| e.field.is_some()).count(), 3);

        let mut no = inc("physical-assault", &[]);
        no.riddor = Some(Riddor { status: RiddorStatus::NotReportable, ..r });
        let before = no.clone();
        let e = no.notify(&act(), hse("2026-11-25", None), today, LON).unwrap_err();
        assert!(e.help.unwrap().contains("--riddor reported"));
        assert_eq!(no, before);
    }

    #[test]
    fn notice_dates_are_read_day_first_or_as_today_and_yesterday() {
        let today = day("2026-11-25");
        assert_eq!(parse_notice_date("25/11/2026", today), Ok(today));
        assert_eq!(parse_notice_date("2026-11-25", today), Ok(today));
        assert_eq!(parse_notice_date("Today", today), Ok(today));
        assert_eq!(parse_notice_date("yesterday", today), Ok(day("2026-11-24")));
        assert!(parse_notice_date("11/25/2026", today).unwrap_err().contains("day first"));
    }
}
