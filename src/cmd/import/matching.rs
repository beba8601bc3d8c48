//! A row and the record it made, matched by the old system's reference:
//! with `--update`, what changed in the register since is recorded on the
//! record as history entries, and a field changed in lsms since the import
//! is never overwritten (kept, and named). Pure: the records are given.

use crate::model::schema::{InputCx, Op, Record, input_named};
use crate::model::{Entry, Incident, Stamp};

/// The record's paths a mapped field sets (`loss` → losses.estimated,
/// `closed` → closed_at). Empty for what `--update` leaves alone.
pub fn paths_of(field: &str) -> Vec<String> {
    match field {
        "status" | "assignee" | "outcome" | "closure_note" => vec![field.to_string()],
        "closed" => vec!["closed_at".into()],
        f if f.starts_with("person:") => vec!["people".into()],
        // The occurred and reported times come with their own dates.
        "occurred_time" | "reported_time" => Vec::new(),
        f => input_named::<Incident>(f).map(|d| vec![d.path.clone()]).unwrap_or_default(),
    }
}

/// Fields a case's closing or reopening changes together with its status.
const WITH_STATUS: &[&str] = &["outcome", "closed_at", "closure_note"];

/// The entry, after the record's first `imported` one, by which a person
/// changed `path` in lsms (`None`: only imports have changed it).
pub fn changed_in_lsms<'a>(inc: &'a Incident, path: &str) -> Option<&'a Entry> {
    let start = inc.history.iter().position(|e| e.action == "imported")?;
    inc.history[start + 1..].iter().find(|e| {
        e.action != "imported"
            && e.field.as_deref().is_some_and(|f| {
                f == path
                    || (WITH_STATUS.contains(&path) && f == "status")
                    || f.starts_with(&format!("{path}."))
            })
    })
}

/// What `--update` does to one record.
#[derive(Debug, Default)]
pub struct Changes {
    /// Each field changed: (path, from, to).
    pub made: Vec<(String, Option<String>, Option<String>)>,
    /// Each field the register changed but a person had changed in lsms:
    /// (path, lsms's value kept, the register's not taken, when and by whom).
    pub kept: Vec<(String, Option<String>, Option<String>, String)>,
}

/// Brings `cur` to what the register now says in `paths` (as `new`, the
/// record the row makes), with an `imported` history entry for each field
/// changed, by `by` at `at` with `detail`. A field changed in lsms since
/// the import keeps lsms's value.
pub fn update(
    cur: &mut Incident,
    new: &Incident,
    paths: &[String],
    cx: &InputCx<'_>,
    by: &str,
    at: Stamp,
    detail: &str,
) -> Result<Changes, String> {
    let mut out = Changes::default();
    for path in paths {
        let (from, to) = (cur.shown(path).flatten(), new.shown(path).flatten());
        if from == to {
            continue;
        }
        if let Some(e) = changed_in_lsms(cur, path) {
            let when = format!("by {} on {}", e.by, e.at.format("%d/%m/%Y"));
            out.kept.push((path.clone(), from, to, when));
            continue;
        }
        copy(path, new, cur, cx)?;
        out.made.push((path.clone(), from, to));
    }
    for (path, from, to) in &out.made {
        cur.history.push(Entry {
            at,
            by: by.to_string(),
            action: "imported".into(),
            field: Some(path.clone()),
            from: from.clone(),
            to: to.clone(),
            detail: Some(detail.to_string()),
            ..Default::default()
        });
    }
    Ok(out)
}

/// Sets `path` of `to` as it is in `from`: the standing fields and lists
/// whole, the rest as typed back from how it is shown.
fn copy(path: &str, from: &Incident, to: &mut Incident, cx: &InputCx<'_>) -> Result<(), String> {
    match path {
        "status" => to.status = from.status,
        "assignee" => to.assignee = from.assignee.clone(),
        "outcome" => to.outcome = from.outcome,
        "closed_at" => to.closed_at = from.closed_at,
        "closure_note" => to.closure_note = from.closure_note.clone(),
        "assets" => to.assets = from.assets.clone(),
        "flags" => to.flags = from.flags.clone(),
        "people" => to.people = from.people.clone(),
        p => {
            let v = from.shown(p).flatten().unwrap_or_default();
            match to.input(p, Op::Set(&v), cx) {
                Some(r) => r?,
                None => return Err(format!("{p} cannot be updated by an import")),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::draft::Draft;
    use crate::model::workflow::{Act, FieldChange};

    fn imported(pairs: &[(&str, &str)]) -> Incident {
        let mut inc = Draft::built(pairs, [1, 2, 3, 4]);
        inc.history[0].action = "imported".into();
        inc
    }

    #[test]
    fn a_field_changed_in_lsms_since_the_import_is_kept_and_the_rest_updated() {
        let base =
            [("category", "theft"), ("summary", "Bag"), ("occurred", "2025-02-03 10:00"), ("site", "A")];
        let mut cur = imported(&base);
        let at = cur.recorded_at;
        // A person changes the site in lsms.
        cur.site = Some("B".into());
        cur.changed(
            &Act::now("jo", at),
            FieldChange { field: "site".into(), from: Some("A".into()), to: Some("B".into()) },
        );
        let new = imported(&[
            ("category", "theft"),
            ("summary", "Bag and coat"),
            ("occurred", "2025-02-03 10:00"),
            ("site", "C"),
        ]);
        let vocab = crate::model::Vocab::standard();
        let cx = InputCx { vocab: &vocab, tz: chrono_tz::Europe::London, now: at.to_utc() };
        let paths = vec!["summary".to_string(), "site".to_string(), "category".to_string()];
        let c = update(&mut cur, &new, &paths, &cx, "lsms", at, "from row 2 of r.csv").unwrap();
        assert_eq!(c.made, [("summary".into(), Some("Bag".into()), Some("Bag and coat".into()))]);
        assert_eq!(c.kept.len(), 1);
        assert_eq!((cur.summary.as_str(), cur.site.as_deref()), ("Bag and coat", Some("B")));
        let last = cur.history.last().unwrap();
        assert_eq!((last.action.as_str(), last.field.as_deref()), ("imported", Some("summary")));
        // The import's own change does not count as a change in lsms.
        assert!(changed_in_lsms(&cur, "summary").is_none());
        assert!(changed_in_lsms(&cur, "site").is_some());
    }
}
