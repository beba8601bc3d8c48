//! Papers handed over: the case file (`lsms casefile`) and the pages of a
//! subject access bundle (`lsms person --sar`), each one self-contained,
//! printable HTML page: inline CSS, no script, nothing fetched; the marking
//! at the top and bottom of every printed page and "Page N of M" at its
//! foot (the board's page furniture). Every string from a record is
//! escaped, its bidirectional controls shown as what they are, and each
//! value isolated (`<bdi>`), so no text of a record can add markup, run a
//! script or turn the text around it. Pure: given the record and what to
//! leave out.

use super::board::{escape, page_css};
use crate::model::schema::Record;
use crate::model::{Disclosure, Entry, Evidence, Id, Incident, LinkKind};
use chrono_tz::Tz;
use std::fmt::Write;

/// Text from a record as HTML: escaped, its bidirectional controls (which
/// would turn the text around them) shown as `[U+202E]`, in a `<bdi>` so
/// it cannot turn what follows it. Line breaks are kept (`pre-wrap`).
pub fn text(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 11);
    o.push_str("<bdi>");
    let mut buf = [0u8; 4];
    for c in s.chars() {
        match c {
            '\n' | '\t' => o.push(c),
            c if c.is_control() || crate::model::text::is_bidi_control(c) => {
                let _ = write!(o, "[U+{:04X}]", c as u32);
            }
            c => o.push_str(&escape(c.encode_utf8(&mut buf))),
        }
    }
    o.push_str("</bdi>");
    o
}

const CSS: &str = r#"
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; margin: 0 auto; max-width: 190mm; font-size: 10pt; line-height: 1.35; }
.marking { text-align: center; font-weight: bold; letter-spacing: 0.1em; margin: 0 0 4mm; }
@media print { .marking.screen { display: none; } }
h1 { font-size: 18pt; margin: 0 0 2mm; color: #003087; }
h2 { font-size: 13pt; color: #003087; border-bottom: 2px solid #003087; padding-bottom: 1mm; margin: 6mm 0 3mm; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 2mm; }
section.incident { break-before: page; page-break-before: always; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; font-size: 9pt; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #e8edf4; }
tbody th { width: 28%; font-weight: normal; background: #f4f6f9; }
table.pairs { table-layout: fixed; }
td { white-space: pre-wrap; overflow-wrap: anywhere; }
table.grid { table-layout: fixed; }
tbody th, tbody td { overflow-wrap: anywhere; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td, bdi { unicode-bidi: isolate; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; overflow-wrap: anywhere; }
.left-out { border: 2px solid #B00020; padding: 2mm 3mm; margin: 3mm 0; }
.note { font-size: 9pt; color: #333; }
.review { background: #fff3cd; }
"#;

/// A whole page: head, the page furniture, the marking on screen, `body`.
pub fn page(title: &str, marking: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>{}</title><style>{CSS}{}</style></head><body><p class="marking screen">{}</p>{body}</body></html>
"#,
        escape(title),
        page_css(marking, title),
        escape(marking),
    )
}

/// Rows of (label, value) as a two-column table; a `None` value is left out.
pub fn pairs(caption: &str, rows: &[(String, String)]) -> String {
    let mut o =
        format!("<table class=\"pairs\"><caption class=\"note\">{}</caption><tbody>", escape(caption));
    for (k, v) in rows {
        let _ = write!(o, r#"<tr><th scope="row">{}</th><td>{}</td></tr>"#, escape(k), text(v));
    }
    o.push_str("</tbody></table>");
    o
}

/// A table with a header row; each cell is record text. Its columns have
/// the widths given (per cent) and the table keeps to the page: no word
/// of a record, however long, can push it past the margin.
pub fn grid(head: &[&str], widths: &[u32], rows: &[Vec<String>]) -> String {
    let mut o = String::from(r#"<table class="grid"><colgroup>"#);
    for w in widths {
        let _ = write!(o, r#"<col style="width: {w}%">"#);
    }
    o.push_str("</colgroup><thead><tr>");
    for h in head {
        let _ = write!(o, r#"<th scope="col">{}</th>"#, escape(h));
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        o.push_str("<tr>");
        for c in r {
            let _ = write!(o, "<td>{}</td>", text(c));
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>");
    o
}

/// Which fields are left out: a name given to `--omit` leaves out that
/// field and every field inside it (`reporter` takes `reporter.name`).
#[derive(Debug, Clone, Default)]
pub struct Omit(pub Vec<String>);

impl Omit {
    pub fn has(&self, path: &str) -> bool {
        self.0.iter().any(|o| path == o || path.strip_prefix(o.as_str()).is_some_and(|r| r.starts_with('.')))
    }
}

/// The lists of records an incident holds, each with the record's own
/// fields: what `--omit` may name inside them (`people.name`).
const LISTS: [&str; 6] = ["people", "sanctions", "links", "notified", "evidence", "history"];

/// Every name `--omit` takes: each declared field (`description`,
/// `reporter.name`), each field of a list's items (`people.name`,
/// `sanctions.note`), and the keys of one's own the record holds.
pub fn omittable(inc: &Incident) -> Vec<String> {
    use crate::model::incident::{Link, Notice, Person, Sanction};
    let mut out: Vec<String> = <Incident as Record>::fields()
        .iter()
        .map(|d| d.path.clone())
        .filter(|p| !matches!(p.as_str(), "schema" | "id"))
        .collect();
    let item = |list: &str, keys: &[&str], out: &mut Vec<String>| {
        out.extend(keys.iter().map(|k| format!("{list}.{k}")));
    };
    item("people", <Person as Record>::KEYS, &mut out);
    item("sanctions", <Sanction as Record>::KEYS, &mut out);
    item("links", <Link as Record>::KEYS, &mut out);
    item("notified", <Notice as Record>::KEYS, &mut out);
    item("evidence", <Evidence as Record>::KEYS, &mut out);
    item("history", <Entry as Record>::KEYS, &mut out);
    out.extend(inc.extra.iter().filter_map(|e| e.key.as_str().map(String::from)));
    out
}

/// A linked case as the case file names it: its id and summary only.
#[derive(Debug, Clone)]
pub struct Related {
    pub id: Id,
    pub kind: LinkKind,
    /// `None`: the linked case could not be read.
    pub summary: Option<String>,
}

/// Everything a case file shows besides the record.
#[derive(Debug, Clone)]
pub struct CaseFile<'a> {
    pub trust: &'a str,
    pub tz: Tz,
    pub marking: &'a str,
    pub disclosure: &'a Disclosure,
    /// Who made it, and when (as people read it).
    pub by: &'a str,
    pub made: String,
    pub omit: &'a Omit,
    pub related: Vec<Related>,
    /// The evidence copied beside the file: (SHA-256, name given out).
    pub copies: Option<&'a [(String, String)]>,
}

fn when(t: &crate::model::Stamp, tz: Tz) -> String {
    t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()
}

const LEFT_OUT: &str = "[left out of this file]";

/// The record's fields as rows, each declared field that holds a value
/// (the lists of records have sections of their own), with the keys of
/// one's own after them.
fn record_rows(inc: &Incident, omit: &Omit) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for d in <Incident as Record>::fields() {
        let top = d.path.split('.').next().unwrap_or_default();
        // Losses and the lists have sections of their own.
        if d.nested || LISTS.contains(&top) || top == "losses" || d.path == "schema" || omit.has(&d.path) {
            continue;
        }
        if let Some(Some(v)) = inc.shown(&d.path) {
            rows.push((d.path.clone(), v));
        }
    }
    for e in &inc.extra {
        let key = e.key.as_str().map(String::from).unwrap_or_else(|| format!("{:?}", e.key));
        if omit.has(&key) {
            continue;
        }
        let v = serde_yaml::to_string(&e.value).unwrap_or_default();
        rows.push((key, v.trim_end().to_string()));
    }
    rows
}

/// `v` unless `path` is left out.
fn kept(omit: &Omit, path: &str, v: Option<String>) -> String {
    if omit.has(path) { LEFT_OUT.to_string() } else { v.unwrap_or_default() }
}

/// The values of the fields left out, as text, longest first: where the
/// history or the custody of a file repeats one (a notification's entry
/// names its reference), it is left out there too.
fn left_out_values(inc: &Incident, omit: &Omit) -> Vec<String> {
    use crate::model::incident::{Link, Notice, Person, Sanction};
    fn of<T: Record>(items: &[T], key: Option<&str>) -> Vec<String> {
        let keys: Vec<&str> = match key {
            Some(k) => vec![k],
            None => T::KEYS.to_vec(),
        };
        items.iter().flat_map(|x| keys.iter().filter_map(|k| x.shown(k).flatten())).collect()
    }
    let mut out = Vec::new();
    for p in &omit.0 {
        let (list, key) = match p.split_once('.') {
            Some((l, k)) => (l, Some(k)),
            None => (p.as_str(), None),
        };
        out.extend(match list {
            "people" => of::<Person>(&inc.people, key),
            "sanctions" => of::<Sanction>(&inc.sanctions, key),
            "links" => of::<Link>(&inc.links, key),
            "notified" => of::<Notice>(&inc.notified, key),
            "evidence" => of::<Evidence>(&inc.evidence, key),
            // The history's own fields are left out cell by cell.
            "history" => Vec::new(),
            _ => inc.shown(p).flatten().into_iter().collect(),
        });
    }
    // A word of one or two letters is no value worth hiding in text.
    out.retain(|v| v.trim().chars().count() > 2);
    out.sort_by_key(|v| std::cmp::Reverse(v.len()));
    out.dedup();
    out
}

/// `text` with each of the `hidden` values in it left out.
fn scrub(text: &str, hidden: &[String]) -> String {
    hidden.iter().fold(text.to_string(), |t, v| t.replace(v.as_str(), LEFT_OUT))
}

impl Omit {
    /// Is a history entry changing `field` to be left out whole: the field,
    /// or a field inside it (`people.name` takes a change of `people`,
    /// whose values hold the names)?
    fn change_of(&self, field: &str) -> bool {
        self.has(field) || self.0.iter().any(|o| o.strip_prefix(field).is_some_and(|r| r.starts_with('.')))
    }
}

/// The case file: one page, printable.
pub fn html(inc: &Incident, c: &CaseFile<'_>) -> String {
    let tz = c.tz;
    let omit = c.omit;
    let title = format!("Case file {} for {}", inc.id, c.disclosure.to);
    let mut b = String::with_capacity(32 * 1024);
    let _ = write!(
        b,
        "<header><h1>{}</h1><p>{}</p></header>",
        escape(&format!("Case file {}", inc.id)),
        text(c.trust)
    );
    b.push_str(&pairs(
        "This disclosure",
        &[
            ("Disclosed to".into(), c.disclosure.to_shown()),
            ("Lawful basis".into(), c.disclosure.basis.clone()),
            ("Made by".into(), c.by.to_string()),
            ("Made".into(), c.made.clone()),
            ("Marking".into(), c.marking.to_string()),
        ],
    ));
    if !omit.0.is_empty() {
        let _ = write!(
            b,
            r#"<div class="left-out"><strong>Left out of this file:</strong> {}</div>"#,
            text(&omit.0.join(", "))
        );
    }

    // The record.
    b.push_str("<h2>The record</h2>");
    b.push_str(&pairs("Fields as recorded", &record_rows(inc, omit)));

    if !omit.has("people") && !inc.people.is_empty() {
        b.push_str("<h2>People involved</h2>");
        let rows: Vec<Vec<String>> = inc
            .people
            .iter()
            .map(|p| {
                vec![
                    kept(omit, "people.role", Some(p.role.to_string())),
                    kept(omit, "people.party", Some(p.party.to_string())),
                    kept(omit, "people.name", p.name.clone()),
                ]
            })
            .collect();
        b.push_str(&grid(&["Role", "Party", "Name"], &[22, 18, 60], &rows));
    }

    let hidden = left_out_values(inc, omit);
    // The history, in the order things happened.
    if !omit.has("history") {
        b.push_str("<h2>History</h2>");
        let mut hist: Vec<&Entry> = inc.history.iter().collect();
        hist.sort_by_key(|e| e.at);
        let rows: Vec<Vec<String>> = hist
            .iter()
            .map(|e| {
                let field_left_out = e.field.as_deref().is_some_and(|f| omit.change_of(f));
                let from = e.from.as_ref().map(|v| kept(omit, "history.from", Some(v.clone())));
                let to = e.to.as_ref().map(|v| kept(omit, "history.to", Some(v.clone())));
                let change = match field_left_out {
                    true => LEFT_OUT.to_string(),
                    false => crate::model::incident::change_shown(&e.action, from.as_deref(), to.as_deref())
                        .unwrap_or_default(),
                };
                let mut what = kept(omit, "history.action", Some(e.action.clone()));
                if let Some(f) = &e.field {
                    what.push(' ');
                    what.push_str(&kept(omit, "history.field", Some(f.clone())));
                }
                let detail = if field_left_out { None } else { e.detail.clone() };
                vec![
                    kept(omit, "history.at", Some(when(&e.at, tz))),
                    kept(omit, "history.by", Some(e.by.clone())),
                    what,
                    kept(
                        omit,
                        "history.detail",
                        Some(scrub([change, detail.unwrap_or_default()].join("\n").trim(), &hidden)),
                    ),
                ]
            })
            .collect();
        b.push_str(&grid(&["When", "By", "What", "Detail"], &[17, 13, 16, 54], &rows));
    }

    if !omit.has("links") {
        b.push_str("<h2>Related cases</h2>");
        if c.related.is_empty() {
            b.push_str(r#"<p class="note">None recorded.</p>"#);
        } else {
            let rows: Vec<Vec<String>> = c
                .related
                .iter()
                .map(|r| {
                    vec![
                        kept(omit, "links.id", Some(r.id.to_string())),
                        kept(omit, "links.as", Some(r.kind.to_string())),
                        r.summary.clone().unwrap_or_else(|| "(could not be read)".into()),
                    ]
                })
                .collect();
            b.push_str(&grid(&["Case", "As", "Summary"], &[22, 18, 60], &rows));
        }
    }

    if !omit.has("sanctions") {
        b.push_str("<h2>Sanctions</h2>");
        if inc.sanctions.is_empty() {
            b.push_str(r#"<p class="note">None recorded.</p>"#);
        } else {
            let rows: Vec<Vec<String>> = inc
                .sanctions
                .iter()
                .map(|s| {
                    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%d/%m/%Y").to_string());
                    vec![
                        kept(omit, "sanctions.class", Some(s.class.to_string())),
                        kept(omit, "sanctions.kind", Some(s.kind.clone())),
                        kept(omit, "sanctions.date", day(s.date)),
                        kept(omit, "sanctions.review_on", day(s.review_on)),
                        kept(omit, "sanctions.note", s.note.clone()),
                    ]
                })
                .collect();
            b.push_str(&grid(&["Class", "Kind", "Date", "Review on", "Note"], &[14, 22, 13, 13, 38], &rows));
        }
    }

    if !omit.has("losses") {
        b.push_str("<h2>Losses and redress</h2>");
        match &inc.losses {
            Some(l) => b.push_str(&pairs(
                "In pounds",
                &[
                    ("Estimated".into(), kept(omit, "losses.estimated", Some(l.estimated.to_string()))),
                    ("Recovered".into(), kept(omit, "losses.recovered", Some(l.recovered.to_string()))),
                ],
            )),
            None => b.push_str(r#"<p class="note">None recorded.</p>"#),
        }
    }

    if !omit.has("notified") {
        b.push_str("<h2>Notifications</h2>");
        if inc.notified.is_empty() {
            b.push_str(r#"<p class="note">None recorded.</p>"#);
        } else {
            let rows: Vec<Vec<String>> = inc
                .notified
                .iter()
                .map(|n| {
                    vec![
                        kept(omit, "notified.to", Some(n.to.to_string())),
                        kept(omit, "notified.date", Some(n.date.format("%d/%m/%Y").to_string())),
                        kept(omit, "notified.ref", n.reference.clone()),
                        kept(omit, "notified.note", n.note.clone()),
                    ]
                })
                .collect();
            b.push_str(&grid(&["To", "Date", "Reference", "Note"], &[16, 13, 25, 46], &rows));
        }
    }

    if !omit.has("evidence") {
        b.push_str("<h2>Evidence manifest</h2>");
        if inc.evidence.is_empty() {
            b.push_str(r#"<p class="note">No evidence recorded.</p>"#);
        }
        for (n, e) in inc.evidence.iter().enumerate() {
            let _ = write!(b, "<h3>Item {}</h3>", n + 1);
            let mut rows = vec![
                ("SHA-256".to_string(), kept(omit, "evidence.sha256", Some(e.sha256.clone()))),
                ("Name".into(), kept(omit, "evidence.name", Some(e.name.clone()))),
                ("Size".into(), kept(omit, "evidence.size", Some(format!("{} bytes", e.size)))),
                ("Added".into(), kept(omit, "evidence.added_at", Some(when(&e.added_at, tz)))),
                ("Added by".into(), kept(omit, "evidence.added_by", Some(e.added_by.clone()))),
                ("Origin".into(), kept(omit, "evidence.source", e.source.clone())),
            ];
            if e.note.is_some() {
                rows.push(("Note".into(), kept(omit, "evidence.note", e.note.clone())));
            }
            if let Some(copies) = c.copies {
                let copy = copies.iter().find(|(sha, _)| *sha == e.sha256).map(|(_, n)| n.clone());
                rows.push(("Copy beside this file".into(), copy.unwrap_or_else(|| "not copied".into())));
            }
            // Custody: every history entry that names the file by its hash,
            // as the history shows it.
            let custody: Vec<String> = inc
                .history
                .iter()
                .filter(|h| h.detail.as_deref().is_some_and(|d| d.contains(&e.sha256)))
                .map(|h| {
                    let first = h.detail.as_deref().unwrap_or_default().lines().next().unwrap_or_default();
                    let detail = if h.action == "evidence-added" { "" } else { first };
                    format!(
                        "{} {} by {} {}",
                        kept(omit, "history.at", Some(when(&h.at, tz))),
                        kept(omit, "history.action", Some(h.action.clone())),
                        kept(omit, "history.by", Some(h.by.clone())),
                        kept(omit, "history.detail", Some(scrub(detail, &hidden)))
                    )
                    .trim_end()
                    .to_string()
                })
                .collect();
            rows.push(("Custody".into(), custody.join("\n")));
            b.push_str(&pairs("", &rows));
        }
    }
    let _ = write!(
        b,
        r#"<p class="note">Made by lsms for {} on {}. Each evidence file's SHA-256 lets its copy be checked (`sha256sum -c SHA256SUMS`).</p>"#,
        text(c.trust),
        escape(&c.made)
    );
    page(&title, c.marking, &b)
}

/// One incident of a subject access bundle, already redacted: every value
/// is what the data subject may read.
#[derive(Debug, Clone, Default)]
pub struct SarCase {
    pub id: String,
    /// The record's fields, as (label, value).
    pub fields: Vec<(String, String)>,
    /// Role, party, who (the subject's own name, or a role label).
    pub people: Vec<Vec<String>>,
    /// Class, kind, date, note.
    pub sanctions: Vec<Vec<String>>,
    /// When, what, detail.
    pub history: Vec<Vec<String>>,
    /// SHA-256, name, size, added, origin.
    pub evidence: Vec<Vec<String>>,
}

/// A subject access bundle's pages.
#[derive(Debug, Clone, Default)]
pub struct Sar {
    pub trust: String,
    pub marking: String,
    /// What was searched, when and by whom, as (label, value).
    pub searched: Vec<(String, String)>,
    pub cases: Vec<SarCase>,
    /// The evidence files were copied beside the bundle (`--with-evidence`).
    pub copied: bool,
}

pub const SAR_PEOPLE: [&str; 3] = ["Role", "Party", "Who"];
pub const SAR_SANCTIONS: [&str; 4] = ["Class", "Kind", "Date", "Note"];
pub const SAR_HISTORY: [&str; 3] = ["When", "What", "Detail"];
pub const SAR_EVIDENCE: [&str; 5] = ["SHA-256", "Name", "Size", "Added", "Origin"];

/// The bundle as one printable page: the summary first, then each
/// incident on pages of its own.
pub fn sar_html(s: &Sar) -> String {
    let title = "Subject access request: the security incident register";
    let mut b = String::with_capacity(32 * 1024);
    let _ = write!(b, "<header><h1>{}</h1><p>{}</p></header>", escape(title), text(&s.trust));
    b.push_str("<h2>What was searched</h2>");
    b.push_str(&pairs("", &s.searched));
    let _ = write!(
        b,
        r#"<p class="note">Other people in these records are shown by their role and party only (for example [witness 1, staff]), here and in the text. The register holds {} incident{} naming you, each below on its own pages.</p>"#,
        s.cases.len(),
        if s.cases.len() == 1 { "" } else { "s" }
    );
    if !s.cases.is_empty() {
        let rows: Vec<Vec<String>> = s
            .cases
            .iter()
            .map(|c| {
                let get = |k: &str| {
                    c.fields.iter().find(|(l, _)| l == k).map(|(_, v)| v.clone()).unwrap_or_default()
                };
                vec![c.id.clone(), get("Occurred"), get("Category"), get("Your part")]
            })
            .collect();
        b.push_str(&grid(&["Incident", "Occurred", "Category", "Your part"], &[24, 20, 28, 28], &rows));
    }
    for c in &s.cases {
        let _ = write!(b, r#"<section class="incident"><h2>Incident {}</h2>"#, escape(&c.id));
        b.push_str(&pairs("What the register holds", &c.fields));
        let evidence_head = if s.copied {
            "Evidence held (copied into evidence/)"
        } else {
            "Evidence held (listed, not copied)"
        };
        for (head, cols, widths, rows) in [
            ("People involved", &SAR_PEOPLE[..], &[22, 18, 60][..], &c.people),
            ("Sanctions", &SAR_SANCTIONS[..], &[14, 24, 14, 48][..], &c.sanctions),
            ("History", &SAR_HISTORY[..], &[17, 17, 66][..], &c.history),
            (evidence_head, &SAR_EVIDENCE[..], &[30, 28, 12, 15, 15][..], &c.evidence),
        ] {
            if !rows.is_empty() {
                let _ = write!(b, "<h3>{}</h3>", escape(head));
                b.push_str(&grid(cols, widths, rows));
            }
        }
        b.push_str("</section>");
    }
    page(title, &s.marking, &b)
}
