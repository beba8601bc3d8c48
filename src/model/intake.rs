//! Reports by email, the pure part: a subject made a summary, the
//! category a message's words suggest, an incident's reference found in a
//! subject, a time the sender wrote found (only where it is plain), an
//! attachment's name made a bare name, the templates of the messages sent
//! back, and the outcome in words fit for the person who reported. No I/O:
//! the mailbox, the message parser and the sending are `cmd::intake`.

use super::enums::Outcome;
use super::id::Id;
use super::incident::Incident;
use super::time::Stamp;
use chrono::{Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;

/// The history entry recording that the reporter was told the outcome
/// (`close --tell-reporter`): declared once, read by `due`.
pub const REPORTER_TOLD: &str = "reporter-told";
/// The history entry recording that a new report was acknowledged.
pub const ACKNOWLEDGED: &str = "acknowledged";
/// The history entry of a reply by email, made a note.
pub const EMAIL_REPLY: &str = "note";
/// The flag of a case taken in by email that an LSMS has not triaged yet.
pub const TRIAGE: &str = "triage";
/// The flag of a case whose time of occurrence is not known (the record
/// keeps the reported time in `occurred_at`).
pub const OCCURRED_UNKNOWN: &str = "occurred-unknown";
/// The reference system a message's Message-ID is kept under (`refs:`).
pub const REF_SYSTEM: &str = "email";
/// The category of a message no rule matches.
pub const DEFAULT_CATEGORY: &str = "security-concern";
/// The longest summary made from a subject, in characters.
pub const SUMMARY_MAX: usize = 150;

/// A subject as a summary: `Re:`, `Fwd:` and their kin taken off the
/// front (any number, any case), runs of white space made one space, cut
/// at [`SUMMARY_MAX`] characters (with `…`). Empty where nothing is left.
pub fn clean_subject(s: &str) -> String {
    let mut t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let lower = t.to_lowercase();
        let cut = ["re:", "fwd:", "fw:", "aw:", "wg:", "sv:", "vs:", "re :", "fwd :", "fw :"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        // Also `Re[2]:` as some clients write it.
        let cut = cut.or_else(|| {
            let rest = lower.strip_prefix("re[")?;
            let close = rest.find("]:")?;
            rest[..close].bytes().all(|b| b.is_ascii_digit()).then_some(3 + close + 2)
        });
        match cut {
            Some(n) => t = t[n..].trim_start().to_string(),
            None => break,
        }
    }
    if t.chars().count() > SUMMARY_MAX {
        let mut cut: String = t.chars().take(SUMMARY_MAX - 1).collect();
        cut = cut.trim_end().to_string();
        cut.push('…');
        t = cut;
    }
    t
}

/// One keyword rule of `intake: { rules: [...] }`: a message holding any
/// of `words` (whole words, any case) is put in `category`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub category: String,
    pub words: Vec<String>,
}

/// The category of the first rule any of whose words is in `text` (as
/// whole words, any case: `hit` is not in `white`), else
/// [`DEFAULT_CATEGORY`].
pub fn category_for<'a>(rules: &'a [Rule], text: &str) -> &'a str {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    rules
        .iter()
        .find(|r| {
            r.words.iter().any(|w| {
                let w = w.to_lowercase();
                let parts: Vec<&str> = w.split_whitespace().collect();
                match parts.len() {
                    0 => false,
                    1 => words.contains(&parts[0]),
                    n => words.windows(n).any(|win| win == parts.as_slice()),
                }
            })
        })
        .map_or(DEFAULT_CATEGORY, |r| r.category.as_str())
}

/// Every incident id written in `s` (`[Ref 20261124-7QF3]`), any case, in
/// order.
pub fn ids_in(s: &str) -> Vec<Id> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 13 <= b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let after = b.get(i + 13).is_none_or(|c| !c.is_ascii_alphanumeric());
        let id = (boundary && after && b[i..i + 8].iter().all(u8::is_ascii_digit) && b[i + 8] == b'-')
            .then(|| s.get(i..i + 13).and_then(|c| Id::parse(c).ok()))
            .flatten();
        if let Some(id) = id {
            if !out.contains(&id) {
                out.push(id);
            }
            i += 13;
            continue;
        }
        i += 1;
    }
    out
}

/// The lines of a message's text that are the sender's own: up to a
/// quoted earlier message (`> `, `On … wrote:`, `-----Original Message-----`,
/// Outlook's `From: … Sent:` block).
pub fn own_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .take_while(|l| {
            let t = l.trim();
            let lower = t.to_lowercase();
            !(t.starts_with("-----Original Message")
                || t.starts_with("---------- Forwarded message")
                || lower.starts_with("begin forwarded message")
                || (lower.starts_with("on ") && lower.ends_with("wrote:"))
                || lower.starts_with("from:") && lower.len() > 5 && t.contains('@'))
        })
        .filter(|l| !l.trim_start().starts_with('>'))
}

fn date_word(w: &str) -> Option<NaiveDate> {
    if let Some((y, rest)) = w.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        if y.len() == 4 {
            return NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        }
        return None;
    }
    let mut parts = w.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || d.is_empty() || m.is_empty() || d.len() > 2 || m.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn time_word(w: &str) -> Option<NaiveTime> {
    let lower = w.to_lowercase();
    let (digits, pm) = if let Some(x) = lower.strip_suffix("pm") {
        (x, Some(true))
    } else if let Some(x) = lower.strip_suffix("am") {
        (x, Some(false))
    } else {
        (lower.as_str(), None)
    };
    let (h, m) = digits.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (mut h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match pm {
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    NaiveTime::from_hms_opt(h, m, 0)
}

/// When the sender says it happened, where the text says so plainly: one
/// date with a time (`24/11/2026 14:30`, `24/11/2026 at 2:30pm`, `14:30 on
/// 24/11/2026`, `2026-11-24 14:30`), day first as people in England write
/// it, in the sender's own lines, the same wherever it is written, not
/// after `reported` nor more than a year before it, and one that the
/// zone `tz` has once. Two different times, a date alone, or none: `None`
/// (not known).
pub fn occurred_in(text: &str, tz: Tz, reported: Stamp) -> Option<Stamp> {
    let mut found: Vec<(NaiveDate, NaiveTime)> = Vec::new();
    for line in own_lines(text) {
        let words: Vec<&str> = line
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | '(' | ')' | '"' | '\'')))
            .collect();
        for (i, w) in words.iter().enumerate() {
            let Some(day) = date_word(w) else { continue };
            let next = |k: usize| words.get(i + k).and_then(|w| time_word(w));
            let time = next(1)
                .or_else(|| words.get(i + 1).filter(|w| w.eq_ignore_ascii_case("at")).and(next(2)))
                .or_else(|| {
                    let on = i.checked_sub(1).and_then(|j| words.get(j))?;
                    if !on.eq_ignore_ascii_case("on") {
                        return None;
                    }
                    time_word(words.get(i.checked_sub(2)?)?)
                });
            match time {
                Some(t) if !found.contains(&(day, t)) => found.push((day, t)),
                Some(_) => {}
                None => return None,
            }
        }
    }
    let [(day, time)] = found.as_slice() else { return None };
    let at = super::time::resolve_local(day.and_time(*time), tz, "").ok()?;
    (at <= reported && reported - at <= Duration::days(366)).then_some(at)
}

/// An attachment's name as the case records it: the last part of any
/// path it gives (`../../lsms.yaml` is `lsms.yaml`), without control
/// characters, at most 200 characters; `attachment-N` where nothing is
/// left.
pub fn attachment_name(given: Option<&str>, n: usize) -> String {
    let base = given.unwrap_or_default().rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String =
        base.chars().filter(|c| !c.is_control() && !super::text::LINE_BREAKS.contains(c)).collect();
    let clean = clean.trim().trim_start_matches('.').trim().to_string();
    let clean: String = clean.chars().take(200).collect();
    if clean.is_empty() || super::incident::check_file_name(&clean).is_err() {
        format!("attachment-{n}")
    } else {
        clean
    }
}

/// The summary as the report gave it (for a report by email, its
/// subject): the value the first change of the summary replaced, else
/// the summary. An LSMS's own summary, written at triage, may name
/// someone the reporter did not, and never goes back to them.
pub fn summary_as_reported(inc: &Incident) -> &str {
    inc.history
        .iter()
        .find(|e| e.field.as_deref() == Some("summary"))
        .and_then(|e| e.from.as_deref())
        .unwrap_or(&inc.summary)
}

/// The names a template may use, each with what it stands for.
pub const PLACES: [(&str, &str); 6] = [
    ("reference", "the incident's reference (its id)"),
    ("summary", "the summary, as the reporter wrote it in their subject"),
    ("trust", "the trust's name (trust: in lsms.yaml)"),
    ("contact", "whom to contact (intake: { contact: ... })"),
    ("reported", "when the report was received, 24/11/2026 14:30"),
    ("outcome", "the outcome in plain words (outcome messages only)"),
];

/// Checks a template's `{name}`s are among [`PLACES`] (`{{` and `}}` are
/// braces).
pub fn check_template(t: &str) -> Result<(), String> {
    fill(t, &|_| Some(String::new())).map(|_| ())
}

/// A template filled: each `{name}` by `value(name)`; `{{`, `}}` are
/// braces. An unknown name or an unclosed brace is named.
pub fn fill(t: &str, value: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err("a `}` without its `{` (write `}}` for a brace)".into());
        }
        let Some(end) = tail.find('}') else {
            return Err("a `{` without its `}` (write `{{` for a brace)".into());
        };
        let name = tail[1..end].trim();
        if !PLACES.iter().any(|(n, _)| *n == name) {
            let names: Vec<&str> = PLACES.iter().map(|(n, _)| *n).collect();
            return Err(format!("unknown place `{{{name}}}`: a template may use {}", names.join(", ")));
        }
        out.push_str(&value(name).unwrap_or_default());
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A case's outcome in words for the person who reported it: what
/// happened to their report, never who was sanctioned or how.
pub fn outcome_words(o: Outcome) -> &'static str {
    match o {
        Outcome::SanctionApplied => "action has been taken",
        Outcome::NoFurtherAction => "it was looked into, and no further action is being taken",
        Outcome::Unsubstantiated => "it was looked into, but what happened could not be established",
        Outcome::Referred => "it has been passed to another organisation to deal with",
        Outcome::Duplicate => "it was dealt with together with another report of the same matter",
        Outcome::Withdrawn => "the report was withdrawn",
    }
}

/// The acknowledgement's subject and text when lsms.yaml gives none.
pub const ACK_SUBJECT: &str = "Your report has been received: reference {reference}";
pub const ACK_BODY: &str = "Thank you for your report, received {reported}.\n\nYour reference is {reference}. Please quote it in any message about this matter; a reply to this email is added to the case.\n\nA Local Security Management Specialist will look at your report within one working day, and will contact you if they need to know more. When the case is closed you will be told the outcome.\n\nIf you are in danger now, call 999.\n\nContact: {contact}\n{trust}\n";
/// The outcome message's subject and text when lsms.yaml gives none.
pub const OUTCOME_SUBJECT: &str = "Your report {reference}: the outcome";
pub const OUTCOME_BODY: &str = "Your report {reference} (\"{summary}\") has been closed: {outcome}.\n\nThank you for raising it. If you have any questions, or something more happens, contact us quoting {reference}.\n\nContact: {contact}\n{trust}\n";

/// Is a closed case's reporter still to be told its outcome? (They gave
/// an address, and no `reporter-told` entry follows the closing.)
pub fn reporter_untold(inc: &Incident) -> bool {
    let Some(closed) = inc.closed_at else { return false };
    inc.reporter.as_ref().is_some_and(|r| r.email.is_some())
        && !inc.history.iter().any(|e| e.action == REPORTER_TOLD && e.at >= closed)
}

/// Is a case taken in by email still waiting on triage? (Flagged
/// `triage`, open, and an LSMS has not yet set both its category and its
/// summary.)
pub fn awaits_triage(inc: &Incident) -> bool {
    inc.status != super::enums::Status::Closed
        && inc.flags.iter().any(|f| f == TRIAGE)
        && !(["category", "summary"]
            .iter()
            .all(|k| inc.history.iter().any(|e| e.field.as_deref() == Some(*k))))
}

#[cfg(test)]
mod tests {
    use super::*;
    const LON: Tz = chrono_tz::Europe::London;

    fn at(s: &str) -> Stamp {
        chrono::DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn the_reporter_hears_their_own_summary_never_the_lsmss() {
        use crate::model::incident::Entry;
        let mut inc = Incident { summary: "Assault at A&E".into(), ..Default::default() };
        assert_eq!(summary_as_reported(&inc), "Assault at A&E");
        for (from, to) in
            [("Assault at A&E", "Assault by J. Smith (bed 4)"), ("Assault by J. Smith (bed 4)", "x")]
        {
            inc.history.push(Entry {
                action: "updated".into(),
                field: Some("summary".into()),
                from: Some(from.into()),
                to: Some(to.into()),
                ..Default::default()
            });
        }
        inc.summary = "x".into();
        assert_eq!(summary_as_reported(&inc), "Assault at A&E");
    }

    #[test]
    fn a_subject_loses_its_reply_and_forward_marks_and_is_cut() {
        assert_eq!(clean_subject("Re: RE: Fwd:  Assault at\r\n  reception"), "Assault at reception");
        assert_eq!(clean_subject("FW: Re[2]: Theft"), "Theft");
        assert_eq!(clean_subject("Reception door broken"), "Reception door broken");
        assert_eq!(clean_subject("Re:"), "");
        let long = "x".repeat(400);
        let s = clean_subject(&long);
        assert_eq!(s.chars().count(), SUMMARY_MAX);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn rules_match_whole_words_first_rule_first() {
        let rules = vec![
            Rule { category: "physical-assault".into(), words: vec!["punched".into(), "hit me".into()] },
            Rule { category: "theft".into(), words: vec!["stolen".into()] },
        ];
        assert_eq!(category_for(&rules, "My bag was STOLEN, and he punched me"), "physical-assault");
        assert_eq!(category_for(&rules, "Bag stolen."), "theft");
        assert_eq!(category_for(&rules, "He tried to hit me"), "physical-assault");
        assert_eq!(category_for(&rules, "white hit list"), DEFAULT_CATEGORY);
    }

    #[test]
    fn references_are_found_in_a_subject() {
        let ids = ids_in("Re: Your report has been received: reference 20261124-7qf3]");
        assert_eq!(ids.len(), 1);
        assert_eq!(ids[0].as_str(), "20261124-7QF3");
        assert!(ids_in("call 01234-567890").is_empty());
        assert!(ids_in("x20261124-7QF3").is_empty());
    }

    #[test]
    fn a_time_is_taken_only_where_the_text_gives_one_plainly() {
        let rep = at("2026-11-25T09:00:00Z");
        let got = occurred_in("It happened on 24/11/2026 at 2:30pm in A&E.", LON, rep);
        assert_eq!(got, Some(at("2026-11-24T14:30:00+00:00")));
        assert_eq!(
            occurred_in("At 14:30 on 24/11/2026, and again 24/11/2026 14:30.", LON, rep),
            Some(at("2026-11-24T14:30:00+00:00"))
        );
        assert_eq!(occurred_in("2026-11-24 14:30 then 2026-11-24 15:30", LON, rep), None, "two times");
        assert_eq!(occurred_in("Sometime on 24/11/2026", LON, rep), None, "a date alone");
        assert_eq!(occurred_in("On 26/11/2026 14:00", LON, rep), None, "after the report");
        assert_eq!(occurred_in("On 24/11/2024 14:00", LON, rep), None, "over a year before");
        assert_eq!(occurred_in("nothing here", LON, rep), None);
        let quoted = "Thanks.\n\nOn Mon, 23 Nov 2026, Jo wrote:\n> 23/11/2026 10:00";
        assert_eq!(occurred_in(quoted, LON, rep), None, "a quoted message is not the sender's");
        assert_eq!(occurred_in("11/24/2026 14:30", LON, rep), None, "month first is no date");
    }

    #[test]
    fn attachment_names_stay_names() {
        assert_eq!(attachment_name(Some("../../lsms.yaml"), 1), "lsms.yaml");
        assert_eq!(attachment_name(Some("C:\\Users\\x\\photo.jpg"), 1), "photo.jpg");
        assert_eq!(attachment_name(Some(".."), 2), "attachment-2");
        assert_eq!(attachment_name(Some("a\nb\0.png"), 3), "ab.png");
        assert_eq!(attachment_name(None, 4), "attachment-4");
        assert_eq!(attachment_name(Some(".bashrc"), 5), "bashrc");
    }

    #[test]
    fn templates_fill_and_name_unknown_places() {
        let v = |n: &str| Some(format!("<{n}>"));
        assert_eq!(fill("Ref {reference} {{x}}", &v).unwrap(), "Ref <reference> {x}");
        assert!(fill("{nmae}", &v).unwrap_err().contains("unknown place `{nmae}`"));
        assert!(fill("{reference", &v).is_err());
        assert!(check_template(ACK_BODY).is_ok() && check_template(OUTCOME_BODY).is_ok());
        assert!(check_template(ACK_SUBJECT).is_ok() && check_template(OUTCOME_SUBJECT).is_ok());
    }
}
