//! `import --suggest-map`: a starting mapping file from the register's
//! header (each column whose name plainly says its field, mapped) and the
//! distinct values of each mapped vocabulary column (lsms's value filled
//! in where it is the same word, a word in capitals to replace where not,
//! with the allowed values in a comment). The LSMS fills in a file rather
//! than writing one.

use super::map::{Vocabulary, allowed_note, fold, guess, placeholder, yaml_key};
use super::read::Source;
use crate::model::Vocab;
use std::collections::HashMap;

/// Header phrases, in the order they are tried: the first whose words a
/// column's name holds (and whose field no earlier column took) wins.
const FIELDS: &[(&str, &[&str])] = &[
    ("police_ref", &["police", "crime ref", "crime number", "crime no"]),
    ("reporter_party", &["reporter type", "reporter role", "reporter category", "reported by type"]),
    ("reporter", &["reporter", "reported by"]),
    ("person:alleged-offender", &["offender", "assailant", "perpetrator", "aggressor"]),
    ("person:victim", &["victim", "injured party", "person affected"]),
    ("sanction_date", &["sanction date", "date of sanction"]),
    ("sanction_kind", &["sanction kind", "sanction detail"]),
    ("sanction_class", &["sanction"]),
    (
        "closure_note",
        &["closure note", "closing note", "closure comments", "closing comments", "closure reason"],
    ),
    ("closed", &["closed", "closure date", "date closed", "completed", "closure"]),
    ("reported_time", &["time reported", "reported time", "time received", "report time"]),
    ("reported", &["reported", "report date", "received", "logged", "opened", "notified"]),
    ("occurred_time", &["time"]),
    ("occurred", &["incident date", "date of incident", "occurred", "event date", "date", "when"]),
    ("ref", &["ref", "reference", "incident id", "incident number", "case number", "id", "number"]),
    ("category", &["category", "incident type", "type", "cause", "subject"]),
    ("summary", &["summary", "title", "brief", "headline"]),
    ("description", &["description", "details", "narrative", "what happened", "notes"]),
    ("site", &["site", "hospital", "premises", "establishment"]),
    ("location", &["location", "ward", "department", "area", "place"]),
    ("harm", &["harm", "severity", "grade", "impact"]),
    ("status", &["status", "stage", "state"]),
    ("outcome", &["outcome", "result", "resolution"]),
    (
        "assignee",
        &["handler", "investigator", "assigned", "owner", "manager", "lsms", "investigating officer"],
    ),
    ("loss", &["cost", "loss", "value", "amount"]),
    ("asset", &["asset"]),
    ("flag", &["flag"]),
    ("weapon", &["weapon"]),
    ("medical_factors", &["medical"]),
];

/// A name's words, lower case (`Date of incident` → date, of, incident).
pub(super) fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Whether `name`'s words hold `phrase`'s, in order, next to each other.
pub(super) fn holds(name: &[String], phrase: &str) -> bool {
    let p = words(phrase);
    !p.is_empty() && name.windows(p.len()).any(|w| w == p.as_slice())
}

/// Each column's field where its name plainly says it (`None`: not mapped).
pub fn columns(headers: &[String]) -> Vec<Option<String>> {
    let mut taken: Vec<&str> = Vec::new();
    let mut out: Vec<Option<String>> = Vec::new();
    for h in headers {
        let w = words(h);
        let mut found = None;
        for (field, phrases) in FIELDS {
            if taken.contains(field) {
                continue;
            }
            // A time column is a time only where it is not a date too.
            if field.ends_with("_time") && w.iter().any(|x| x == "date") {
                continue;
            }
            if phrases.iter().any(|p| holds(&w, p)) {
                found = Some(*field);
                break;
            }
        }
        if let Some(f) = found {
            taken.push(f);
        }
        out.push(found.map(|f| {
            if f == "ref" {
                let system = ["datix", "ulysses", "inphase", "safeguard"]
                    .into_iter()
                    .find(|s| w.iter().any(|x| x == s))
                    .unwrap_or("register");
                format!("ref:{system}")
            } else {
                f.to_string()
            }
        }));
    }
    // A register with a description and no summary: its description is
    // what the case is called.
    if !out.iter().any(|f| f.as_deref() == Some("summary"))
        && let Some(d) = out.iter_mut().find(|f| f.as_deref() == Some("description"))
    {
        *d = Some("summary".into());
    }
    out
}

/// How many distinct values of one column are listed: more, and the
/// column is no vocabulary (a free text mapped by mistake, say).
const MAX_VALUES: usize = 200;

/// A column's distinct values, each with how many rows hold it.
type Values = Vec<(String, usize)>;

/// The mapping file's text.
pub fn mapping(file: &str, headers: &[String], source: &Source, vocab: &Vocab) -> String {
    let fields = columns(headers);
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("# A starting mapping for {file}, made by `lsms import --suggest-map`."));
    line("# Check each line. Map a column left out as `Column: field`, or leave it out;".into());
    line("# replace each word in capitals (CATEGORY, HARM, …) with the lsms value it is.".into());
    line(format!("# Then: lsms import --file {file} --map-file THIS-FILE --dry-run"));
    line("columns:".into());
    let at = |f: &str| fields.iter().position(|x| x.as_deref() == Some(f));
    for (time, date) in [("occurred_time", "occurred"), ("reported_time", "reported")] {
        if let (Some(d), Some(t)) = (at(date), at(time)) {
            line(format!("  {date}: [{}, {}]", yaml_key(&headers[d]), yaml_key(&headers[t])));
        }
    }
    for (h, f) in headers.iter().zip(&fields) {
        match f.as_deref() {
            Some(t @ ("occurred_time" | "reported_time")) if at(&t[..t.len() - 5]).is_some() => {}
            Some(d @ ("occurred" | "reported")) if at(&format!("{d}_time")).is_some() => {}
            Some(r) if r.starts_with("ref:") => line(format!(
                "  {}: {r}   # the old system's name after ref: (datix, ulysses, inphase, …)",
                yaml_key(h)
            )),
            Some(f) => line(format!("  {}: {f}", yaml_key(h))),
            None => line(format!("  # {}: not mapped (no field plainly fits)", yaml_key(h))),
        }
    }
    // The distinct values of each vocabulary column, in order of first row.
    let mut tables: Vec<(Vocabulary, Values, bool)> = Vec::new();
    let cols: Vec<(usize, Vocabulary, bool)> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let f = f.as_deref()?;
            Vocabulary::of_field(f).map(|v| (i, v, matches!(f, "asset" | "flag")))
        })
        .collect();
    let mut seen: Vec<HashMap<String, usize>> = vec![HashMap::new(); cols.len()];
    let mut lists: Vec<Values> = vec![Vec::new(); cols.len()];
    let mut over = vec![false; cols.len()];
    for (_, record) in source.rows() {
        let Ok(record) = record else { continue };
        for (k, (i, _, several)) in cols.iter().enumerate() {
            let cell = record.get(*i).unwrap_or_default();
            let items: Vec<&str> = if *several { cell.split(';').collect() } else { vec![cell] };
            for v in items.into_iter().map(str::trim).filter(|v| !v.is_empty()) {
                match seen[k].get(&fold(v)) {
                    Some(&n) => lists[k][n].1 += 1,
                    None if lists[k].len() >= MAX_VALUES => over[k] = true,
                    None => {
                        seen[k].insert(fold(v), lists[k].len());
                        lists[k].push((v.to_string(), 1));
                    }
                }
            }
        }
    }
    for (k, (_, voc, _)) in cols.iter().enumerate() {
        match tables.iter_mut().find(|(v, _, _)| v == voc) {
            Some((_, l, o)) => {
                for (v, n) in std::mem::take(&mut lists[k]) {
                    match l.iter_mut().find(|(x, _)| fold(x) == fold(&v)) {
                        Some(e) => e.1 += n,
                        None => l.push((v, n)),
                    }
                }
                *o |= over[k];
            }
            None => tables.push((*voc, std::mem::take(&mut lists[k]), over[k])),
        }
    }
    tables.sort_by_key(|(v, _, _)| *v);
    for (voc, values, over) in tables {
        if values.is_empty() {
            continue;
        }
        let all = voc.allowed(vocab).unwrap_or_default();
        let names: Vec<&str> = all.iter().map(String::as_str).collect();
        line(format!("{}:   # {}", voc.key(), allowed_note(voc, &names)));
        for (v, n) in values {
            let rows = if n == 1 { "1 row".to_string() } else { format!("{n} rows") };
            line(match voc.known(&v, vocab) {
                Some(w) => format!("  {}: {w}   # {rows}", yaml_key(&v)),
                None => match guess(&v, &names) {
                    Some(g) => format!("  {}: {}   # {rows}; perhaps {g}", yaml_key(&v), placeholder(voc)),
                    None => format!("  {}: {}   # {rows}", yaml_key(&v), placeholder(voc)),
                },
            });
        }
        if over {
            line(format!(
                "  # more than {MAX_VALUES} values: a column of free text is better mapped to another field"
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_mapped_where_their_names_say_so_and_each_field_once() {
        let h: Vec<String> = [
            "Datix ID",
            "Incident date",
            "Incident time",
            "Reported by",
            "Date reported",
            "Type",
            "Description",
            "Severity",
            "Offender type",
            "Police crime ref",
            "Handler",
            "Date closed",
            "Colour",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let got = columns(&h);
        let got: Vec<&str> = got.iter().map(|f| f.as_deref().unwrap_or("-")).collect();
        assert_eq!(
            got,
            [
                "ref:datix",
                "occurred",
                "occurred_time",
                "reporter",
                "reported",
                "category",
                "summary",
                "harm",
                "person:alleged-offender",
                "police_ref",
                "assignee",
                "closed",
                "-"
            ]
        );
    }
}
