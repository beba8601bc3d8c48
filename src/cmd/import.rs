//! `lsms import`: a trust's historical register from CSV, all or nothing.

use super::{Ctx, emit};
use crate::error::{Error, Result};
use crate::model::draft::{Draft, NewRecord, draft_keys};
use crate::model::schema::input_named;
use crate::model::time::{in_zone, parse_when, rfc3339};
use crate::model::{Id, Incident, Outcome, Problem, Status};
use crate::render::{self, Rows};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

mod read;

const AFTER_HELP: &str = "\
Each CSV column is mapped to a field of `report`: category, summary, occurred, reported, site,
location, description, reporter, reporter_party, assets, people, harm, medical_factors,
police_ref, loss, flags, weapon (assets, people and flags: several in a cell, split by `;`).
Dates are read day first as people in England write them (24/11/2026 or
24/11/2026 14:30; 11/24/2026 is refused), or as 2026-11-24 14:30; money as 1,250.50 or £1,250.50.
Values of the category column are mapped through --category-map (or `categories:` in the
mapping file) before they are checked. Columns not mapped are ignored, and named. With no
column mapped to reported, the occurred date is taken as the reported date too (no late flag).

A column mapped to ref:SYSTEM (Ref=ref:datix) keeps each case's reference in that
system (`refs: { datix: DX-1001 }`; `--grep` finds it). Where a case stood in the
register comes too, from columns mapped to status, outcome, closed (the closing date),
closure_note and assignee; their values map through --status-map and --outcome-map
(`statuses:`, `outcomes:`). A row with an outcome or a closed date is closed (closed now
where no date is given; closure note \"Imported closed from FILE\" where none); a row with
an assignee is assigned. Each record gets one `imported` history entry.

The file may be UTF-8 (with or without a byte-order mark), UTF-16 with its mark, or
Windows-1252 (Excel's CSV on a UK PC; used where the file is not UTF-8); --encoding names
it. Two columns of one name, or two columns mapped to one field, are refused. A time of
day in a column of its own maps to occurred_time (or reported_time). A reported
date with no time is the occurrence's time on the same day, else the end of that day.

Re-runnable: a row whose ref:SYSTEM reference a record already holds is left as it is and
counted, so running the same export (or next month's) again adds only new cases.

Nothing is recorded unless every row is good: each refused row is named with why.
--dry-run shows what each row becomes (a table on a terminal, TSV with a header in a pipe).

Mapping file (YAML):
  columns: { Ref: ref:datix, Date of incident: occurred, Type: category, Notes: summary }
  categories: { Violence and aggression: physical-assault, Theft/loss: theft }
  statuses: { Open: reported, Being investigated: investigating, Closed: closed }
  outcomes: { Action taken: sanction-applied, No action: no-further-action }

Examples:
  lsms import --csv datix.csv --dry-run \\
      --map 'Date of incident=occurred,Type=category,Description=summary'
  lsms import --csv datix.csv --map-file examples/import-map.yaml
  lsms import --csv datix.csv --map-file map.yaml \\
      --status-map 'Open=reported,Closed=closed' \\
      --outcome-map 'No action=no-further-action'";

/// Import incidents from a CSV file (a historical register)
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The CSV file, with a header row (`-`: standard input)
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// Column mapping: 'CSV column=field,…'
    #[arg(long, value_name = "COL=FIELD,…", required_unless_present = "map_file")]
    pub map: Option<String>,
    /// A YAML mapping file: `columns:`, `categories:`, `statuses:` and `outcomes:`
    #[arg(long, value_name = "FILE", conflicts_with = "map")]
    pub map_file: Option<PathBuf>,
    /// Category values: 'value=category,…'
    #[arg(long, value_name = "VALUE=CATEGORY,…")]
    pub category_map: Option<String>,
    /// Status values: 'value=status,…', e.g. 'Open=reported,Closed=closed'
    #[arg(long, value_name = "VALUE=STATUS,…")]
    pub status_map: Option<String>,
    /// Outcome values: 'value=outcome,…', e.g. 'No action=no-further-action'
    #[arg(long, value_name = "VALUE=OUTCOME,…")]
    pub outcome_map: Option<String>,
    /// The CSV's encoding where it has no byte-order mark (default: UTF-8,
    /// or Windows-1252 where the bytes are not valid UTF-8)
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<read::Encoding>,
    /// Check every row and show what each becomes, but record nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    categories: BTreeMap<String, String>,
    #[serde(default)]
    statuses: BTreeMap<String, String>,
    #[serde(default)]
    outcomes: BTreeMap<String, String>,
}

fn pairs(s: &str, what: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for p in s.split(',').filter(|p| !p.trim().is_empty()) {
        let (a, b) = p.split_once('=').ok_or_else(|| {
            Error::usage(
                format!("{what}: '{p}' should be NAME=VALUE"),
                "for example 'Date of incident=occurred,Type=category'",
            )
        })?;
        if let Some(old) = out.insert(a.trim().to_string(), b.trim().to_string()) {
            return Err(Error::usage(
                format!("{what}: '{}' is given twice (={old} and ={})", a.trim(), b.trim()),
                "give each name once",
            ));
        }
    }
    Ok(out)
}

/// The fields only an import sets: where a case stood in the register it
/// comes from. (`ref:SYSTEM` maps a column to a reference in that system.)
const STANDING_KEYS: &[&str] = &["status", "outcome", "closed", "closure_note", "assignee"];

/// A time of day kept in a column of its own, beside its date's column.
const TIME_KEYS: &[(&str, &str)] = &[("occurred_time", "occurred"), ("reported_time", "reported")];

/// A date and the time from its own column as one: a date written with
/// midnight (`03/02/2025 00:00`, as Excel writes a date) takes the
/// column's time; a date with another time and a time beside it is left
/// for the date reading to refuse, never one of them dropped.
fn with_time(date: String, time: Option<String>) -> String {
    let Some(time) = time.filter(|t| !t.trim().is_empty()) else { return date };
    let d = date.trim();
    let d = d.strip_suffix("00:00:00").or_else(|| d.strip_suffix("00:00")).unwrap_or(d);
    let d = d.trim_end_matches(['T', ' ']);
    if d.is_empty() { date } else { format!("{d} {}", time.trim()) }
}

/// A row's standing in its register, as text, before any checking.
#[derive(Debug, Default)]
struct Standing {
    status: Option<String>,
    outcome: Option<String>,
    closed: Option<String>,
    closure_note: Option<String>,
    assignee: Option<String>,
    /// (field `ref:SYSTEM`, reference), in column order.
    refs: Vec<(String, String)>,
}

/// A cell into the draft (a field the record declares an input for; a
/// list's cell may hold several, split by `;`) or the row's standing.
fn set(d: &mut Draft, s: &mut Standing, field: &str, v: String) {
    if let Some(decl) = input_named::<Incident>(field) {
        if decl.list {
            for x in v.split(';').map(str::trim).filter(|x| !x.is_empty()) {
                d.give(field, x.to_string());
            }
        } else if !v.trim().is_empty() {
            d.give(field, v);
        }
        return;
    }
    let v = Some(v).filter(|v| !v.trim().is_empty());
    match field {
        "status" => s.status = v,
        "outcome" => s.outcome = v,
        "closed" => s.closed = v,
        "closure_note" => s.closure_note = v,
        "assignee" => s.assignee = v,
        f if f.starts_with("ref:") => s.refs.extend(v.map(|v| (f.to_string(), v))),
        _ => {}
    }
}

/// What the standing is checked against: the store's team and zone, the
/// clock, the value maps, and the file's name for the default closure note.
struct Rules<'a> {
    team: Option<&'a [String]>,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
    statuses: &'a BTreeMap<String, String>,
    outcomes: &'a BTreeMap<String, String>,
    file: &'a str,
}

fn mapped<'a>(map: &'a BTreeMap<String, String>, v: &'a str) -> &'a str {
    map.get(v.trim()).map_or(v, String::as_str)
}

impl Standing {
    /// Puts the row's standing on the record just built from it: status,
    /// assignee, outcome, closing time and note. Every problem is named by
    /// the field it comes from.
    fn apply(self, inc: &mut Incident, r: &Rules<'_>) -> std::result::Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut bad = |field: &str, message: String| problems.push(Problem { field: field.into(), message });
        let status = self.status.as_deref().and_then(|v| {
            Status::parse(mapped(r.statuses, v))
                .map_err(|e| {
                    bad("status", format!("{e} (or map it with --status-map '{}=STATUS')", v.trim()))
                })
                .ok()
        });
        let outcome = self.outcome.as_deref().and_then(|v| {
            Outcome::parse(mapped(r.outcomes, v))
                .map_err(|e| {
                    bad("outcome", format!("{e} (or map it with --outcome-map '{}=OUTCOME')", v.trim()))
                })
                .ok()
        });
        let closed = self.closed.as_deref().and_then(|v| {
            let t = parse_when(v, r.tz, r.now).map_err(|e| bad("closed", e)).ok()?;
            if t > in_zone(r.now, r.tz) {
                bad("closed", format!("the closing time {} is in the future", rfc3339(&t)));
            } else if t < inc.occurred_at {
                bad(
                    "closed",
                    format!(
                        "the closing time {} is before the incident occurred ({})",
                        rfc3339(&t),
                        rfc3339(&inc.occurred_at)
                    ),
                );
            }
            Some(t)
        });
        let assignee = self.assignee.as_deref().map(str::trim).and_then(|name| {
            if name.contains(crate::model::text::LINE_BREAKS) {
                bad("assignee", "the assignee should be one line".into());
                return None;
            }
            let Some(team) = r.team else { return Some(name.to_string()) };
            let found = team.iter().find(|m| m.eq_ignore_ascii_case(name)).cloned();
            if found.is_none() {
                let names: Vec<&str> = team.iter().map(String::as_str).collect();
                bad(
                    "assignee",
                    format!(
                        "{} (the team is listed under `team:` in lsms.yaml)",
                        crate::model::unknown_word("team member", name, &names)
                    ),
                );
            }
            found
        });
        let ends = self.outcome.is_some() || self.closed.is_some();
        let status = status.unwrap_or(if ends {
            Status::Closed
        } else if self.assignee.is_some() {
            Status::Assigned
        } else {
            Status::Reported
        });
        let closing = if self.closed.is_some() { "closed" } else { "outcome" };
        match status {
            Status::Closed if self.outcome.is_none() => bad(
                "outcome",
                format!(
                    "the case is closed but has no outcome: map the register's outcome column to outcome \
                     (one of {})",
                    Outcome::ALL.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ),
            Status::Closed => {}
            open if ends => bad(
                closing,
                format!(
                    "the case is {open} but has a{} only a closed case has one",
                    match closing {
                        "closed" => " closed date:",
                        _ => "n outcome:",
                    }
                ),
            ),
            Status::Assigned | Status::Investigating | Status::AwaitingExternal
                if self.assignee.is_none() =>
            {
                bad(
                    "status",
                    format!(
                        "the case is {status} but has no assignee: map the column that names who has it to assignee"
                    ),
                )
            }
            _ => {}
        }
        let mut refs = Vec::new();
        for (field, v) in &self.refs {
            let system = &field["ref:".len()..];
            match crate::model::refs::check_reference(system, v) {
                Ok(r) => refs.push((system.to_string(), r)),
                Err(e) => bad(field, e),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        inc.refs = refs;
        inc.status = status;
        inc.assignee = assignee;
        if status == Status::Closed {
            inc.outcome = outcome;
            inc.closed_at = Some(closed.unwrap_or(inc.recorded_at));
            inc.closure_note = Some(
                self.closure_note
                    .map(|n| n.trim_end().to_string())
                    .unwrap_or_else(|| format!("Imported closed from {}", r.file)),
            );
        }
        Ok(())
    }
}

/// A reported date with no time, as registers keep it, is not midnight:
/// on the day of the occurrence it is the occurrence's time; on a later
/// day, the end of that day (or now, where that day is today). So a report
/// is never read as earlier than what it reports.
fn reported_as_meant(
    v: String,
    occurred: Option<&str>,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    if v.contains(':') || v.trim().is_empty() {
        return v;
    }
    let Ok(day) = parse_when(&v, tz, now) else { return v };
    let same_day =
        occurred.and_then(|o| parse_when(o, tz, now).ok()).filter(|o| o.date_naive() == day.date_naive());
    if let Some(o) = same_day {
        return rfc3339(&o);
    }
    let end = format!("{} 23:59", day.date_naive().format("%Y-%m-%d"));
    match parse_when(&end, tz, now) {
        Ok(t) if t > in_zone(now, tz) => rfc3339(&in_zone(now, tz)),
        Ok(_) => end,
        Err(_) => v,
    }
}

/// One row as `--dry-run` shows it: what it becomes, without an id.
fn preview(line: usize, inc: &Incident, tz: chrono_tz::Tz) -> Vec<String> {
    let day = |t: &crate::model::time::Stamp| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    vec![
        line.to_string(),
        inc.category.clone(),
        inc.status.to_string(),
        day(&inc.occurred_at),
        day(&inc.reported_at),
        inc.site.clone().unwrap_or_default(),
        inc.assignee.clone().unwrap_or_default(),
        inc.outcome.map(|o| o.to_string()).unwrap_or_default(),
        inc.closed_at.as_ref().map(day).unwrap_or_default(),
        inc.refs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "),
        inc.summary.clone(),
    ]
}

const PREVIEW_COLUMNS: &[&str] = &[
    "row", "category", "status", "occurred", "reported", "site", "assignee", "outcome", "closed", "refs",
    "summary",
];

/// The preview's columns a narrow terminal keeps longest, most needed
/// first (as `list` keeps its own): the file's row, what and when, then
/// the summary.
const PREVIEW_KEEP: &[&str] = &["row", "occurred", "category", "summary", "status", "site", "refs"];

/// A mapping that cannot be right: from a mapping file it is the file's
/// fault (exit 1), from `--map` the command line's (exit 2).
fn mapping_error(from_file: bool, message: String, help: impl Into<String>) -> Error {
    if from_file { Error::failed_with(message, help) } else { Error::usage(message, help) }
}

/// The mapping's field name as the import reads it: `-` as `_`, the
/// record's own key names (`occurred_at`) as the import's; `ref:SYSTEM`
/// with the system's name as written.
fn field_name(field: &str) -> Result<String, String> {
    let f = field.trim();
    if let Some(system) = f.strip_prefix("ref:").or_else(|| f.strip_prefix("refs:")) {
        return crate::model::refs::check_system(system).map(|s| format!("ref:{s}"));
    }
    Ok(match f.replace('-', "_").as_str() {
        "occurred_at" => "occurred".into(),
        "reported_at" => "reported".into(),
        "closed_at" => "closed".into(),
        f => f.to_string(),
    })
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let mut m = match &args.map_file {
        Some(p) => {
            let text = super::read_input_text(p, "mapping", crate::store::fsio::MAX_FILE)?;
            serde_yaml::from_str::<MapFile>(&text).map_err(|e| {
                let off = e.location().map_or(0, |l| l.index());
                Error::in_file(
                    &p.display().to_string(),
                    &text,
                    off,
                    format!("not a mapping file: {e}"),
                    Some("a mapping file has `columns:`, `categories:`, `statuses:` and `outcomes:`".into()),
                )
            })?
        }
        None => MapFile::default(),
    };
    if let Some(v) = &args.map {
        m.columns.extend(pairs(v, "--map")?);
    }
    let from_file = args.map_file.is_some();
    for (arg, flag, map) in [
        (&args.category_map, "--category-map", &mut m.categories),
        (&args.status_map, "--status-map", &mut m.statuses),
        (&args.outcome_map, "--outcome-map", &mut m.outcomes),
    ] {
        if let Some(v) = arg {
            map.extend(pairs(v, flag)?);
        }
    }
    let MapFile { mut columns, categories, statuses, outcomes } = m;
    let inputs = draft_keys();
    let known: Vec<&str> = inputs
        .iter()
        .map(String::as_str)
        .chain(STANDING_KEYS.iter().copied())
        .chain(TIME_KEYS.iter().map(|(t, _)| *t))
        .collect();
    let mut systems: Vec<String> = Vec::new();
    for (col, field) in &mut columns {
        *field = field_name(field).map_err(|m| {
            Error::usage(
                format!("--map: column '{col}': {m}"),
                "map a reference column as 'COLUMN=ref:datix'",
            )
        })?;
        if let Some(system) = field.strip_prefix("ref:") {
            if systems.iter().any(|s| s.eq_ignore_ascii_case(system)) {
                return Err(Error::usage(
                    format!("--map: two columns are mapped to ref:{system}"),
                    "map one column to each system's reference",
                ));
            }
            systems.push(system.to_string());
            continue;
        }
        // A field by its path (`occurred_at`, `people`) is its input's name.
        if let Some(input) = input_named::<Incident>(field).and_then(|d| d.input) {
            *field = input.name.to_string();
        }
        if !known.contains(&field.as_str()) {
            return Err(mapping_error(
                from_file,
                format!(
                    "--map: column '{col}' maps to {}",
                    crate::model::unknown_word("field", field, &known)
                ),
                "see `lsms import --help`; a reference in another system is 'COLUMN=ref:SYSTEM'",
            ));
        }
    }
    // Two columns into one field would keep one and drop the other.
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (col, field) in &columns {
        if let Some(other) = seen.insert(field, col) {
            return Err(mapping_error(
                from_file,
                format!("two columns are mapped to {field}: '{other}' and '{col}'; one would be lost"),
                format!("map one of them to {field} and leave the other out (or map it to another field)"),
            ));
        }
    }
    for (time, date) in TIME_KEYS {
        if columns.values().any(|f| f == time) && !columns.values().any(|f| f == date) {
            return Err(mapping_error(
                from_file,
                format!("a column is mapped to {time} but none to {date}: a time needs its date"),
                format!("map the column that holds the date to {date}"),
            ));
        }
    }
    for need in ["category", "summary"] {
        if !columns.values().any(|f| f == need) {
            return Err(Error::usage(
                format!("no column is mapped to {need}"),
                format!("add 'COLUMN={need}' to --map"),
            ));
        }
    }
    let reported_mapped = columns.values().any(|f| f == "reported");

    let name = args.csv.display().to_string();
    let file_name = args.csv.file_name().and_then(|f| f.to_str()).unwrap_or("CSV").to_string();
    let bytes = super::read_input(&args.csv, "CSV", read::MAX_CSV)?;
    let (text, encoding) = read::decode(&name, &bytes, args.encoding)?;
    drop(bytes);
    if args.encoding.is_none() && encoding == read::Encoding::Windows1252 {
        ctx.say(format!(
            "{name} is not UTF-8: read as Windows-1252 (Excel's CSV on a UK PC); name another with --encoding"
        ));
    }
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::failed(format!("{name}: cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    for (i, h) in headers.iter().enumerate() {
        if let Some(j) = headers[..i].iter().position(|o| o == h) {
            return Err(Error::failed_with(
                format!(
                    "{name}: two columns are named '{h}' (columns {} and {}); which one a mapping means cannot be told",
                    j + 1,
                    i + 1
                ),
                "rename one of them in the header row (for example to 'Notes 2') and map each by its name",
            ));
        }
    }
    for col in columns.keys() {
        if !headers.contains(col) {
            return Err(Error::failed_with(
                format!("{name} has no column '{col}'"),
                format!("its columns are: {}", headers.join(", ")),
            ));
        }
    }
    let ignored: Vec<&String> = headers.iter().filter(|h| !columns.contains_key(*h)).collect();
    if !ignored.is_empty() {
        ctx.say(format!(
            "Not mapped, so ignored: {}",
            ignored.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    let vocab = store.config.vocab();
    let tz = store.config.tz;
    let rules = Rules {
        team: store.config.team.as_deref(),
        tz,
        now: ctx.now,
        statuses: &statuses,
        outcomes: &outcomes,
        file: &file_name,
    };
    let mut good: Vec<(usize, Incident)> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                refused.push(format!("{name}:{line}: {e}"));
                continue;
            }
        };
        let mut d = Draft::default();
        let mut standing = Standing::default();
        let (mut occurred, mut reported) = (None, None);
        let (mut occurred_time, mut reported_time) = (None, None);
        for (h, v) in headers.iter().zip(record.iter()) {
            if let Some(field) = columns.get(h) {
                let v = if field == "category" {
                    categories.get(v.trim()).cloned().unwrap_or_else(|| v.to_string())
                } else {
                    v.to_string()
                };
                match field.as_str() {
                    "occurred" => occurred = Some(v),
                    "reported" => reported = Some(v),
                    "occurred_time" => occurred_time = Some(v),
                    "reported_time" => reported_time = Some(v),
                    _ => set(&mut d, &mut standing, field, v),
                }
            }
        }
        let occurred = occurred.map(|v| with_time(v, occurred_time));
        if let Some(v) = &occurred {
            set(&mut d, &mut standing, "occurred", v.clone());
        }
        if let Some(v) = reported.map(|v| with_time(v, reported_time)) {
            set(&mut d, &mut standing, "reported", reported_as_meant(v, occurred.as_deref(), tz, ctx.now));
        }
        if !reported_mapped {
            // A register that keeps one date: the case was reported when it
            // happened, as far as anyone can now tell; not late.
            let occurred: Vec<String> = d
                .given
                .iter()
                .filter(|g| g.path == "occurred_at")
                .filter_map(|g| match &g.op {
                    crate::model::schema::GivenOp::Set(v) => Some(v.clone()),
                    _ => None,
                })
                .collect();
            for v in occurred {
                d.give("reported", v);
            }
        }
        let b = uuid::Uuid::new_v4().into_bytes();
        let made = d
            .build(&NewRecord {
                vocab: &vocab,
                tz,
                now: ctx.now,
                actor: &actor,
                random: [b[0], b[1], b[2], b[3]],
                uuid: crate::model::id::new_uuid(ctx.now),
            })
            .and_then(|mut inc| standing.apply(&mut inc, &rules).map(|_| inc));
        match made {
            Ok(mut inc) => {
                // The import is what happens now; the register's own dates
                // are the record's (reported_at, closed_at).
                let first = &mut inc.history[0];
                first.action = "imported".into();
                first.at = inc.recorded_at;
                first.recorded_at = None;
                first.detail = Some(match (inc.status, inc.outcome) {
                    (Status::Reported, _) => format!("from row {line} of {file_name}"),
                    (s, Some(o)) => format!("from row {line} of {file_name}, {s} ({o})"),
                    (s, None) => format!("from row {line} of {file_name}, {s}"),
                });
                good.push((line, inc));
            }
            Err(problems) => {
                let mut why: Vec<(usize, String)> = problems
                    .iter()
                    // A reported date taken from occurred has occurred's problems.
                    .filter(|p| reported_mapped || p.field != "reported")
                    .map(|p| {
                        let col = columns.iter().find(|(_, f)| **f == p.field).map(|(c, _)| c);
                        let at = col.and_then(|c| headers.iter().position(|h| h == c)).unwrap_or(usize::MAX);
                        let col = col.map_or(p.field.clone(), |c| format!("'{c}'"));
                        (at, format!("{col}: {}", p.message))
                    })
                    .collect();
                // In the order of the file's columns, as the row reads.
                why.sort_by_key(|(at, _)| *at);
                let why: Vec<String> = why.into_iter().map(|(_, w)| w).collect();
                refused.push(format!("{name}:{line}: {}", why.join("; ")));
            }
        }
    }
    // A case is known by its reference in the old system: two rows with
    // the same one are the same case twice.
    let key = |system: &str, r: &str| (system.to_lowercase(), r.trim().to_string());
    let mut first_row: std::collections::HashMap<(String, String), usize> = Default::default();
    for (line, inc) in &good {
        for (system, r) in &inc.refs {
            if let Some(other) = first_row.insert(key(system, r), *line) {
                refused.push(format!(
                    "{name}:{line}: the {system} reference {r} is also on row {other}: one case, two rows"
                ));
            }
        }
    }
    if !refused.is_empty() {
        for r in &refused {
            crate::error::talk(format_args!("refused: {r}"));
        }
        return Err(Error::Reported(format!(
            "nothing was imported: {} of {} row(s) refused; fix them (or map their values) and run again",
            refused.len(),
            refused.len() + good.len()
        )));
    }
    if good.is_empty() {
        return Err(Error::failed(format!("{name} has no rows to import")));
    }
    // Re-runnable: a row whose reference a record already holds is that
    // record, and is left as it is. Decided under the store's lock, so two
    // imports at once cannot both add the same case.
    let _lock = if args.dry_run { None } else { Some(store.lock()?) };
    let mut already = 0usize;
    if systems.is_empty() {
        ctx.say(
            "No column is mapped to ref:SYSTEM, so rows cannot be matched with the cases they made: \
             running this import again would record every case again",
        );
    } else {
        let (held, unread) = super::gather(&store, false, |inc| {
            (!inc.refs.is_empty()).then(|| inc.refs.iter().map(|(s, r)| key(s, r)).collect::<Vec<_>>())
        })?;
        if !unread.is_empty() {
            return Err(Error::failed_with(
                format!(
                    "{} incident file(s) could not be read, so their references cannot be compared with the import's",
                    unread.len()
                ),
                "run `lsms check`, put the files right, and import again",
            ));
        }
        let held: std::collections::HashSet<(String, String)> = held.into_iter().flatten().collect();
        let before = good.len();
        good.retain(|(_, inc)| !inc.refs.iter().any(|(s, r)| held.contains(&key(s, r))));
        already = before - good.len();
    }
    let known_note = |n: usize| {
        format!(
            "{n} row(s) already in the store (matched by their {} reference) were left as they are",
            systems.join("/")
        )
    };
    if good.is_empty() {
        ctx.say(format!("Nothing to add: {}.", known_note(already)));
        return Ok(());
    }
    if args.dry_run {
        let rows = Rows {
            columns: PREVIEW_COLUMNS.iter().map(|c| c.to_string()).collect(),
            rows: good.iter().map(|(line, inc)| preview(*line, inc, tz)).collect(),
        };
        let terminal = ctx.stdout_is_terminal();
        emit(&mut ctx.out(), |o| {
            if terminal {
                let look = render::Look {
                    width: ctx.width(),
                    color: ctx.color,
                    keep: Some(PREVIEW_KEEP),
                    ..Default::default()
                };
                render::table_look(o, &rows, &look)
            } else {
                // A preview is for a person: its TSV has the header row.
                render::tsv_row(o, &rows.columns).and_then(|_| render::tsv(o, &rows))
            }
        })?;
        ctx.say(format!("Dry run: all {} row(s) are good; nothing was recorded.", good.len()));
        if already > 0 {
            ctx.say(format!("Dry run: {}.", known_note(already)));
        }
        return Ok(());
    }
    let commit = ctx.commits(&store)?;
    let mut written: Vec<PathBuf> = Vec::new();
    for (_, inc) in good {
        match store.create_fresh(inc) {
            Ok(p) => written.push(p),
            Err(e) => {
                for p in &written {
                    let _ = std::fs::remove_file(p);
                }
                return Err(e);
            }
        }
    }
    let ids: Vec<Id> =
        written.iter().filter_map(|p| p.file_stem()?.to_str().and_then(|s| Id::parse(s).ok())).collect();
    if commit {
        for (p, id) in written.iter().zip(&ids) {
            let who = ctx.ident(&store, &actor);
            crate::store::git::commit(&store.root, &[store.show_path(p)], &format!("{id}: imported"), &who)?;
        }
    }
    emit(&mut ctx.out(), |o| ids.iter().try_for_each(|id| writeln!(o, "{id}")))?;
    ctx.say(format!("Imported {} incident(s).", ids.len()));
    if already > 0 {
        ctx.say(format!("{}.", known_note(already)));
    }
    Ok(())
}
