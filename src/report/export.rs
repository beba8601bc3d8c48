//! The export's columns: one row per incident, a stable documented order.
//! Personal data (names and free text) only when asked for.

use super::due::is_late;
use crate::model::time::rfc3339;
use crate::model::*;
use serde_json::{Value, json};

/// The columns every export has, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "uuid",
    "status",
    "category",
    "occurred_at",
    "reported_at",
    "recorded_at",
    "late_report",
    "site",
    "reporter_party",
    "assets",
    "people_count",
    "people_roles",
    "harm",
    "medical_factors",
    "police_informed",
    "crime_ref",
    "riddor_status",
    "losses_estimated",
    "losses_recovered",
    "sanctions_count",
    "sanction_classes",
    "sanction_kinds",
    "outcome",
    "closed_at",
];

/// The columns `--include-personal` adds: names and free text.
pub const PERSONAL: &[&str] = &[
    "summary",
    "location",
    "description",
    "reporter_name",
    "people_names",
    "recorded_by",
    "assignee",
    "closure_note",
    "notes",
];

fn join<T: ToString>(xs: impl Iterator<Item = T>) -> String {
    xs.map(|x| x.to_string()).collect::<Vec<_>>().join(";")
}

/// One exported value: text borrowed from the record where it can be, so a
/// CSV row is built without copying every field first.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Null,
    Bool(bool),
    Count(usize),
}

use std::borrow::Cow;

impl Cell<'_> {
    /// As a CSV cell: text as it is, absent as empty.
    pub fn as_csv(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(t) => Cow::Borrowed(t),
            Cell::Null => Cow::Borrowed(""),
            Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Cell::Count(n) => Cow::Owned(n.to_string()),
        }
    }

    /// As JSON: typed.
    pub fn to_json(&self) -> Value {
        match self {
            Cell::Text(t) => Value::String(t.to_string()),
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Count(n) => json!(n),
        }
    }
}

fn text(o: &Option<String>) -> Cell<'_> {
    o.as_deref().map_or(Cell::Null, |s| Cell::Text(Cow::Borrowed(s)))
}

fn word(s: &'static str) -> Cell<'static> {
    Cell::Text(Cow::Borrowed(s))
}

fn owned<'a>(s: String) -> Cell<'a> {
    Cell::Text(Cow::Owned(s))
}

fn opt_word(s: Option<&'static str>) -> Cell<'static> {
    s.map_or(Cell::Null, word)
}

/// One incident as (column, value) pairs, in the documented order.
pub fn row(inc: &Incident, personal: bool) -> Vec<(&'static str, Cell<'_>)> {
    let losses = inc.losses.as_ref();
    let mut v: Vec<(&'static str, Cell<'_>)> = vec![
        ("id", Cell::Text(Cow::Borrowed(inc.id.as_str()))),
        ("uuid", owned(inc.uuid.to_string())),
        ("status", word(inc.status.as_str())),
        ("category", Cell::Text(Cow::Borrowed(&inc.category))),
        ("occurred_at", owned(rfc3339(&inc.occurred_at))),
        ("reported_at", owned(rfc3339(&inc.reported_at))),
        ("recorded_at", owned(rfc3339(&inc.recorded_at))),
        ("late_report", Cell::Bool(is_late(inc))),
        ("site", text(&inc.site)),
        ("reporter_party", opt_word(inc.reporter.as_ref().map(|r| r.party.as_str()))),
        ("assets", owned(join(inc.assets.iter()))),
        ("people_count", Cell::Count(inc.people.len())),
        ("people_roles", owned(join(inc.people.iter().map(|p| format!("{}:{}", p.role, p.party))))),
        ("harm", opt_word(inc.harm.map(|h| h.as_str()))),
        ("medical_factors", opt_word(inc.medical_factors.map(|m| m.as_str()))),
        ("police_informed", Cell::Bool(inc.police.as_ref().is_some_and(|p| p.informed))),
        ("crime_ref", inc.police.as_ref().map_or(Cell::Null, |p| text(&p.crime_ref))),
        ("riddor_status", opt_word(inc.riddor.as_ref().map(|r| r.status.as_str()))),
        ("losses_estimated", owned(losses.map_or(Money::ZERO, |l| l.estimated).to_string())),
        ("losses_recovered", owned(losses.map_or(Money::ZERO, |l| l.recovered).to_string())),
        ("sanctions_count", Cell::Count(inc.sanctions.len())),
        ("sanction_classes", owned(join(inc.sanctions.iter().map(|s| s.class)))),
        ("sanction_kinds", owned(join(inc.sanctions.iter().map(|s| s.kind.clone())))),
        ("outcome", opt_word(inc.outcome.map(|o| o.as_str()))),
        ("closed_at", inc.closed_at.as_ref().map_or(Cell::Null, |t| owned(rfc3339(t)))),
    ];
    if personal {
        let notes = join(inc.history.iter().filter(|e| e.action == "note").filter_map(|e| e.detail.clone()));
        v.extend([
            ("summary", Cell::Text(Cow::Borrowed(&inc.summary))),
            ("location", text(&inc.location)),
            ("description", text(&inc.description)),
            ("reporter_name", inc.reporter.as_ref().map_or(Cell::Null, |r| text(&r.name))),
            ("people_names", owned(join(inc.people.iter().filter_map(|p| p.name.clone())))),
            ("recorded_by", Cell::Text(Cow::Borrowed(&inc.recorded_by))),
            ("assignee", text(&inc.assignee)),
            ("closure_note", text(&inc.closure_note)),
            ("notes", owned(notes)),
        ]);
    }
    v
}
