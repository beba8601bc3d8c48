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

fn text(o: &Option<String>) -> Value {
    o.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

/// One incident as (column, value) pairs, typed for JSON.
pub fn row(inc: &Incident, personal: bool) -> Vec<(&'static str, Value)> {
    let losses = inc.losses.as_ref();
    let mut v: Vec<(&'static str, Value)> = vec![
        ("id", json!(inc.id.as_str())),
        ("uuid", json!(inc.uuid.to_string())),
        ("status", json!(inc.status.as_str())),
        ("category", json!(inc.category)),
        ("occurred_at", json!(rfc3339(&inc.occurred_at))),
        ("reported_at", json!(rfc3339(&inc.reported_at))),
        ("recorded_at", json!(rfc3339(&inc.recorded_at))),
        ("late_report", json!(is_late(inc))),
        ("site", text(&inc.site)),
        ("reporter_party", inc.reporter.as_ref().map_or(Value::Null, |r| json!(r.party.as_str()))),
        ("assets", json!(join(inc.assets.iter()))),
        ("people_count", json!(inc.people.len())),
        ("people_roles", json!(join(inc.people.iter().map(|p| format!("{}:{}", p.role, p.party))))),
        ("harm", inc.harm.map_or(Value::Null, |h| json!(h.as_str()))),
        ("medical_factors", inc.medical_factors.map_or(Value::Null, |m| json!(m.as_str()))),
        ("police_informed", json!(inc.police.as_ref().is_some_and(|p| p.informed))),
        ("crime_ref", text(&inc.police.as_ref().and_then(|p| p.crime_ref.clone()))),
        ("riddor_status", inc.riddor.as_ref().map_or(Value::Null, |r| json!(r.status.as_str()))),
        ("losses_estimated", json!(losses.map_or(Money::ZERO, |l| l.estimated).to_string())),
        ("losses_recovered", json!(losses.map_or(Money::ZERO, |l| l.recovered).to_string())),
        ("sanctions_count", json!(inc.sanctions.len())),
        ("sanction_classes", json!(join(inc.sanctions.iter().map(|s| s.class)))),
        ("sanction_kinds", json!(join(inc.sanctions.iter().map(|s| s.kind.clone())))),
        ("outcome", inc.outcome.map_or(Value::Null, |o| json!(o.as_str()))),
        ("closed_at", inc.closed_at.as_ref().map_or(Value::Null, |t| json!(rfc3339(t)))),
    ];
    if personal {
        let notes = join(inc.history.iter().filter(|e| e.action == "note").filter_map(|e| e.detail.clone()));
        v.extend([
            ("summary", json!(inc.summary)),
            ("location", text(&inc.location)),
            ("description", text(&inc.description)),
            ("reporter_name", text(&inc.reporter.as_ref().and_then(|r| r.name.clone()))),
            ("people_names", json!(join(inc.people.iter().filter_map(|p| p.name.clone())))),
            ("recorded_by", json!(inc.recorded_by)),
            ("assignee", text(&inc.assignee)),
            ("closure_note", text(&inc.closure_note)),
            ("notes", json!(notes)),
        ]);
    }
    v
}

/// A JSON value as a CSV cell: text as it is, null as empty.
pub fn cell(v: Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => other.to_string(),
    }
}
