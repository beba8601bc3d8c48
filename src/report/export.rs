//! The export's columns: one row per incident, a stable documented order.
//! The columns come from the record's declaration (`model::incident`): a
//! field is a column, a record inside a record is a column per field
//! (`reporter_party`), a list of records is a count and a column per field
//! with its items joined (`people_role`). Then what is worked out rather
//! than stored (`late_report`, `notes`). Personal data (names and free
//! text) only when asked for, after the rest.

use super::due::is_late;
use crate::codec::schema::{Pass, Stored};
use crate::model::time::rfc3339;
use crate::model::*;
use serde_json::{Value, json};
use std::borrow::Cow;

#[cfg(test)]
pub use crate::codec::cell::split;
pub use crate::codec::cell::{Cell, join};

/// The columns, in order: every export has the public ones; `personal`
/// adds names and free text after them.
pub fn columns(personal: bool) -> Vec<String> {
    let mut out = Vec::new();
    Incident::columns("", Pass::Public, &mut out);
    out.push("late_report".into());
    if personal {
        Incident::columns("", Pass::Personal, &mut out);
        out.push("notes".into());
    }
    out
}

/// The columns whose values are words of a vocabulary (`physical-assault`,
/// `awaiting-external`, `victim;alleged-offender`): a spreadsheet shows
/// them as people read them. CSV, TSV and JSON keep the words, for scripts.
pub const WORDS: &[&str] = &[
    "status",
    "category",
    "reporter_party",
    "assets",
    "people_role",
    "people_party",
    "harm",
    "medical_factors",
    "flags",
    "riddor_status",
    "links_as",
    "notified_to",
    "sanctions_class",
    "sanctions_kind",
    "outcome",
];

/// Where a spreadsheet column's cell comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The export's column at this place, as it is.
    Column(usize),
    /// The export's column at this place, its words as people read them.
    Words(usize),
}

/// The spreadsheet's columns: the export's, the reference (`id`) first
/// and the uuid, which people never read, moved from column B to the end;
/// words as people read them, with `category_code` beside `category`.
pub fn sheet(personal: bool) -> Vec<(String, Source)> {
    let cols = columns(personal);
    let mut out = Vec::with_capacity(cols.len() + 1);
    let mut uuid = None;
    for (i, c) in cols.iter().enumerate() {
        match c.as_str() {
            "uuid" => uuid = Some(i),
            "category" => {
                out.push((c.clone(), Source::Words(i)));
                // The category's word, for a script or a lookup.
                out.push(("category_code".to_string(), Source::Column(i)));
            }
            w if WORDS.contains(&w) => out.push((c.clone(), Source::Words(i))),
            _ => out.push((c.clone(), Source::Column(i))),
        }
    }
    out.extend(uuid.map(|i| ("uuid".to_string(), Source::Column(i))));
    out
}

/// A cell of words as people read them: `physical-assault` as `Physical
/// assault`, a list's items each (`Victim; Alleged offender`).
pub fn words(column: &str, text: &str) -> String {
    let label = |w: &str| {
        if column == "category" { super::board::category_label(w) } else { super::board::sentence(w) }
    };
    crate::codec::cell::split(text).iter().map(|w| label(w)).collect::<Vec<_>>().join("; ")
}

/// The notes of the history (personal: free text).
fn notes(inc: &Incident) -> impl Iterator<Item = &Entry> {
    inc.history.iter().filter(|e| e.action == "note")
}

/// One incident's cells, lined up with [`columns`].
pub fn row(inc: &Incident, personal: bool) -> Vec<Cell<'_>> {
    let mut out = Vec::with_capacity(64);
    Incident::cells(Some(inc), Pass::Public, &mut out);
    out.push(Cell::Bool(is_late(inc)));
    if personal {
        Incident::cells(Some(inc), Pass::Personal, &mut out);
        out.push(Cell::Text(Cow::Owned(join(notes(inc).map(|e| e.detail.clone().unwrap_or_default())))));
    }
    out
}

/// One incident as a JSON object: the record's fields as the CSV has them,
/// but lists kept as lists (`assets`, `flags`), lists of records as lists
/// of objects (`people`: `{role, party, name}`), `refs` as an object, and
/// `notes` as `{at, by, text}` objects. Names and notes only with
/// `personal`, as in every export.
pub fn json_row(inc: &Incident, personal: bool) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    inc.json_fields(personal, &mut out);
    out.insert("late_report".into(), Value::Bool(is_late(inc)));
    if personal {
        let notes = notes(inc)
            .map(|e| json!({ "at": rfc3339(&e.at), "by": e.by, "text": e.detail.as_deref().unwrap_or_default() }))
            .collect();
        out.insert("notes".into(), Value::Array(notes));
    }
    out
}

/// `export --help`: the columns as they are, wrapped for a terminal.
pub fn help() -> String {
    let wrap = |words: Vec<String>| {
        let mut lines = vec![String::from(" ")];
        for w in words {
            if lines.last().is_some_and(|l| l.len() + w.len() + 1 > 78) {
                lines.push(String::from(" "));
            }
            if let Some(l) = lines.last_mut() {
                l.push(' ');
                l.push_str(&w);
            }
        }
        lines.join("\n")
    };
    let public = columns(false);
    let personal: Vec<String> = columns(true).split_off(public.len());
    format!(
        "\
One row per incident, in id order, columns in this order:
{}
Lists are joined with ';' (a list of records gives a count and a column per field, items
lined up). Times are RFC 3339, money is exact pounds ('120.00').
--include-personal adds names and free text:
{}
CSV cells that begin with = + - @, tab or CR get a leading ' so a spreadsheet cannot run them.
A .csv file written with --output starts with a UTF-8 byte order mark (stdout has none).
--format xlsx (with --output FILE) writes a spreadsheet: rows in order of occurrence, times as
dates and times in the store's zone, money as pounds, words as people read them (Physical
assault, not physical-assault; the word itself in category_code), the uuid in the last column,
text as text, a title marked OFFICIAL, or OFFICIAL-SENSITIVE with --include-personal. The file
is readable by its owner only.

Examples:
  lsms export --format csv --output incidents.csv
  lsms export --since 2026-04-01 --format xlsx --output incidents.xlsx
  lsms export --since 2026-04-01 --category theft --format ndjson \\
      | jq .losses_estimated",
        wrap(public),
        wrap(personal)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spreadsheet_reads_words_as_people_do_with_the_reference_first_and_the_uuid_last() {
        let sheet = sheet(false);
        let names: Vec<&str> = sheet.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[..4], ["id", "status", "category", "category_code"]);
        assert_eq!(names.last(), Some(&"uuid"));
        assert_eq!(names.len(), columns(false).len() + 1);
        for w in WORDS {
            assert!(columns(false).iter().any(|c| c == w), "{w} is not an export column");
        }
        assert_eq!(words("category", "non-physical-assault"), "Non-physical assault");
        assert_eq!(words("people_role", "victim;alleged-offender"), "Victim; Alleged offender");
        assert_eq!(words("status", "awaiting-external"), "Awaiting external");
        assert_eq!(words("flags", ""), "");
    }

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
