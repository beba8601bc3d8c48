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
    "flags",
    "police_informed",
    "crime_ref",
    "riddor_status",
    "notified",
    "losses_estimated",
    "losses_recovered",
    "sanctions_count",
    "sanction_classes",
    "sanction_kinds",
    "outcome",
    "closed_at",
    "refs",
    "links",
];

/// The columns `--include-personal` adds: names and free text.
pub const PERSONAL: &[&str] = &[
    "summary",
    "location",
    "description",
    "weapon",
    "reporter_name",
    "people_names",
    "recorded_by",
    "assignee",
    "closure_note",
    "notes",
];

/// A list in one CSV cell: items joined by `;`, with a `\` or `;` inside an
/// item written `\\` or `\;`, so the cell splits back into exactly its
/// items (an empty item stands for an absent value, keeping lists that
/// run side by side, like `people_roles` and `people_names`, aligned).
pub fn join<T: ToString>(xs: impl Iterator<Item = T>) -> String {
    let mut out = String::new();
    for (i, x) in xs.enumerate() {
        if i > 0 {
            out.push(';');
        }
        let x = x.to_string();
        if x.contains(['\\', ';']) {
            out.push_str(&x.replace('\\', "\\\\").replace(';', "\\;"));
        } else {
            out.push_str(&x);
        }
    }
    out
}

/// Splits a list cell made by [`join`] back into its items.
#[cfg(test)]
pub fn split(cell: &str) -> Vec<String> {
    if cell.is_empty() {
        return Vec::new();
    }
    let mut items = vec![String::new()];
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => items.last_mut().unwrap_or(&mut String::new()).extend(chars.next()),
            ';' => items.push(String::new()),
            c => items.last_mut().unwrap_or(&mut String::new()).push(c),
        }
    }
    items
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

/// One incident as a JSON object: the columns of [`row`] in their order,
/// with lists kept as lists: `assets`, `flags` and `notes` as arrays, `people` as
/// `{role, party, name}` objects in place of `people_roles` and
/// `people_names`, `notified` as `{to, date, ref, note}`, `sanctions` as
/// `{class, kind, date, review_on, note}` in place of `sanction_classes`
/// and `sanction_kinds`, `refs` as an object (system: reference), `links`
/// as `{id, as, note}` objects. Names and notes
/// only with `personal`, as in every export.
pub fn json_row(inc: &Incident, personal: bool) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for (k, v) in row(inc, personal) {
        let value = match k {
            "assets" => json!(inc.assets.iter().map(|a| a.as_str()).collect::<Vec<_>>()),
            "flags" => json!(inc.flags),
            "people_roles" => {
                let people: Vec<Value> = inc
                    .people
                    .iter()
                    .map(|p| {
                        let mut o = json!({ "role": p.role.as_str(), "party": p.party.as_str() });
                        if personal {
                            o["name"] = p.name.as_deref().map_or(Value::Null, |n| json!(n));
                        }
                        o
                    })
                    .collect();
                out.insert("people".into(), Value::Array(people));
                continue;
            }
            "sanction_classes" => {
                let sanctions: Vec<Value> = inc
                    .sanctions
                    .iter()
                    .map(|x| {
                        let mut o = json!({
                            "class": x.class.as_str(),
                            "kind": x.kind,
                            "date": x.date.map(|d| d.to_string()),
                            "review_on": x.review_on.map(|d| d.to_string()),
                        });
                        if personal {
                            o["note"] = x.note.as_deref().map_or(Value::Null, |n| json!(n));
                        }
                        o
                    })
                    .collect();
                out.insert("sanctions".into(), Value::Array(sanctions));
                continue;
            }
            "notified" => Value::Array(
                inc.notified
                    .iter()
                    .map(|n| {
                        let mut o = json!({
                            "to": n.to.as_str(),
                            "date": n.date.to_string(),
                            "ref": n.reference,
                        });
                        if personal {
                            o["note"] = n.note.as_deref().map_or(Value::Null, |t| json!(t));
                        }
                        o
                    })
                    .collect(),
            ),
            "people_names" | "sanction_kinds" => continue,
            "refs" => Value::Object(inc.refs.iter().map(|(k, r)| (k.clone(), json!(r))).collect()),
            "links" => Value::Array(
                inc.links
                    .iter()
                    .map(|l| {
                        let mut o = json!({ "id": l.id.as_str(), "as": l.kind.as_str() });
                        if personal {
                            o["note"] = l.note.as_deref().map_or(Value::Null, |n| json!(n));
                        }
                        o
                    })
                    .collect(),
            ),
            "notes" => Value::Array(
                notes(inc)
                    .map(|e| {
                        json!({ "at": rfc3339(&e.at), "by": e.by, "text": e.detail.as_deref().unwrap_or_default() })
                    })
                    .collect(),
            ),
            _ => v.to_json(),
        };
        out.insert(k.to_string(), value);
    }
    out
}

fn notes(inc: &Incident) -> impl Iterator<Item = &Entry> {
    inc.history.iter().filter(|e| e.action == "note")
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
        ("flags", owned(join(inc.flags.iter()))),
        ("police_informed", Cell::Bool(inc.police.as_ref().is_some_and(|p| p.informed))),
        ("crime_ref", inc.police.as_ref().map_or(Cell::Null, |p| text(&p.crime_ref))),
        ("riddor_status", opt_word(inc.riddor.as_ref().map(|r| r.status.as_str()))),
        ("notified", owned(join(inc.notified.iter().map(|n| format!("{}:{}", n.to, n.date))))),
        ("losses_estimated", owned(losses.map_or(Money::ZERO, |l| l.estimated).to_string())),
        ("losses_recovered", owned(losses.map_or(Money::ZERO, |l| l.recovered).to_string())),
        ("sanctions_count", Cell::Count(inc.sanctions.len())),
        ("sanction_classes", owned(join(inc.sanctions.iter().map(|s| s.class)))),
        ("sanction_kinds", owned(join(inc.sanctions.iter().map(|s| s.kind.clone())))),
        ("outcome", opt_word(inc.outcome.map(|o| o.as_str()))),
        ("closed_at", inc.closed_at.as_ref().map_or(Cell::Null, |t| owned(rfc3339(t)))),
        // A reference names a case in another system, not a person.
        ("refs", owned(join(inc.refs.iter().map(|(k, r)| format!("{k}={r}"))))),
        ("links", owned(join(inc.links.iter().map(|l| format!("{}:{}", l.kind, l.id))))),
    ];
    if personal {
        let notes = join(notes(inc).map(|e| e.detail.clone().unwrap_or_default()));
        v.extend([
            ("summary", Cell::Text(Cow::Borrowed(&inc.summary))),
            ("location", text(&inc.location)),
            ("description", text(&inc.description)),
            ("weapon", text(&inc.weapon)),
            ("reporter_name", inc.reporter.as_ref().map_or(Cell::Null, |r| text(&r.name))),
            ("people_names", owned(join(inc.people.iter().map(|p| p.name.clone().unwrap_or_default())))),
            ("recorded_by", Cell::Text(Cow::Borrowed(&inc.recorded_by))),
            ("assignee", text(&inc.assignee)),
            ("closure_note", text(&inc.closure_note)),
            ("notes", owned(notes)),
        ]);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_cell_splits_back_into_exactly_its_items() {
        for items in [
            vec![],
            vec!["a"],
            vec!["a", "b"],
            vec!["", "b", ""],
            vec!["semi;colon", "back\\slash", "\\;", ";;", "\\"],
            vec!["Siân", "☕;☕"],
        ] {
            let cell = join(items.iter());
            let back = split(&cell);
            if items.len() == 1 && items[0].is_empty() {
                continue;
            }
            assert_eq!(back, items, "{cell}");
        }
    }
}
