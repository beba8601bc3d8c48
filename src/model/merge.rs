//! A three-way merge of one incident, for `lsms merge-file` (a git merge
//! driver): the histories, sanctions, links, notifications and evidence of
//! both sides united, a field changed on one side taken, a field changed on
//! both sides to different values left for a person. Works on the parsed YAML so that keys the
//! tool does not know merge too.

use serde_yaml::{Mapping, Value};

/// Lists whose items both sides may add to: each side's new items are
/// kept, an item a side removed from base stays removed. Each item is known
/// by its identity: a link by the other incident and the kind, evidence by
/// its hash, a notification by whom, when and their reference, the rest by
/// the whole item.
const UNITED: &[&str] = &["history", "sanctions", "links", "notified", "evidence"];

fn identity(key: &str, v: &Value) -> Value {
    let pick = |names: &[&str]| {
        Value::Sequence(names.iter().map(|n| v.get(n).cloned().unwrap_or(Value::Null)).collect())
    };
    match key {
        "links" => pick(&["id", "as"]),
        // As `notify` tells notifications apart: by whom, when and the
        // reference they gave.
        "notified" => pick(&["to", "date", "ref"]),
        "evidence" => pick(&["sha256"]),
        _ => v.clone(),
    }
}

/// The merged mapping, and the keys both sides changed differently (with
/// ours in the mapping for each).
pub struct Merged {
    pub value: Value,
    pub conflicts: Vec<(Value, Value, Value)>,
}

/// An entry's instant, so that entries written with different offsets
/// (either side of the October clock change) sort in time order; an entry
/// without a readable time sorts first, as it stood.
fn entry_time(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    // A time typed by hand in another form is kept as written (a tagged
    // string): its characters are read all the same.
    let at = match v.get("at")? {
        Value::String(s) => s.as_str(),
        Value::Tagged(t) => t.value.as_str()?,
        _ => return None,
    };
    chrono::DateTime::parse_from_rfc3339(at).ok().map(|t| t.to_utc())
}

/// Base's items, then ours' and theirs' new ones, one per identity: an
/// item in base that a side removed stays removed; one changed on one side
/// (a link's note) is taken, changed on both, ours. History is ordered by
/// time (stable, so equal times keep that order).
fn unite(key: &str, base: Option<&Value>, ours: Option<&Value>, theirs: Option<&Value>) -> Value {
    let items = |v: Option<&Value>| v.and_then(Value::as_sequence).cloned().unwrap_or_default();
    let (b, o, t) = (items(base), items(ours), items(theirs));
    let find = |list: &[Value], id: &Value| list.iter().find(|x| identity(key, x) == *id).cloned();
    let mut seen: Vec<Value> = Vec::new();
    let mut out: Vec<Value> = Vec::new();
    for v in b.iter().chain(&o).chain(&t) {
        let id = identity(key, v);
        if seen.contains(&id) {
            continue;
        }
        let kept = match (find(&b, &id), find(&o, &id), find(&t, &id)) {
            // In base, gone from either side: removed.
            (Some(_), None, _) | (Some(_), _, None) => None,
            (Some(bv), Some(ov), Some(tv)) => Some(if ov == bv { tv } else { ov }),
            (None, Some(ov), _) => Some(ov),
            (None, None, tv) => tv,
        };
        seen.push(id);
        out.extend(kept);
    }
    if key == "history" {
        out.sort_by_cached_key(entry_time);
    }
    Value::Sequence(out)
}

/// Merges three parsed incident files.
pub fn merge(base: &Value, ours: &Value, theirs: &Value) -> Merged {
    let map = |v: &Value| v.as_mapping().cloned().unwrap_or_default();
    let (b, o, t) = (map(base), map(ours), map(theirs));
    let mut keys: Vec<Value> = o.keys().cloned().collect();
    for k in t.keys().chain(b.keys()) {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    let mut out = Mapping::new();
    let mut conflicts = Vec::new();
    for k in keys {
        let (bv, ov, tv) = (b.get(&k), o.get(&k), t.get(&k));
        let name = k.as_str().unwrap_or_default();
        let merged = if UNITED.contains(&name) {
            // A list both sides emptied is left out, as lsms writes it.
            Some(unite(name, bv, ov, tv))
                .filter(|v| name == "history" || v.as_sequence().is_some_and(|s| !s.is_empty()))
        } else if ov == tv || tv == bv {
            ov.cloned()
        } else if ov == bv {
            tv.cloned()
        } else {
            conflicts.push((
                k.clone(),
                ov.cloned().unwrap_or(Value::Null),
                tv.cloned().unwrap_or(Value::Null),
            ));
            ov.cloned()
        };
        if let Some(v) = merged {
            out.insert(k, v);
        }
    }
    Merged { value: Value::Mapping(out), conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> Value {
        serde_yaml::from_str(s).unwrap()
    }

    const BASE: &str = "status: reported\nsummary: x\nhistory:\n  - { at: 2026-11-24T10:00:00+00:00, by: a, action: reported }\n";

    #[test]
    fn a_time_kept_as_written_is_read_for_the_order() {
        let kept = y("{ at: !kept '2026-11-24T13:00:00+01:00', action: note }");
        let plain = y("{ at: '2026-11-24T12:00:00+00:00', action: note }");
        assert!(entry_time(&plain).is_some());
        assert_eq!(entry_time(&kept), entry_time(&plain));
        assert_eq!(entry_time(&y("{ at: 12, action: note }")), None);
    }

    #[test]
    fn unites_histories_in_time_order_and_takes_one_sided_changes() {
        let ours =
            y(&format!("{BASE}  - {{ at: 2026-11-24T12:00:00+00:00, by: b, action: note, detail: two }}\n")
                .replace("summary: x", "summary: x2"));
        let theirs =
            y(&format!("{BASE}  - {{ at: 2026-11-24T11:00:00+00:00, by: c, action: note, detail: one }}\n")
                .replace("status: reported", "status: assigned\nassignee: c"));
        let m = merge(&y(BASE), &ours, &theirs);
        assert!(m.conflicts.is_empty());
        assert_eq!(m.value["summary"].as_str(), Some("x2"));
        assert_eq!(m.value["status"].as_str(), Some("assigned"));
        assert_eq!(m.value["assignee"].as_str(), Some("c"));
        let details: Vec<&str> =
            m.value["history"].as_sequence().unwrap().iter().filter_map(|e| e["detail"].as_str()).collect();
        assert_eq!(details, ["one", "two"]);
    }

    #[test]
    fn history_is_ordered_by_instant_across_the_clock_change() {
        // 01:30+00:00 (after the clocks went back) is later than 01:45+01:00.
        let ours = y(&format!(
            "{BASE}  - {{ at: 2026-10-25T01:30:00+00:00, by: b, action: note, detail: later }}\n"
        ));
        let theirs = y(&format!(
            "{BASE}  - {{ at: 2026-10-25T01:45:00+01:00, by: c, action: note, detail: earlier }}\n"
        ));
        let m = merge(&y(BASE), &ours, &theirs);
        let details: Vec<&str> =
            m.value["history"].as_sequence().unwrap().iter().filter_map(|e| e["detail"].as_str()).collect();
        assert_eq!(details, ["earlier", "later"]);
    }

    #[test]
    fn evidence_added_on_both_sides_is_all_kept() {
        let ev = |sha: &str| format!("evidence:\n  - {{ sha256: {sha}, name: {sha}.jpg, size: 1 }}\n");
        let ours = y(&format!("{BASE}{}", ev("aa")));
        let theirs = y(&format!("{BASE}{}", ev("bb")));
        let m = merge(&y(BASE), &ours, &theirs);
        assert!(m.conflicts.is_empty());
        let names: Vec<&str> =
            m.value["evidence"].as_sequence().unwrap().iter().filter_map(|e| e["name"].as_str()).collect();
        assert_eq!(names, ["aa.jpg", "bb.jpg"]);
    }

    #[test]
    fn the_same_file_added_in_both_clones_is_one_piece_of_evidence() {
        let ev = |at: &str| {
            format!(
                "evidence:\n  - {{ sha256: aa, name: cctv.mp4, size: 1, added_at: \"{at}\", added_by: j }}\n"
            )
        };
        let ours = y(&format!("{BASE}{}", ev("2026-11-25T10:00:00+00:00")));
        let theirs = y(&format!("{BASE}{}", ev("2026-11-25T10:05:00+00:00")));
        let m = merge(&y(BASE), &ours, &theirs);
        assert!(m.conflicts.is_empty());
        assert_eq!(m.value["evidence"].as_sequence().unwrap().len(), 1, "{:?}", m.value["evidence"]);
    }

    #[test]
    fn notifications_made_in_both_clones_are_all_kept() {
        let n = |to: &str| format!("notified:\n  - {{ to: {to}, date: 2026-11-25 }}\n");
        let m = merge(&y(BASE), &y(&format!("{BASE}{}", n("cdao"))), &y(&format!("{BASE}{}", n("police"))));
        assert!(m.conflicts.is_empty(), "not a conflict: {:?}", m.conflicts);
        let to: Vec<&str> =
            m.value["notified"].as_sequence().unwrap().iter().filter_map(|x| x["to"].as_str()).collect();
        assert_eq!(to, ["cdao", "police"]);
    }

    #[test]
    fn two_notices_to_the_police_on_one_day_with_their_references_are_both_kept() {
        let n = |r: &str| format!("notified:\n  - {{ to: police, date: 2026-11-25, ref: {r} }}\n");
        let m = merge(&y(BASE), &y(&format!("{BASE}{}", n("A-1"))), &y(&format!("{BASE}{}", n("B-2"))));
        assert!(m.conflicts.is_empty(), "not a conflict: {:?}", m.conflicts);
        let refs: Vec<&str> =
            m.value["notified"].as_sequence().unwrap().iter().filter_map(|x| x["ref"].as_str()).collect();
        assert_eq!(refs, ["A-1", "B-2"]);
    }

    #[test]
    fn links_unite_by_id_and_kind_and_one_removed_on_a_side_stays_removed() {
        let base = y(&format!(
            "{BASE}links:\n  - {{ id: 20261120-AB12, as: related }}\n  - {{ id: 20261121-CD34, as: same-offender }}\n"
        ));
        // Ours removes the related link and adds one; theirs adds the same
        // one with a note, and another.
        let ours = y(&format!(
            "{BASE}links:\n  - {{ id: 20261121-CD34, as: same-offender }}\n  - {{ id: 20261122-EF56, as: repeat-victim }}\n"
        ));
        let theirs = y(&format!(
            "{BASE}links:\n  - {{ id: 20261120-AB12, as: related }}\n  - {{ id: 20261121-CD34, as: same-offender, note: on CCTV }}\n  - {{ id: 20261122-EF56, as: repeat-victim }}\n  - {{ id: 20261123-GH78, as: related }}\n"
        ));
        let m = merge(&base, &ours, &theirs);
        assert!(m.conflicts.is_empty());
        let got: Vec<(String, String, Option<String>)> = m.value["links"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|l| {
                let s = |k: &str| l.get(k).and_then(Value::as_str).map(str::to_string);
                (s("id").unwrap(), s("as").unwrap(), s("note"))
            })
            .collect();
        assert_eq!(
            got,
            [
                ("20261121-CD34".into(), "same-offender".into(), Some("on CCTV".into())),
                ("20261122-EF56".into(), "repeat-victim".into(), None),
                ("20261123-GH78".into(), "related".into(), None),
            ]
        );
        // Both sides removing every link leaves no `links:` key at all.
        let m = merge(&base, &y(BASE), &y(BASE));
        assert!(m.value.get("links").is_none(), "{:?}", m.value);
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict_but_different_ones_are() {
        let ours = y(&BASE.replace("summary: x", "summary: same\noutcome: withdrawn"));
        let theirs = y(&BASE.replace("summary: x", "summary: same\noutcome: duplicate"));
        let m = merge(&y(BASE), &ours, &theirs);
        assert_eq!(m.value["summary"].as_str(), Some("same"));
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].0.as_str(), Some("outcome"));
    }
}
