//! Deadlines: what is due, and what is overdue, for each incident.

use super::calendar::add_working_days;
use crate::model::notify::CdaoRule;
use crate::model::retention::Retention;
use crate::model::team::Leavers;
use crate::model::*;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    pub due: DateTime<Utc>,
    pub kind: &'static str,
    pub detail: String,
}

/// A local date and time as an instant, taking the later side of a gap and
/// the earlier of a fold: a deadline is never made earlier by a clock change.
fn local(d: chrono::NaiveDate, t: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let naive = d.and_time(t);
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(x) | chrono::LocalResult::Ambiguous(x, _) => x.with_timezone(&Utc),
        chrono::LocalResult::None => tz
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .map_or(naive.and_utc(), |x| x.with_timezone(&Utc)),
    }
}

/// Every kind of deadline, in the order a board reads them, each with
/// what it is in plain English.
pub const KINDS: [(&str, &str); 10] = [
    ("triage", "Reported by email, not yet triaged (one working day)"),
    ("assign", "Not yet assigned (one working day)"),
    ("assignee-left", "Assignee has left the team"),
    ("cdao", "Controlled Drugs Accountable Officer not yet told"),
    ("riddor-decision", "RIDDOR decision (10 days)"),
    ("riddor", "RIDDOR report to the HSE"),
    ("stale", "Awaiting others, no news for 7 days"),
    ("review", "Sanction review"),
    ("retention", "Retention review"),
    ("reporter-told", "Reporter not yet told the outcome"),
];

/// What a store's settings say of its deadlines.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// Telling the Controlled Drugs Accountable Officer (`None`: off).
    pub cdao: Option<&'a CdaoRule>,
    pub retention: &'a Retention,
    pub leavers: &'a Leavers,
    /// The working days to tell a reporter the outcome, where lsms.yaml
    /// gives a way to send email (`None`: no such deadline).
    pub tell_within: Option<u32>,
}

/// Every deadline of one incident, of every kind: what `due` lists, the
/// board counts and `list`'s overdue column marks.
pub fn all_deadlines(inc: &Incident, tz: Tz, rules: &Rules<'_>) -> Vec<Deadline> {
    let mut out = deadlines(inc, tz, rules.cdao, rules.retention);
    out.extend(assignee_left(inc, tz, rules.leavers));
    out.extend(email_deadlines(inc, tz, rules.tell_within));
    out
}

/// Every deadline of one incident, soonest first; `cdao` is the store's
/// rule for telling the Controlled Drugs Accountable Officer (`None`: off),
/// `retention` its retention periods (the review falls due the day the
/// record may be disposed of). Each has one of the [`KINDS`].
pub fn deadlines(inc: &Incident, tz: Tz, cdao: Option<&CdaoRule>, retention: &Retention) -> Vec<Deadline> {
    let mut out = Vec::new();
    let open = inc.status != Status::Closed;
    if open && inc.assignee.is_none() {
        let rec = inc.reported_at.with_timezone(&tz);
        let day = add_working_days(rec.date_naive(), 1);
        out.push(Deadline {
            due: local(day, rec.time(), tz),
            kind: "assign",
            detail: "assign an LSMS (one working day after the report)".into(),
        });
    }
    // Like RIDDOR's, this stands until the notification is made, closed
    // case or not: the CDAO must know of every controlled drug lost.
    if let Some(rule) = cdao.filter(|r| r.waits_on(inc)) {
        let rec = inc.reported_at.with_timezone(&tz);
        let n = rule.within_working_days;
        let day = add_working_days(rec.date_naive(), n);
        // The incident's assets that the rule names (which may be more
        // than drugs and prescription forms), in plain words.
        let words: Vec<String> = inc
            .assets
            .iter()
            .filter(|a| rule.assets.contains(a))
            .map(|a| a.as_str().replace('-', " "))
            .collect();
        let what = match words.split_last() {
            None => "the assets".to_string(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        };
        let days = if n == 1 { "one working day".to_string() } else { format!("{n} working days") };
        out.push(Deadline {
            due: local(day, rec.time(), tz),
            kind: "cdao",
            detail: format!(
                "tell the Controlled Drugs Accountable Officer of the {what} stolen or lost ({days} after the report): lsms notify {} --to cdao --on DATE",
                inc.id
            ),
        });
    }
    let serious = inc.harm.is_some_and(|h| h >= Harm::Severe);
    let days = if serious { 10 } else { 15 };
    let riddor = inc.riddor.as_ref().map(|r| r.status);
    // RIDDOR deadlines stand until the report is made, closed case or not.
    if riddor == Some(RiddorStatus::Reportable) {
        out.push(Deadline {
            due: inc.occurred_at.to_utc() + Duration::days(days),
            kind: "riddor",
            detail: format!(
                "report to the HSE under RIDDOR ({days} days from the incident), then record it: lsms notify {} --to hse --on DATE --ref REF",
                inc.id
            ),
        });
    }
    let staff_hurt = inc.people.iter().any(|p| p.role == Role::Victim && p.party == Party::Staff);
    if staff_hurt
        && inc.harm.is_some_and(|h| h > Harm::None)
        && riddor.is_none_or(|r| r == RiddorStatus::Undecided)
    {
        out.push(Deadline {
            due: inc.occurred_at.to_utc() + Duration::days(10),
            kind: "riddor-decision",
            detail:
                "decide whether RIDDOR applies to the staff injury (the earliest HSE deadline is 10 days)"
                    .into(),
        });
    }
    if inc.status == Status::AwaitingExternal {
        let last = inc.history.iter().map(|e| e.at).max().unwrap_or(inc.recorded_at);
        out.push(Deadline {
            due: last.to_utc() + Duration::days(7),
            kind: "stale",
            detail: "awaiting an external party with no entry in the history for 7 days".into(),
        });
    }
    for s in &inc.sanctions {
        if let Some(r) = s.review_on {
            out.push(Deadline {
                due: local(r, NaiveTime::MIN, tz),
                kind: "review",
                detail: format!("review the {} {}", s.class, s.kind),
            });
        }
    }
    if let Some(a) = retention.applied(inc, tz) {
        let detail = match &inc.hold {
            Some(h) => format!(
                "retention review ({}); on hold since {}: not to be disposed of until `lsms release {}`",
                a.shown(),
                h.at.with_timezone(&tz).date_naive(),
                inc.id
            ),
            None => format!(
                "retention review ({}): `lsms dispose --due` lists what may be disposed of",
                a.shown()
            ),
        };
        out.push(Deadline { due: local(a.ends, NaiveTime::MIN, tz), kind: "retention", detail });
    }
    out.sort_by_key(|d| d.due);
    out
}

/// An open case still assigned to someone who has left the team (or is
/// marked to leave it): due, for giving to someone else, the day they
/// left. Kind `assignee-left`; kept apart from [`deadlines`], which needs
/// nothing of the store's team.
pub fn assignee_left(inc: &Incident, tz: Tz, leavers: &Leavers) -> Option<Deadline> {
    if inc.status == Status::Closed {
        return None;
    }
    let name = inc.assignee.as_deref()?;
    let day = leavers.left_on(name)?;
    Some(Deadline {
        due: local(day, NaiveTime::MIN, tz),
        kind: "assignee-left",
        detail: format!(
            "the assignee {name} has `left: {day}` under `team:` in lsms.yaml: give the case to someone on the team with lsms assign {} --to NAME",
            inc.id
        ),
    })
}

/// The deadlines of a case taken in by email (kinds `triage` and `reporter-told`): its
/// triage, one working day after the report, until an LSMS has set its
/// category and summary (`model::intake::awaits_triage`); and, once it is
/// closed, telling the reporter the outcome within `tell_within` working
/// days (where the store can send email), where they gave an address,
/// until a `reporter-told` entry.
fn email_deadlines(inc: &Incident, tz: Tz, tell_within: Option<u32>) -> Vec<Deadline> {
    use crate::model::intake::reporter_untold;
    let mut out: Vec<Deadline> = triage(inc, tz).into_iter().collect();
    if let (true, Some(closed), Some(tell_within)) = (reporter_untold(inc), inc.closed_at, tell_within) {
        let c = closed.with_timezone(&tz);
        out.push(Deadline {
            due: local(add_working_days(c.date_naive(), tell_within), c.time(), tz),
            kind: "reporter-told",
            detail: format!(
                "tell the reporter the outcome ({tell_within} working days after the closing): lsms close {} --tell-reporter",
                inc.id
            ),
        });
    }
    out
}

/// A report by email still to triage: due one working day after it was
/// sent (kind `triage`).
pub fn triage(inc: &Incident, tz: Tz) -> Option<Deadline> {
    if !crate::model::intake::awaits_triage(inc) {
        return None;
    }
    let rep = inc.reported_at.with_timezone(&tz);
    Some(Deadline {
        due: local(add_working_days(rep.date_naive(), 1), rep.time(), tz),
        kind: "triage",
        detail: format!(
            "triage the report by email: set its category and summary (lsms update {} --category C --summary TEXT)",
            inc.id
        ),
    })
}

/// Is any deadline of this incident past?
pub fn is_overdue(inc: &Incident, tz: Tz, rules: &Rules<'_>, now: DateTime<Utc>) -> bool {
    all_deadlines(inc, tz, rules).iter().any(|d| d.due < now)
}

/// Was it reported more than 24 hours after it occurred?
pub fn is_late(inc: &Incident) -> bool {
    inc.reported_at - inc.occurred_at > Duration::hours(24)
}

/// Parses `30d`, `2w`, `12h` (a bare number is days), up to 100 years.
pub fn parse_within(s: &str) -> Result<Duration, String> {
    let t = s.trim().to_ascii_lowercase();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let bad = || format!("'{s}' is not a duration: write it like 7d, 2w or 12h");
    let n: i64 = num.parse().map_err(|_| bad())?;
    let hours = match unit {
        "" | "d" | "day" | "days" => n.checked_mul(24),
        "w" | "week" | "weeks" => n.checked_mul(24 * 7),
        "h" | "hour" | "hours" => Some(n),
        _ => return Err(bad()),
    };
    const MAX_HOURS: i64 = 100 * 366 * 24;
    match hours {
        Some(h) if h <= MAX_HOURS => Ok(Duration::hours(h)),
        _ => Err(format!("'{s}' is too far ahead: look at most 100 years ahead (5200w)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::draft::{Draft, NewRecord};
    const LON: Tz = chrono_tz::Europe::London;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn new(now: &str, d: Draft) -> Incident {
        let vocab = Vocab::standard();
        d.build(&NewRecord {
            vocab: &vocab,
            tz: LON,
            now: at(now),
            actor: "a",
            random: [0; 4],
            uuid: uuid::Uuid::nil(),
        })
        .unwrap()
    }

    #[test]
    fn an_unassigned_case_is_due_one_working_day_later_over_a_bank_holiday() {
        let d = Draft::of(&[("category", "theft"), ("summary", "x")]);
        let i = new("2026-04-02T15:00:00+01:00", d);
        let due = &deadlines(&i, LON, None, &Retention::default())[0];
        assert_eq!(due.kind, "assign");
        assert_eq!(due.due, at("2026-04-07T15:00:00+01:00"), "Good Friday and Easter Monday skipped");
        let (retention, leavers) = (Retention::default(), Default::default());
        let rules = Rules { cdao: None, retention: &retention, leavers: &leavers, tell_within: None };
        assert!(!is_overdue(&i, LON, &rules, at("2026-04-07T14:00:00+01:00")));
        assert!(is_overdue(&i, LON, &rules, at("2026-04-07T16:00:00+01:00")));
    }

    #[test]
    fn riddor_deadlines_are_ten_or_fifteen_days() {
        let d = Draft::of(&[
            ("category", "physical-assault"),
            ("summary", "x"),
            ("occurred", "2026-11-01 10:00"),
            ("harm", "moderate"),
            ("person", "victim:staff"),
        ]);
        let mut i = new("2026-11-02T10:00:00Z", d);
        i.assignee = Some("a".into());
        let ds = deadlines(&i, LON, None, &Retention::default());
        assert_eq!((ds[0].kind, ds[0].due), ("riddor-decision", at("2026-11-11T10:00:00Z")));
        i.riddor = Some(Riddor {
            status: RiddorStatus::Reportable,
            basis: None,
            hse_ref: None,
            reported_on: None,
            extra: Default::default(),
        });
        assert_eq!(deadlines(&i, LON, None, &Retention::default())[0].due, at("2026-11-16T10:00:00Z"));
        i.harm = Some(Harm::Severe);
        assert_eq!(deadlines(&i, LON, None, &Retention::default())[0].due, at("2026-11-11T10:00:00Z"));
    }

    #[test]
    fn the_cdao_is_due_one_working_day_after_a_drugs_theft_is_recorded_until_told() {
        let d = Draft::of(&[("category", "theft"), ("summary", "x"), ("asset", "drugs")]);
        // Recorded on a Friday: due on the Monday, at the same time.
        let mut i = new("2026-11-27T16:00:00Z", d);
        i.assignee = Some("a".into());
        let rule = CdaoRule::default();
        let ds = deadlines(&i, LON, Some(&rule), &Retention::default());
        assert_eq!((ds[0].kind, ds[0].due), ("cdao", at("2026-11-30T16:00:00Z")));
        assert!(ds[0].detail.contains("of the drugs stolen or lost (one working day after the report)"));
        assert!(ds[0].detail.contains(&format!("lsms notify {} --to cdao", i.id)));
        assert!(deadlines(&i, LON, None, &Retention::default()).is_empty(), "the rule turned off");
        let two = CdaoRule { within_working_days: 2, ..CdaoRule::default() };
        assert_eq!(deadlines(&i, LON, Some(&two), &Retention::default())[0].due, at("2026-12-01T16:00:00Z"));
        i.notified.push(Notice {
            to: Authority::Cdao,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            reference: None,
            note: None,
            extra: Default::default(),
        });
        assert!(deadlines(&i, LON, Some(&rule), &Retention::default()).is_empty(), "told: nothing is due");
    }

    #[test]
    fn the_cdao_deadline_names_the_assets_the_rule_names() {
        let d = Draft::of(&[
            ("category", "theft"),
            ("summary", "x"),
            ("asset", "drugs"),
            ("asset", "hazardous-materials"),
        ]);
        let i = new("2026-11-27T16:00:00Z", d);
        let rule = CdaoRule { assets: vec![Asset::Drugs, Asset::HazardousMaterials], ..CdaoRule::default() };
        let ds = deadlines(&i, LON, Some(&rule), &Retention::default());
        let cdao = ds.iter().find(|d| d.kind == "cdao").unwrap();
        assert!(
            cdao.detail.contains("of the drugs and hazardous materials stolen or lost"),
            "{}",
            cdao.detail
        );
    }

    #[test]
    fn an_open_case_assigned_to_a_leaver_is_due_for_reassigning_from_the_day_they_left() {
        let d = Draft::of(&[("category", "theft"), ("summary", "x")]);
        let mut i = new("2026-11-02T10:00:00Z", d);
        let day = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let left = Leavers(vec![("asmith".into(), day("2026-11-20"))]);
        assert_eq!(assignee_left(&i, LON, &left), None, "unassigned");
        i.assignee = Some("ASmith".into());
        let d = assignee_left(&i, LON, &left).unwrap();
        assert_eq!((d.kind, d.due), ("assignee-left", at("2026-11-20T00:00:00Z")));
        assert!(d.detail.contains(&format!("lsms assign {} --to NAME", i.id)), "{}", d.detail);
        i.assignee = Some("jfowlis".into());
        assert_eq!(assignee_left(&i, LON, &left), None, "still on the team");
        i.assignee = Some("asmith".into());
        i.status = Status::Closed;
        assert_eq!(assignee_left(&i, LON, &left), None, "a closed case needs no one");
    }

    #[test]
    fn reads_durations() {
        assert_eq!(parse_within("7d").unwrap(), Duration::days(7));
        assert_eq!(parse_within("2w").unwrap(), Duration::days(14));
        assert_eq!(parse_within("30").unwrap(), Duration::days(30));
        assert!(parse_within("soon").is_err());
        for huge in ["99999999999d", "9223372036854775807h", "99999999999999999999w", "36600w"] {
            assert!(parse_within(huge).is_err(), "{huge}");
        }
    }
}
