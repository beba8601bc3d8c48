//! The life of a case: every change to a record, each adding one history
//! entry that says who, when, what, and from what to what. Pure: the actor
//! and "now" are given.

use super::enums::*;
use super::incident::*;
use super::money::Money;
use super::time::Stamp;
use chrono::NaiveDate;
use chrono_tz::Tz;

/// Who acts, when it happened (`at`: now, or the `--on` of work entered
/// after the fact) and when it is written.
#[derive(Debug, Clone)]
pub struct Act<'a> {
    pub by: &'a str,
    pub at: Stamp,
    pub written: Stamp,
}

impl<'a> Act<'a> {
    /// An act happening as it is written.
    pub fn now(by: &'a str, now: Stamp) -> Act<'a> {
        Act { by, at: now, written: now }
    }

    /// A history entry: who did what, when (and when it was written, where
    /// that is later); the rest for the caller.
    pub(crate) fn entry(&self, action: &str) -> Entry {
        Entry {
            at: self.at,
            recorded_at: (self.written > self.at).then_some(self.written),
            by: self.by.to_string(),
            action: action.to_string(),
            ..Default::default()
        }
    }

    /// A history entry with its detail.
    pub(crate) fn entry_with(&self, action: &str, detail: String) -> Entry {
        Entry { detail: Some(detail), ..self.entry(action) }
    }
}

/// A guard's refusal: what is wrong and the command that puts it right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub help: Option<String>,
}

/// A refusal with the command that puts it right.
pub(crate) fn refuse(message: impl Into<String>, help: impl Into<String>) -> Refusal {
    Refusal { message: message.into(), help: Some(help.into()) }
}

/// A time as people read it in a message: `24/11/2026 14:30` in the
/// zone it was given in.
fn shown(t: &Stamp) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

impl Incident {
    /// Whether an act may be dated when it says: not before the case was
    /// reported (nothing is done on a case before it is reported), nor, for
    /// what follows a closing or reopening, before that.
    pub fn accepts(&self, act: &Act<'_>) -> Result<(), Refusal> {
        if act.at < self.reported_at {
            return Err(refuse(
                format!(
                    "this is dated {}, before {} was reported ({}): work on a case comes after its report",
                    shown(&act.at),
                    self.id,
                    shown(&self.reported_at)
                ),
                "give --on a later date, or correct the reported time first with `lsms update ID --reported WHEN`",
            ));
        }
        Ok(())
    }

    /// When the case was last reopened (`None`: never).
    fn last_reopened(&self) -> Option<Stamp> {
        self.history.iter().filter(|e| e.action == "reopened").map(|e| e.at).max()
    }
}

impl Incident {
    /// Marks a record entered in error (a test record, a duplicate typed
    /// twice) as void, with who, when and why; `undo` takes the mark off
    /// again (a record voided by mistake). Nothing is deleted: the record
    /// stays, and the history keeps a `voided` (or `unvoided`) entry with
    /// the reason. Refused: an empty reason, voiding a void record, undoing
    /// a record that is not void, and an undo dated before the voiding.
    pub fn void(&mut self, act: &Act<'_>, reason: &str, undo: bool) -> Result<(), Refusal> {
        let id = self.id.clone();
        let reason = reason.trim_end();
        if reason.trim().is_empty() {
            return Err(refuse("the reason is empty", "say why with --reason TEXT"));
        }
        match (&self.void, undo) {
            (Some(v), false) => Err(refuse(
                format!("{id} is already void (by {} on {}: {})", v.by, shown(&v.at), v.reason),
                format!("nothing to do; to take the mark off, `lsms void {id} --undo --reason TEXT`"),
            )),
            (None, true) => Err(refuse(
                format!("{id} is not void"),
                format!("`lsms void {id} --reason TEXT` marks a record entered in error"),
            )),
            (Some(v), true) if act.at < v.at => Err(refuse(
                format!("the undo is dated {}, before {id} was voided ({})", shown(&act.at), shown(&v.at)),
                "give --on a date after the voiding",
            )),
            (Some(_), true) => {
                self.void = None;
                self.history.push(act.entry_with("unvoided", reason.to_string()));
                Ok(())
            }
            (None, false) => {
                self.void = Some(Void {
                    at: act.at,
                    by: act.by.to_string(),
                    reason: reason.to_string(),
                    extra: Default::default(),
                });
                self.history.push(act.entry_with("voided", reason.to_string()));
                Ok(())
            }
        }
    }
}

fn refuse_closed(inc: &Incident, what: &str) -> Result<(), Refusal> {
    if inc.status == Status::Closed {
        return Err(refuse(
            format!("{} is closed: it cannot be {what}", inc.id),
            format!("reopen it first with `lsms reopen {} --reason TEXT`", inc.id),
        ));
    }
    Ok(())
}

/// One field's new value, as text for the history (`None`: cleared).
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Incident {
    /// Adds a field change to the history (nothing if the value is the same).
    fn record(&mut self, act: &Act<'_>, action: &str, c: FieldChange, detail: Option<String>) -> bool {
        if c.from == c.to {
            return false;
        }
        let mut e = act.entry(action);
        e.field = Some(c.field.to_string());
        e.from = c.from;
        e.to = c.to;
        e.detail = detail;
        self.history.push(e);
        true
    }

    fn set_status(&mut self, act: &Act<'_>, to: Status, action: &str, detail: Option<String>) {
        let from = self.status;
        self.status = to;
        self.record(
            act,
            action,
            FieldChange { field: "status".into(), from: Some(from.to_string()), to: Some(to.to_string()) },
            detail,
        );
    }

    /// Sets the assignee; a reported case becomes assigned. `Ok(false)`:
    /// already assigned to them, nothing changed.
    pub fn assign(&mut self, act: &Act<'_>, to: &str, note: Option<&str>) -> Result<bool, Refusal> {
        refuse_closed(self, "assigned")?;
        let to = to.trim();
        if self.assignee.as_deref() == Some(to) {
            // Nothing to change, but what the person wrote is kept.
            return Ok(self.note_if_given(act, note));
        }
        let from = self.assignee.replace(to.to_string());
        self.record(
            act,
            "assigned",
            FieldChange { field: "assignee".into(), from, to: Some(to.to_string()) },
            note.map(str::to_string),
        );
        if self.status == Status::Reported {
            self.set_status(act, Status::Assigned, "updated", None);
        }
        Ok(true)
    }

    /// Keeps a `--note` given with a change that changed nothing: as a note
    /// in the history. Whether anything was added.
    fn note_if_given(&mut self, act: &Act<'_>, note: Option<&str>) -> bool {
        match note.map(str::trim_end).filter(|n| !n.trim().is_empty()) {
            Some(n) => {
                let mut e = act.entry("note");
                e.detail = Some(n.to_string());
                self.history.push(e);
                true
            }
            None => false,
        }
    }

    /// Records a rewrite into lsms's form: a `formatted` entry holding each
    /// comment the rewrite dropped, so that nothing a person wrote is lost.
    /// Nothing is added when no comment was dropped (the values are as they
    /// were).
    pub fn formatted(&mut self, act: &Act<'_>, dropped_comments: &[&str]) {
        if dropped_comments.is_empty() {
            return;
        }
        let mut e = act.entry("formatted");
        e.detail = Some(format!("comments kept from the hand-edited file:\n{}", dropped_comments.join("\n")));
        self.history.push(e);
    }

    /// Adds a note to the case history. Notes go on after a case is closed
    /// (a court date, a call back): the history of a case never stops.
    pub fn note(&mut self, act: &Act<'_>, text: &str) -> Result<(), Refusal> {
        let text = text.trim_end();
        if text.trim().is_empty() {
            return Err(refuse(
                "the note is empty",
                "give the note's text, or `-` to read it from standard input",
            ));
        }
        let mut e = act.entry("note");
        e.detail = Some(text.to_string());
        self.history.push(e);
        Ok(())
    }

    /// Moves an open case between investigating and awaiting-external.
    pub fn set_workflow_status(&mut self, act: &Act<'_>, to: Status) -> Result<bool, Refusal> {
        refuse_closed(self, "updated")?;
        if !matches!(to, Status::Investigating | Status::AwaitingExternal) {
            return Err(refuse(
                format!("update sets the status to investigating or awaiting-external, not {to}"),
                "`lsms assign` moves a case to assigned, `lsms close` closes it",
            ));
        }
        if self.status == to {
            return Ok(false);
        }
        if self.status == Status::Reported {
            return Err(refuse(
                format!("{} is not assigned yet", self.id),
                format!("assign it first with `lsms assign {} --to NAME`", self.id),
            ));
        }
        self.set_status(act, to, "updated", None);
        Ok(true)
    }

    /// Records a field's change made by `update`. The caller has set it.
    pub fn changed(&mut self, act: &Act<'_>, c: FieldChange) -> bool {
        self.record(act, "updated", c, None)
    }

    /// Records a sanction. Refused: a sanction dated before the incident
    /// occurred (in `tz`) or after `today`, and a review date before the
    /// sanction's date (a review date is ahead, so it may be after today).
    pub fn sanction(&mut self, act: &Act<'_>, s: Sanction, today: NaiveDate, tz: Tz) -> Result<(), Refusal> {
        refuse_closed(self, "given a sanction")?;
        if s.kind.trim().is_empty() {
            return Err(refuse("the sanction's kind is empty", "for example --kind warning-letter"));
        }
        super::text::one_line("the sanction's kind", &s.kind)
            .map_err(|m| refuse(m, "give the kind as one line, for example --kind warning-letter"))?;
        if let (Some(d), Some(r)) = (s.date, s.review_on)
            && r < d
        {
            return Err(refuse(
                format!("the review date {r} is before the sanction's date {d}"),
                "give a --review-on after --date",
            ));
        }
        let occurred = self.occurred_at.with_timezone(&tz).date_naive();
        if let Some(d) = s.date {
            if d < occurred {
                return Err(refuse(
                    format!("the sanction's date {d} is before the incident occurred ({occurred})"),
                    format!("give the day it was applied with --date: from {occurred} to today ({today})"),
                ));
            }
            if d > today {
                return Err(refuse(
                    format!("the sanction's date {d} is in the future (today is {today})"),
                    "record a sanction once it has been applied, with --date the day it was; a date ahead is --review-on",
                ));
            }
        }
        let mut e = act.entry("sanction");
        e.detail = Some(format!("{} {}", s.class, s.kind));
        self.history.push(e);
        self.sanctions.push(s);
        Ok(())
    }

    /// Records the loss and what was recovered. Recovering more than the
    /// estimate must be said (`allow_excess`): costs awarded, say.
    pub fn set_losses(
        &mut self,
        act: &Act<'_>,
        estimated: Option<Money>,
        recovered: Option<Money>,
        note: Option<&str>,
        allow_excess: bool,
    ) -> Result<bool, Refusal> {
        refuse_closed(self, "changed")?;
        let old = self.losses.clone();
        let (old_e, old_r) = old.as_ref().map_or((Money::ZERO, Money::ZERO), |l| (l.estimated, l.recovered));
        let e = estimated.unwrap_or(old_e);
        let r = recovered.unwrap_or(old_r);
        if r > e && !allow_excess {
            return Err(refuse(
                format!("recovered £{r} is more than the estimated loss £{e}"),
                "raise the estimate with --estimated, or say it is so with --allow-excess",
            ));
        }
        let extra = old.map(|l| l.extra).unwrap_or_default();
        self.losses = Some(Losses { estimated: e, recovered: r, extra });
        let note = note.map(str::to_string);
        let a = self.record(
            act,
            "loss",
            FieldChange {
                field: "losses.estimated".into(),
                from: Some(old_e.to_string()),
                to: Some(e.to_string()),
            },
            note.clone(),
        );
        let b = self.record(
            act,
            "loss",
            FieldChange {
                field: "losses.recovered".into(),
                from: Some(old_r.to_string()),
                to: Some(r.to_string()),
            },
            if a { None } else { note.clone() },
        );
        Ok(a || b || self.note_if_given(act, note.as_deref()))
    }

    /// What stops this case from closing, each with the command that sets it.
    pub fn close_blockers(&self) -> Vec<Refusal> {
        let mut out = Vec::new();
        let id = &self.id;
        if self.category == "physical-assault" && self.medical_factors.is_none_or(|m| m == Tri::Unknown) {
            out.push(refuse(
                "a physical assault needs its medical factors known (yes or no)",
                format!("lsms update {id} --medical-factors yes|no"),
            ));
        }
        let undecided = self.riddor.as_ref().is_none_or(|r| r.status == RiddorStatus::Undecided);
        if self.riddor.as_ref().is_some_and(|r| r.status == RiddorStatus::Reportable) {
            out.push(refuse(
                "RIDDOR says reportable, but the report to the HSE is not recorded yet",
                format!(
                    "lsms notify {id} --to hse --on DATE --ref REF (or lsms update {id} --riddor reported --hse-ref REF --riddor-reported-on DATE)"
                ),
            ));
        }
        if self.harm.is_some_and(|h| h > Harm::None) && undecided {
            out.push(refuse(
                format!(
                    "harm is {} and the RIDDOR decision is still undecided",
                    self.harm.unwrap_or(Harm::None)
                ),
                format!("lsms update {id} --riddor not-reportable|reportable|reported"),
            ));
        }
        out
    }

    /// Closes the case with an outcome and a closing note.
    pub fn close(&mut self, act: &Act<'_>, outcome: Outcome, note: &str) -> Result<(), Vec<Refusal>> {
        if self.status == Status::Closed {
            return Err(vec![refuse(
                format!(
                    "{} is already closed ({})",
                    self.id,
                    self.outcome.map_or("no outcome", |o| o.as_str())
                ),
                format!("to change the outcome, `lsms reopen {} --reason TEXT` and close it again", self.id),
            )]);
        }
        let mut blockers = Vec::new();
        if note.trim().is_empty() {
            blockers.push(refuse("the closure note is empty", "say how the case ended with --note TEXT"));
        }
        blockers.extend(self.close_blockers());
        if outcome == Outcome::SanctionApplied && self.sanctions.is_empty() {
            blockers.push(refuse(
                format!("the outcome sanction-applied needs a sanction, and {} has none recorded", self.id),
                format!("lsms sanction {} --class CLASS --kind KIND --date DATE", self.id),
            ));
        }
        if outcome == Outcome::Duplicate && self.duplicate_of().is_none() {
            blockers.push(refuse(
                "a duplicate says which incident it duplicates, and it has no duplicate-of link",
                format!("lsms link {} ORIGINAL --kind duplicate-of", self.id),
            ));
        }
        if !blockers.is_empty() {
            return Err(blockers);
        }
        self.outcome = Some(outcome);
        if let Some(r) = self.last_reopened().filter(|r| act.at < *r) {
            return Err(vec![refuse(
                format!(
                    "the closing is dated {}, before the case was reopened ({})",
                    shown(&act.at),
                    shown(&r)
                ),
                "give --on a date after the reopening",
            )]);
        }
        self.closed_at = Some(act.at);
        self.closure_note = Some(note.trim_end().to_string());
        self.set_status(act, Status::Closed, "closed", Some(outcome.to_string()));
        Ok(())
    }

    /// Reopens a closed case for investigation. The outcome, closing time
    /// and closure note leave the record's fields, and the reopen entry of
    /// the history keeps all three whole (`outcome`, `closed_at`,
    /// `closure_note`), so `show` still tells how the case had ended.
    pub fn reopen(&mut self, act: &Act<'_>, reason: &str) -> Result<(), Refusal> {
        if self.status != Status::Closed {
            return Err(refuse(
                format!("{} is not closed: it is {}", self.id, self.status),
                "only a closed case can be reopened",
            ));
        }
        if reason.trim().is_empty() {
            return Err(refuse("the reason is empty", "say why with --reason TEXT"));
        }
        let outcome = self.outcome.take();
        if let Some(c) = self.closed_at.filter(|c| act.at < *c) {
            return Err(refuse(
                format!(
                    "the reopening is dated {}, before the case was closed ({})",
                    shown(&act.at),
                    shown(&c)
                ),
                "give --on a date after the closing",
            ));
        }
        let closed_at = self.closed_at.take();
        let note = self.closure_note.take();
        self.set_status(act, Status::Investigating, "reopened", Some(reason.trim().to_string()));
        if let Some(e) = self.history.last_mut() {
            let s = |v: String| serde_yaml::Value::String(v);
            for (k, v) in [
                ("outcome", outcome.map(|o| o.to_string())),
                ("closed_at", closed_at.map(|t| super::time::rfc3339(&t))),
                ("closure_note", note),
            ] {
                if let Some(v) = v {
                    e.extra.insert(s(k.into()), s(v));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::draft::Draft;

    fn inc(category: &str) -> Incident {
        Draft::built(&[("category", category), ("summary", "x")], [0; 4])
    }

    fn act() -> Act<'static> {
        Act::now("b", chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00+00:00").unwrap())
    }

    #[test]
    fn assigning_moves_a_reported_case_on_and_says_from_what() {
        let mut i = inc("theft");
        assert!(i.assign(&act(), "asmith", Some("urgent")).unwrap());
        assert_eq!(i.status, Status::Assigned);
        let e = &i.history[1];
        assert_eq!(
            (e.action.as_str(), e.to.as_deref(), e.detail.as_deref()),
            ("assigned", Some("asmith"), Some("urgent"))
        );
        assert_eq!(i.history[2].from.as_deref(), Some("reported"));
        assert!(!i.assign(&act(), "asmith", None).unwrap(), "the same assignee changes nothing");
        assert_eq!(i.history.len(), 3);
    }

    #[test]
    fn close_names_what_is_missing_and_the_command_that_sets_it() {
        let mut i = inc("physical-assault");
        i.harm = Some(Harm::Low);
        let r = i.close(&act(), Outcome::NoFurtherAction, "done").unwrap_err();
        assert_eq!(r.len(), 2);
        assert!(r[0].help.as_deref().unwrap().contains("--medical-factors"));
        assert!(r[1].help.as_deref().unwrap().contains("--riddor"));
        i.medical_factors = Some(Tri::No);
        i.riddor = Some(Riddor {
            status: RiddorStatus::NotReportable,
            basis: None,
            hse_ref: None,
            reported_on: None,
            extra: Default::default(),
        });
        i.close(&act(), Outcome::NoFurtherAction, "done").unwrap();
        assert_eq!(i.status, Status::Closed);
        assert!(i.close(&act(), Outcome::Withdrawn, "again").is_err());
        assert!(i.note(&act(), "court date set").is_ok(), "notes go on after closing");
        assert!(i.assign(&act(), "x", None).is_err());
        i.reopen(&act(), "new evidence").unwrap();
        assert_eq!((i.status, i.outcome), (Status::Investigating, None));
        let e = i.history.last().unwrap();
        assert_eq!(e.extra.get("outcome").and_then(|v| v.as_str()), Some("no-further-action"));
        assert_eq!(e.extra.get("closure_note").and_then(|v| v.as_str()), Some("done"));
        assert!(e.extra.get("closed_at").is_some());
        assert!(i.reopen(&act(), "again").is_err());
    }

    #[test]
    fn a_sanction_dated_before_the_incident_or_after_today_is_refused_and_changes_nothing() {
        let mut i = inc("theft");
        let before = i.clone();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = day("2026-11-26");
        let lon = chrono_tz::Europe::London;
        let s = |date: &str, review: Option<&str>| Sanction {
            class: SanctionClass::Civil,
            kind: "warning-letter".into(),
            date: Some(day(date)),
            review_on: review.map(day),
            note: None,
            extra: Default::default(),
        };
        let e = i.sanction(&act(), s("2020-01-01", None), today, lon).unwrap_err();
        assert!(e.message.contains("before the incident occurred (2026-11-25)"), "{}", e.message);
        let e = i.sanction(&act(), s("2030-01-01", None), today, lon).unwrap_err();
        assert!(e.message.contains("in the future (today is 2026-11-26)"), "{}", e.message);
        assert_eq!(i, before);
        i.sanction(&act(), s("2026-11-25", Some("2027-06-01")), today, lon).unwrap();
        i.sanction(&act(), s("2026-11-26", None), today, lon).unwrap();
        assert_eq!(i.sanctions.len(), 2);
    }

    #[test]
    fn sanction_applied_does_not_close_without_a_sanction() {
        let mut i = inc("theft");
        let r = i.close(&act(), Outcome::SanctionApplied, "done").unwrap_err();
        assert_eq!(r.len(), 1);
        assert!(r[0].help.as_deref().unwrap().starts_with(&format!("lsms sanction {}", i.id)));
        assert_eq!(i.status, Status::Reported);
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let s = Sanction {
            class: SanctionClass::Criminal,
            kind: "caution".into(),
            date: Some(day),
            review_on: None,
            note: None,
            extra: Default::default(),
        };
        i.sanction(&act(), s, day, chrono_tz::Europe::London).unwrap();
        i.close(&act(), Outcome::SanctionApplied, "done").unwrap();
    }

    #[test]
    fn losses_refuse_recovering_more_than_lost_unless_said() {
        let mut i = inc("theft");
        i.set_losses(&act(), Some(Money(1000)), None, None, false).unwrap();
        assert!(i.set_losses(&act(), None, Some(Money(2000)), None, false).is_err());
        assert!(i.set_losses(&act(), None, Some(Money(2000)), None, true).unwrap());
        assert_eq!(i.losses.as_ref().unwrap().recovered, Money(2000));
    }
}
