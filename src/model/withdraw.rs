//! Withdrawing what was recorded by mistake: a sanction, a person, a link,
//! a notification, a loss figure or an evidence file. Nothing is deleted
//! from the case: each withdrawal leaves one history entry (`action:
//! withdrawn`) whose `field` says what kind of thing went, whose `from`
//! holds it as text, and whose `detail` is the reason. Withdrawn evidence
//! keeps its whole custody record in the entry (`sha256`, `name`, `size`,
//! `added_at`, `added_by`, `source`, `note`), and its file stays in the
//! store. Pure: the actor and the time are given.

use super::enums::{Authority, LinkKind, Status};
use super::id::Id;
use super::incident::{Evidence, Incident, Link, Notice, Person, Sanction};
use super::money::Money;
use super::workflow::{Act, Refusal, refuse};

/// The history entry's action.
pub const ACTION: &str = "withdrawn";

/// The reason, trimmed; an empty one is refused.
fn reason_of(reason: &str) -> Result<String, Refusal> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(refuse(
            "the reason is empty: a withdrawal says why",
            "say why with --reason TEXT, e.g. --reason 'Recorded twice'",
        ));
    }
    Ok(r.to_string())
}

/// A closed case keeps the record it was closed on.
fn refuse_closed(inc: &Incident) -> Result<(), Refusal> {
    if inc.status == Status::Closed {
        return Err(refuse(
            format!("{} is closed: nothing can be withdrawn from it", inc.id),
            format!("reopen it first with `lsms reopen {} --reason TEXT`", inc.id),
        ));
    }
    Ok(())
}

/// What a withdrawal may do to `inc`: an open case, dated as it may be, with a reason.
fn guard(inc: &Incident, act: &Act<'_>, reason: &str) -> Result<String, Refusal> {
    refuse_closed(inc)?;
    inc.accepts(act)?;
    reason_of(reason)
}

/// The entry a withdrawal leaves: what kind of thing (`field`), what it
/// was (`from`), why (`detail`).
fn entry(act: &Act<'_>, field: &str, was: String, reason: String) -> super::incident::Entry {
    let mut e = act.entry(ACTION);
    e.field = Some(field.to_string());
    e.from = Some(was);
    e.detail = Some(reason);
    e
}

/// The one item of `items` that `which` names: its number (from 1, in the
/// record's order, where `numbered`), else the items `fits` finds, which
/// must be one. `what` names the kind for a message, `shown` an item.
fn choose<T>(
    inc: &Incident,
    items: &[T],
    (what, numbers): (&str, bool),
    which: &str,
    fits: impl Fn(&T) -> bool,
    shown: impl Fn(&T) -> String,
) -> Result<usize, Refusal> {
    let which = which.trim();
    let numbered = |i: usize, t: &T| format!("{} ({})", i + 1, shown(t));
    let list = || items.iter().enumerate().map(|(i, t)| numbered(i, t)).collect::<Vec<_>>().join(", ");
    let none = |msg: String| {
        let help = if items.is_empty() {
            format!("{} has no {what} recorded; `lsms show {}` shows the record", inc.id, inc.id)
        } else {
            format!("{} holds: {}", inc.id, list())
        };
        refuse(msg, help)
    };
    if let Some(n) = which.parse::<usize>().ok().filter(|_| numbers) {
        return match n.checked_sub(1).filter(|i| *i < items.len()) {
            Some(i) => Ok(i),
            None => Err(none(format!("{} has no {what} {n}", inc.id))),
        };
    }
    let found: Vec<usize> = items.iter().enumerate().filter(|(_, t)| fits(t)).map(|(i, _)| i).collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(none(format!("{} has no {what} '{which}'", inc.id))),
        many if numbers => Err(refuse(
            format!("'{which}' fits {} of the {what} entries on {}: which one?", many.len(), inc.id),
            format!(
                "give its number instead: {}",
                many.iter().map(|i| numbered(*i, &items[*i])).collect::<Vec<_>>().join(", ")
            ),
        )),
        many => Err(refuse(
            format!("'{which}' fits {} of the {what} entries on {}: which one?", many.len(), inc.id),
            format!(
                "give more of the SHA-256: {}",
                many.iter().map(|i| shown(&items[*i])).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// A sanction as one line: `civil warning-letter on 2026-12-01, review on 2027-06-01: note`.
pub fn sanction_text(s: &Sanction) -> String {
    let mut t = format!("{} {}", s.class, s.kind);
    if let Some(d) = s.date {
        t.push_str(&format!(" on {d}"));
    }
    if let Some(r) = s.review_on {
        t.push_str(&format!(", review on {r}"));
    }
    if let Some(n) = &s.note {
        t.push_str(&format!(": {n}"));
    }
    t
}

/// A person as `--person` gives them: `victim:staff:A. Nurse`.
pub fn person_text(p: &Person) -> String {
    match &p.name {
        Some(n) => format!("{}:{}:{n}", p.role, p.party),
        None => format!("{}:{}", p.role, p.party),
    }
}

/// A notification as one line: `cdao on 2026-11-25, ref CD/77: note`.
pub fn notice_text(n: &Notice) -> String {
    let mut t = format!("{} on {}", n.to, n.date);
    if let Some(r) = &n.reference {
        t.push_str(&format!(", ref {r}"));
    }
    if let Some(x) = &n.note {
        t.push_str(&format!(": {x}"));
    }
    t
}

/// An evidence file as its `evidence-added` entry names it.
pub fn evidence_text(e: &Evidence) -> String {
    format!("{} ({} bytes, sha256 {})", e.name, e.size, e.sha256)
}

/// Which loss figure: the estimate or the amount recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Estimated,
    Recovered,
}

impl Figure {
    pub fn parse(s: &str) -> Result<Figure, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "estimated" | "estimate" => Ok(Figure::Estimated),
            "recovered" => Ok(Figure::Recovered),
            _ => Err(format!("a loss figure is estimated or recovered, not '{}'", s.trim())),
        }
    }

    fn key(self) -> &'static str {
        match self {
            Figure::Estimated => "estimated",
            Figure::Recovered => "recovered",
        }
    }
}

impl Incident {
    /// Withdraws a sanction: `which` is its number (from 1) or its kind.
    pub fn withdraw_sanction(&mut self, act: &Act<'_>, which: &str, reason: &str) -> Result<String, Refusal> {
        let reason = guard(self, act, reason)?;
        let w = which.trim().to_lowercase();
        let i = choose(
            self,
            &self.sanctions,
            ("sanction", true),
            which,
            |s| s.kind.to_lowercase() == w,
            sanction_text,
        )?;
        let s = self.sanctions.remove(i);
        let was = sanction_text(&s);
        self.history.push(entry(act, "sanctions", was.clone(), reason));
        Ok(was)
    }

    /// Withdraws a person: `which` is their number (from 1) or
    /// `ROLE:PARTY[:NAME]` as they were given (any case).
    pub fn withdraw_person(&mut self, act: &Act<'_>, which: &str, reason: &str) -> Result<String, Refusal> {
        let reason = guard(self, act, reason)?;
        let given = super::incident::parse_person(which.trim()).ok();
        let same_name = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => a.to_lowercase() == b.to_lowercase(),
            (a, b) => a == b,
        };
        let fits = |p: &Person| {
            given
                .as_ref()
                .is_some_and(|g| g.role == p.role && g.party == p.party && same_name(&g.name, &p.name))
        };
        let i = choose(self, &self.people, ("person", true), which, fits, person_text)?;
        let p = self.people.remove(i);
        let was = person_text(&p);
        self.history.push(entry(act, "people", was.clone(), reason));
        Ok(was)
    }

    /// Withdraws a notification: `which` is its number (from 1) or who was told.
    pub fn withdraw_notice(&mut self, act: &Act<'_>, which: &str, reason: &str) -> Result<String, Refusal> {
        let reason = guard(self, act, reason)?;
        let to = Authority::parse(which.trim()).ok();
        let i =
            choose(self, &self.notified, ("notification", true), which, |n| Some(n.to) == to, notice_text)?;
        let n = self.notified.remove(i);
        let was = notice_text(&n);
        self.history.push(entry(act, "notified", was.clone(), reason));
        Ok(was)
    }

    /// Withdraws a loss figure: it goes back to nothing (£0.00), and the
    /// losses leave the record when neither figure is left.
    pub fn withdraw_loss(&mut self, act: &Act<'_>, figure: Figure, reason: &str) -> Result<String, Refusal> {
        let reason = guard(self, act, reason)?;
        let key = figure.key();
        let Some(l) = self.losses.as_mut() else {
            return Err(refuse(
                format!("{} has no loss recorded", self.id),
                format!("`lsms show {}` shows the record", self.id),
            ));
        };
        let slot = match figure {
            Figure::Estimated => &mut l.estimated,
            Figure::Recovered => &mut l.recovered,
        };
        if *slot == Money::ZERO {
            return Err(refuse(
                format!("{} has no {key} loss recorded", self.id),
                format!("`lsms show {}` shows the record", self.id),
            ));
        }
        let was = slot.to_string();
        *slot = Money::ZERO;
        if l.estimated == Money::ZERO && l.recovered == Money::ZERO && l.extra.is_empty() {
            self.losses = None;
        }
        self.history.push(entry(act, &format!("losses.{key}"), was.clone(), reason));
        Ok(format!("{key} £{was}"))
    }

    /// Withdraws an evidence file from the case: `which` is its SHA-256
    /// (or its first 8 or more digits) or its name. Its record goes into
    /// the history entry whole, so its custody stays provable; the file
    /// itself stays in the store.
    pub fn withdraw_evidence(
        &mut self,
        act: &Act<'_>,
        which: &str,
        reason: &str,
    ) -> Result<Evidence, Refusal> {
        let reason = guard(self, act, reason)?;
        let w = which.trim();
        let p = w.to_ascii_lowercase();
        let hex = p.len() >= 8 && p.len() <= 64 && p.bytes().all(|b| b.is_ascii_hexdigit());
        let fits = |e: &Evidence| e.name == w || (hex && e.sha256.starts_with(&p));
        // A file is named by its hash or its name, never a number.
        let i = choose(self, &self.evidence, ("evidence file", false), w, fits, evidence_text)?;
        let e = self.evidence.remove(i);
        let mut h = entry(act, "evidence", evidence_text(&e), reason);
        use serde_yaml::Value;
        let text = |v: &str| Value::String(v.to_string());
        let fields = [
            ("sha256", Some(text(&e.sha256))),
            ("name", Some(text(&e.name))),
            ("size", Some(Value::Number(e.size.into()))),
            ("added_at", Some(text(&super::time::rfc3339(&e.added_at)))),
            ("added_by", Some(text(&e.added_by))),
            ("source", e.source.as_deref().map(text)),
            ("note", e.note.as_deref().map(text)),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                h.extra.insert(text(k), v);
            }
        }
        self.history.push(h);
        Ok(e)
    }

    /// Every evidence file this record holds: the SHA-256 of each it
    /// records, and of each it keeps in its history as withdrawn. No
    /// clean-up or disposal may remove a file another record holds.
    pub fn evidence_held(&self) -> Vec<String> {
        let mut v: Vec<String> = self.evidence.iter().map(|e| e.sha256.clone()).collect();
        v.extend(self.withdrawn_evidence().into_iter().map(|(sha, _)| sha));
        v
    }

    /// The evidence files withdrawn from this case, as their entries keep
    /// them: (sha256, size). (Read from the history.)
    pub fn withdrawn_evidence(&self) -> Vec<(String, u64)> {
        self.history
            .iter()
            .filter(|e| e.action == ACTION && e.field.as_deref() == Some("evidence"))
            .filter_map(|e| {
                let sha = e.extra.get("sha256")?.as_str()?.to_string();
                let size =
                    e.extra.get("size").and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))?;
                Some((sha, size))
            })
            .collect()
    }
}

/// The one link of `a` to `other` that a withdrawal names: of `kind`
/// when given, else the only one.
pub fn link_to(a: &Incident, other: &Id, kind: Option<LinkKind>) -> Result<LinkKind, Refusal> {
    let held: Vec<&Link> =
        a.links.iter().filter(|l| l.id == *other && kind.is_none_or(|k| l.kind == k)).collect();
    match held.as_slice() {
        [one] => Ok(one.kind),
        [] => {
            let what = kind.map_or(String::new(), |k| format!(" as {k}"));
            Err(refuse(
                format!("{} is not linked to {other}{what}", a.id),
                format!("`lsms show {}` lists its links", a.id),
            ))
        }
        many => Err(refuse(
            format!("{} is linked to {other} {} ways: which one?", a.id, many.len()),
            format!(
                "name the kind after the id: {}",
                many.iter().map(|l| format!("{}:{}", other, l.kind)).collect::<Vec<_>>().join(" or ")
            ),
        )),
    }
}

/// Withdraws the link of `a` to `other` (of `kind`, or the only one) from
/// both incidents: `b` is the other, or `None` when it is not in the
/// store (then only `a` changes). Each incident gets a `withdrawn` entry
/// for each link it no longer holds. What was withdrawn, as text.
pub fn withdraw_link(
    act: &Act<'_>,
    a: &mut Incident,
    b: Option<&mut Incident>,
    other: &Id,
    kind: Option<LinkKind>,
    reason: &str,
) -> Result<String, Refusal> {
    let reason = guard(a, act, reason)?;
    let kind = link_to(a, other, kind)?;
    let note =
        |i: &Incident| i.links.iter().find(|l| l.id == *other && l.kind == kind).and_then(|l| l.note.clone());
    let was_note = note(a);
    let start_a = a.history.len();
    match b {
        Some(b) => {
            guard(b, act, &reason)?;
            let start = b.history.len();
            super::links::unlink(act, a, Some(&mut *b), other, Some(kind))?;
            as_withdrawn(&mut b.history[start..], &reason);
        }
        None => {
            super::links::unlink(act, a, None, other, Some(kind))?;
        }
    }
    as_withdrawn(&mut a.history[start_a..], &reason);
    let was = match was_note {
        Some(n) => format!("{kind} {other}: {n}"),
        None => format!("{kind} {other}"),
    };
    Ok(was)
}

/// The `unlinked` entries a withdrawal of a link made, as `withdrawn`
/// ones: the link in `from`, the reason in `detail`.
fn as_withdrawn(entries: &mut [super::incident::Entry], reason: &str) {
    for e in entries {
        e.action = ACTION.to_string();
        e.field = Some("links".into());
        e.from = e.detail.take();
        e.detail = Some(reason.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::draft::Draft;
    use crate::model::{Losses, SanctionClass};
    use chrono::NaiveDate;

    fn inc(random: [u8; 4]) -> Incident {
        Draft::built(&[("category", "theft"), ("summary", "x")], random)
    }

    fn act() -> Act<'static> {
        Act::now("b", chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00+00:00").unwrap())
    }

    fn sanction(kind: &str) -> Sanction {
        Sanction {
            class: SanctionClass::Civil,
            kind: kind.into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 25),
            review_on: None,
            note: None,
            extra: Default::default(),
        }
    }

    #[test]
    fn a_sanction_recorded_twice_is_named_by_its_number_and_leaves_an_entry() {
        let mut i = inc([1; 4]);
        i.sanctions = vec![sanction("warning-letter"), sanction("warning-letter")];
        let r = i.withdraw_sanction(&act(), "warning-letter", "Recorded twice").unwrap_err();
        assert!(r.message.contains("fits 2"), "{r:?}");
        assert!(i.withdraw_sanction(&act(), "3", "x").unwrap_err().message.contains("no sanction 3"));
        assert!(i.withdraw_sanction(&act(), "2", "  ").unwrap_err().message.contains("reason is empty"));
        assert_eq!(i.sanctions.len(), 2, "refusals change nothing");
        let was = i.withdraw_sanction(&act(), "2", " Recorded twice ").unwrap();
        assert_eq!(was, "civil warning-letter on 2026-11-25");
        assert_eq!(i.sanctions.len(), 1);
        let e = i.history.last().unwrap();
        assert_eq!(
            (e.action.as_str(), e.field.as_deref(), e.from.as_deref(), e.detail.as_deref()),
            ("withdrawn", Some("sanctions"), Some(was.as_str()), Some("Recorded twice"))
        );
    }

    #[test]
    fn a_loss_figure_goes_to_nothing_and_the_losses_go_when_both_are() {
        let mut i = inc([1; 4]);
        assert!(i.withdraw_loss(&act(), Figure::Estimated, "x").is_err());
        i.losses = Some(Losses { estimated: Money(12000), recovered: Money(500), extra: Default::default() });
        i.withdraw_loss(&act(), Figure::Recovered, "typo").unwrap();
        assert!(i.withdraw_loss(&act(), Figure::Recovered, "again").is_err());
        assert_eq!(i.history.last().unwrap().from.as_deref(), Some("5.00"));
        i.withdraw_loss(&act(), Figure::Estimated, "wrong case").unwrap();
        assert_eq!(i.losses, None);
    }

    #[test]
    fn a_closed_case_withdraws_nothing() {
        let mut i = inc([1; 4]);
        i.sanctions.push(sanction("caution"));
        i.status = Status::Closed;
        let r = i.withdraw_sanction(&act(), "1", "x").unwrap_err();
        assert!(r.help.unwrap().contains("lsms reopen"));
    }

    #[test]
    fn a_link_is_withdrawn_from_both_with_the_reason() {
        let (mut a, mut b) = (inc([1; 4]), inc([2; 4]));
        crate::model::links::link(&act(), &mut a, &mut b, LinkKind::SameOffender, Some("cctv")).unwrap();
        let bid = b.id.clone();
        let was = withdraw_link(&act(), &mut a, Some(&mut b), &bid, None, "Wrong man").unwrap();
        assert_eq!(was, format!("same-offender {bid}: cctv"));
        assert!(a.links.is_empty() && b.links.is_empty());
        for i in [&a, &b] {
            let e = i.history.last().unwrap();
            assert_eq!((e.action.as_str(), e.detail.as_deref()), ("withdrawn", Some("Wrong man")));
        }
    }
}
