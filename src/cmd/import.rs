//! `lsms import`: a trust's historical register from CSV, all or nothing.

use super::{Ctx, emit};
use crate::error::{Error, Result};
use crate::model::draft::{Draft, NewRecord, draft_keys};
use crate::model::schema::input_named;
use crate::model::time::{in_zone, parse_when, rfc3339};
use crate::model::{Id, Incident, Outcome, Problem, Status};
use crate::render::{self, Rows};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

mod dates;
mod map;
mod matching;
mod read;
mod suggest;

use map::{Unknown, ValueMaps, Vocabulary};

const AFTER_HELP: &str = "\
Three steps: `--suggest-map` writes a starting mapping file from the file's header and values;
fill in each word in capitals; `--dry-run` checks every row; then import. Run it again with
next month's export: only new cases are added (`--update` also records what changed).

The file: CSV (UTF-8 with or without a byte-order mark, UTF-16 with its mark, or Windows-1252,
Excel's CSV on a UK PC, used where the file is not UTF-8; --encoding names it), or an Excel
workbook (.xlsx): its first sheet, or --sheet NAME; dates and numbers as Excel typed them.

Each column is mapped to a field of `report`: category, summary, occurred, reported, site,
location, description, reporter, reporter_party, assets, people, harm, medical_factors,
police_ref, loss, flags, weapon (assets, people and flags: several in a cell, split by `;`);
person:ROLE (a column of a party, such as the offender's); sanction_class, sanction_kind,
sanction_date; where a case stood: status, outcome, closed, closure_note, assignee; and
ref:SYSTEM, the case's reference in the old system, by which rows and cases are matched.
Columns not mapped are ignored, and named. Two columns of one name, or two columns mapped to
one field, are refused.

The values of every vocabulary map through the mapping file (categories, harms, parties,
roles, sites, statuses, outcomes, assets, flags, sanction_classes), compared without regard to
case and surrounding space; values lsms does not know are listed all at once with the lines
to add. Dates: day first (24/11/2026, 24-11-2026, 24 Nov 2026), ISO, or Excel serials; a time
of day in a column of its own joins its date (`occurred: [Incident date, Incident time]`). A
reported date with no time is the occurrence's time on its day, else the end of that day;
with no reported date, the occurrence's. A row with an outcome or a closed date is closed
(closure note \"Imported closed from FILE\" where none); a row with an assignee is assigned.

Nothing is recorded unless every row is good: each refused row is named with why.
--dry-run shows what each row becomes (a table on a terminal, TSV with a header in a pipe).

Mapping file (YAML):
  columns: { Ref: ref:datix, occurred: [Incident date, Incident time], Type: category,
             Notes: summary, Severity: harm }
  categories: { Violence and aggression: physical-assault, Theft/loss: theft }
  harms: { No harm: none, Low harm: low }
  statuses: { Open: reported, Being investigated: investigating, Closed: closed }
  outcomes: { Action taken: sanction-applied, No action: no-further-action }

Examples:
  lsms import --file datix.xlsx --suggest-map > map.yaml
  lsms import --file datix.xlsx --map-file map.yaml --dry-run
  lsms import --file datix.xlsx --map-file map.yaml
  lsms import --file datix-next-month.xlsx --map-file map.yaml --update
  lsms import --file datix.csv \\
      --map 'Date=occurred,Type=category,What=summary' \\
      --category-map 'Violence and aggression=physical-assault'";

/// Import a historical register: a CSV file or an Excel workbook
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The register: a CSV file or an Excel workbook (.xlsx), with a header
    /// row (`-`: standard input)
    #[arg(long = "file", visible_alias = "csv", value_name = "FILE")]
    pub csv: PathBuf,
    /// The workbook's sheet that holds the register (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Column mapping: 'CSV column=field,…'
    #[arg(long, value_name = "COL=FIELD,…", required_unless_present_any = ["map_file", "suggest_map"])]
    pub map: Option<String>,
    /// A YAML mapping file: `columns:`, and a table of values for each vocabulary (categories, harms, parties, roles, sites, statuses, outcomes, assets, flags, sanction_classes)
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
    /// Record what the register changed in cases it already brought in
    /// (matched by reference) as history entries; a field changed in lsms
    /// since the import is kept, and named
    #[arg(long)]
    pub update: bool,
    /// Write a starting mapping file to standard output, from the header
    /// and the values each vocabulary column holds; record nothing
    #[arg(long, conflicts_with_all = ["map", "map_file", "dry_run", "update"])]
    pub suggest_map: bool,
}

/// A mapping file: the columns, and a table of values for each
/// vocabulary (`categories:`, `harms:`, … see [`Vocabulary::key`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    #[serde(default)]
    columns: BTreeMap<String, Target>,
    #[serde(default)]
    categories: BTreeMap<String, String>,
    #[serde(default)]
    harms: BTreeMap<String, String>,
    #[serde(default)]
    parties: BTreeMap<String, String>,
    #[serde(default)]
    roles: BTreeMap<String, String>,
    #[serde(default)]
    sites: BTreeMap<String, String>,
    #[serde(default)]
    statuses: BTreeMap<String, String>,
    #[serde(default)]
    outcomes: BTreeMap<String, String>,
    #[serde(default)]
    assets: BTreeMap<String, String>,
    #[serde(default)]
    flags: BTreeMap<String, String>,
    #[serde(default)]
    sanction_classes: BTreeMap<String, String>,
}

/// What a line under `columns:` says: `COLUMN: FIELD`, or `FIELD: [DATE
/// COLUMN, TIME COLUMN]` for a date and its time kept in two columns.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Target {
    Field(String),
    DateAndTime(Vec<String>),
}

impl MapFile {
    /// Its value tables by vocabulary.
    fn tables(&mut self) -> [(Vocabulary, &mut BTreeMap<String, String>); 10] {
        [
            (Vocabulary::Category, &mut self.categories),
            (Vocabulary::Harm, &mut self.harms),
            (Vocabulary::Party, &mut self.parties),
            (Vocabulary::Role, &mut self.roles),
            (Vocabulary::Site, &mut self.sites),
            (Vocabulary::Status, &mut self.statuses),
            (Vocabulary::Outcome, &mut self.outcomes),
            (Vocabulary::Asset, &mut self.assets),
            (Vocabulary::Flag, &mut self.flags),
            (Vocabulary::SanctionClass, &mut self.sanction_classes),
        ]
    }
}

const MAP_FILE_KEYS: &str = "`columns:` and the value tables `categories:`, `harms:`, `parties:`, `roles:`, \
    `sites:`, `statuses:`, `outcomes:`, `assets:`, `flags:` and `sanction_classes:`";

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
const STANDING_KEYS: &[&str] = &[
    "status",
    "outcome",
    "closed",
    "closure_note",
    "assignee",
    "sanction_class",
    "sanction_kind",
    "sanction_date",
];

/// A time of day kept in a column of its own, beside its date's column.
const TIME_KEYS: &[(&str, &str)] = &[("occurred_time", "occurred"), ("reported_time", "reported")];

/// A row's standing in its register, as text, before any checking.
#[derive(Debug, Default)]
struct Standing {
    status: Option<String>,
    outcome: Option<String>,
    closed: Option<String>,
    closure_note: Option<String>,
    assignee: Option<String>,
    /// The sanction's class (lsms's, mapped), kind and date, and the
    /// class as the register wrote it (the kind where no column gives one).
    sanction_class: Option<String>,
    sanction_kind: Option<String>,
    sanction_date: Option<String>,
    sanction_written: Option<String>,
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
        "sanction_class" => s.sanction_class = v,
        "sanction_kind" => s.sanction_kind = v,
        "sanction_date" => s.sanction_date = v,
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
    file: &'a str,
}

impl Standing {
    /// Puts the row's standing on the record just built from it: status,
    /// assignee, outcome, closing time and note. Every problem is named by
    /// the field it comes from.
    fn apply(self, inc: &mut Incident, r: &Rules<'_>) -> std::result::Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut bad = |field: &str, message: String| problems.push(Problem { field: field.into(), message });
        let status = self.status.as_deref().and_then(|v| Status::parse(v).map_err(|e| bad("status", e)).ok());
        let outcome =
            self.outcome.as_deref().and_then(|v| Outcome::parse(v).map_err(|e| bad("outcome", e)).ok());
        let closed = self.closed.as_deref().and_then(|v| {
            // A closing date with no time: the start of that day (so whole
            // days count from the report), or the report's time where it is
            // the report's day, never before it.
            let meant = dates::day(v)
                .and_then(|d| dates::closing(d, inc.reported_at, r.tz))
                .map(|(t, _)| rfc3339(&t));
            let t =
                parse_when(meant.as_deref().unwrap_or(v), r.tz, r.now).map_err(|e| bad("closed", e)).ok()?;
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
        let sanction = match (&self.sanction_class, &self.sanction_written) {
            (Some(class), written) => {
                let class =
                    crate::model::SanctionClass::parse(class).map_err(|e| bad("sanction_class", e)).ok();
                let kind =
                    self.sanction_kind.clone().or_else(|| written.clone()).map(|k| k.trim().to_string());
                let date = self.sanction_date.as_deref().and_then(|d| {
                    let d = crate::model::time::parse_date(d).map_err(|e| bad("sanction_date", e)).ok()?;
                    let occurred = inc.occurred_at.with_timezone(&r.tz).date_naive();
                    let today = in_zone(r.now, r.tz).date_naive();
                    if d < occurred {
                        bad(
                            "sanction_date",
                            format!("the sanction's date {d} is before the incident occurred ({occurred})"),
                        );
                    } else if d > today {
                        bad("sanction_date", format!("the sanction's date {d} is in the future"));
                    }
                    Some(d)
                });
                if kind.as_deref().is_some_and(|k| !crate::model::text::is_one_line(k)) {
                    bad("sanction_kind", "the sanction's kind should be one line".into());
                }
                class.map(|class| crate::model::Sanction {
                    class,
                    kind: kind.unwrap_or_default(),
                    date,
                    ..Default::default()
                })
            }
            (None, _) if self.sanction_kind.is_some() || self.sanction_date.is_some() => {
                let field = if self.sanction_kind.is_some() { "sanction_kind" } else { "sanction_date" };
                bad(
                    field,
                    "a sanction needs its class: map the register's column for it to sanction_class".into(),
                );
                None
            }
            (None, _) => None,
        };
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
        inc.sanctions.extend(sanction);
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
    if let Some(role) = f.strip_prefix("person:") {
        return crate::model::Role::parse(role).map(|r| format!("person:{r}")).map_err(|e| {
            format!("{e} (a column of people's parties maps to person:ROLE, like person:victim)")
        });
    }
    Ok(match f.replace('-', "_").as_str() {
        "occurred_at" => "occurred".into(),
        "reported_at" => "reported".into(),
        "closed_at" => "closed".into(),
        f => f.to_string(),
    })
}

/// The register file read (a CSV in its encoding, or a workbook's sheet)
/// and its header row, each name once.
fn open(ctx: &Ctx, args: &Args) -> Result<(read::Source, Vec<String>)> {
    let name = args.csv.display().to_string();
    let bytes = super::read_input(&args.csv, "register", read::MAX_CSV)?;
    if args.encoding.is_some() && read::is_workbook(&bytes) {
        return Err(Error::usage(
            format!("--encoding: {name} is a workbook, which keeps its own encoding"),
            "leave --encoding out for an .xlsx file",
        ));
    }
    let (source, encoding) = read::Source::read(&name, bytes, args.encoding, args.sheet.as_deref())?;
    if args.encoding.is_none() && encoding == Some(read::Encoding::Windows1252) {
        ctx.say(format!(
            "{name} is not UTF-8: read as Windows-1252 (Excel's CSV on a UK PC); name another with --encoding"
        ));
    }
    let headers = source.headers(&name)?;
    Ok((source, headers))
}

/// Two columns of one name: which one a mapping means cannot be told.
fn one_name_each(name: &str, headers: &[String]) -> Result<()> {
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
    Ok(())
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    if args.suggest_map {
        let (source, headers) = open(ctx, args)?;
        let name = args.csv.display().to_string();
        one_name_each(&name, &headers)?;
        let file = args.csv.file_name().and_then(|f| f.to_str()).unwrap_or("FILE");
        let text = suggest::mapping(file, &headers, &source, &store.config.vocab());
        emit(&mut ctx.out(), |o| o.write_all(text.as_bytes()))?;
        ctx.say("A starting mapping: check it, replace each word in capitals, then import with --map-file");
        return Ok(());
    }
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
                    Some(format!("a mapping file has {MAP_FILE_KEYS}")),
                )
            })?
        }
        None => MapFile::default(),
    };
    if let Some(v) = &args.map {
        m.columns.extend(pairs(v, "--map")?.into_iter().map(|(c, f)| (c, Target::Field(f))));
    }
    let from_file = args.map_file.is_some();
    let vocab = store.config.vocab();
    let mut tables: BTreeMap<Vocabulary, (BTreeMap<String, String>, String)> = BTreeMap::new();
    let file_shown = args.map_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    for (voc, table) in m.tables() {
        if !table.is_empty() {
            tables.insert(voc, (std::mem::take(table), format!("{file_shown}: {}", voc.key())));
        }
    }
    for (arg, voc) in [
        (&args.category_map, Vocabulary::Category),
        (&args.status_map, Vocabulary::Status),
        (&args.outcome_map, Vocabulary::Outcome),
    ] {
        if let Some(v) = arg {
            let flag = voc.option().unwrap_or_default();
            let e = tables.entry(voc).or_insert_with(|| (BTreeMap::new(), flag.to_string()));
            e.0.extend(pairs(v, flag)?);
            if !e.1.contains(flag) {
                e.1 = format!("{} (with {flag})", e.1);
            }
        }
    }
    let values = ValueMaps::new(&tables, &vocab).map_err(|m| {
        mapping_error(
            from_file,
            m,
            "map each value to one lsms knows (the message lists them); a site must be one of lsms.yaml's `sites:`",
        )
    })?;
    let mut columns: BTreeMap<String, String> = BTreeMap::new();
    for (key, target) in std::mem::take(&mut m.columns) {
        let (col, field) = match target {
            Target::Field(f) => (key, f),
            Target::DateAndTime(cols) => {
                let field = field_name(&key).unwrap_or_default();
                if !TIME_KEYS.iter().any(|(_, d)| *d == field) {
                    return Err(mapping_error(
                        from_file,
                        format!(
                            "columns: '{key}' is given two columns, but only occurred and reported take a date column and a time column"
                        ),
                        "write `occurred: [Incident date, Incident time]`, or map one column as `COLUMN: FIELD`",
                    ));
                }
                let [date, time] = cols.as_slice() else {
                    return Err(mapping_error(
                        from_file,
                        format!(
                            "columns: {key} is given {} column(s); it takes two, its date's and its time's",
                            cols.len()
                        ),
                        format!("write `{key}: [DATE COLUMN, TIME COLUMN]`"),
                    ));
                };
                for (c, f) in [(date, field.clone()), (time, format!("{field}_time"))] {
                    if let Some(old) = columns.insert(c.clone(), f.clone()) {
                        return Err(mapping_error(
                            from_file,
                            format!("columns: column '{c}' is mapped twice, to {old} and to {f}"),
                            "map each column once",
                        ));
                    }
                }
                continue;
            }
        };
        if let Some(old) = columns.insert(col.clone(), field.clone()) {
            return Err(mapping_error(
                from_file,
                format!("columns: column '{col}' is mapped twice, to {old} and to {field}"),
                "map each column once",
            ));
        }
    }
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
        if !known.contains(&field.as_str()) && !field.starts_with("person:") {
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

    let name = args.csv.display().to_string();
    let file_name = args.csv.file_name().and_then(|f| f.to_str()).unwrap_or("CSV").to_string();
    let (source, headers) = open(ctx, args)?;
    one_name_each(&name, &headers)?;
    let missing: Vec<String> =
        columns.keys().filter(|c| !headers.contains(c)).map(|c| format!("'{c}'")).collect();
    if !missing.is_empty() {
        let mut help = format!("its columns are: {}", headers.join(", "));
        if let Some(note) = source.sheet_note() {
            help = format!("{help}; {note}");
        }
        return Err(Error::failed_with(format!("{name} has no column {}", missing.join(", ")), help));
    }
    let ignored: Vec<&String> = headers.iter().filter(|h| !columns.contains_key(*h)).collect();
    if !ignored.is_empty() {
        ctx.say(format!(
            "Not mapped, so ignored: {}",
            ignored.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    let tz = store.config.tz;
    let plan = Plan {
        name: &name,
        file_name: &file_name,
        headers: &headers,
        columns: &columns,
        values: &values,
        vocab: &vocab,
        tz,
        now: ctx.now,
        actor: &actor,
        rules: Rules { team: store.config.team.as_deref(), tz, now: ctx.now, file: &file_name },
        clock_change: Default::default(),
    };
    let records = || source.rows();

    // First pass: every row checked, nothing kept but its references, so
    // memory does not grow with the register.
    let mut refused: Vec<String> = Vec::new();
    let mut unknown = Unknown::default();
    let mut unmapped_rows = 0usize;
    let mut rows = 0usize;
    // A case is known by its reference in the old system: two rows with
    // the same one are the same case twice.
    let mut first_row: HashMap<(String, String), usize> = HashMap::new();
    for (line, record) in records() {
        rows += 1;
        match plan.row(line, record, &mut unknown) {
            Ok(inc) => {
                for (system, r) in &inc.refs {
                    if let Some(other) = first_row.insert(key(system, r), line) {
                        refused.push(format!(
                            "{name}:{line}: the {system} reference {r} is also on row {other}: one case, two rows"
                        ));
                    }
                }
            }
            Err(Some(why)) => refused.push(why),
            Err(None) => unmapped_rows += 1,
        }
    }
    if !refused.is_empty() || !unknown.is_empty() {
        for r in &refused {
            crate::error::talk(format_args!("refused: {r}"));
        }
        if !unknown.is_empty() {
            crate::error::talk(format_args!("refused: {} value(s) that lsms does not know:", unknown.len()));
            for l in unknown.report(&vocab, from_file) {
                crate::error::talk(format_args!("{l}"));
            }
        }
        return Err(Error::Reported(format!(
            "nothing was imported: {} of {rows} row(s) refused; fix them (or map their values) and run again",
            refused.len() + unmapped_rows,
        )));
    }
    if rows == 0 {
        return Err(Error::failed(format!("{name} has no rows to import")));
    }
    let odd = plan.clock_change.take();
    if !odd.is_empty() {
        let first: Vec<String> = odd.iter().take(5).map(usize::to_string).collect();
        ctx.say(format!(
            "{} row(s) have a time in the hour the clocks change (row {}{}): one the clocks went back over \
             is read as the first of the two (summer time), one they went forward over as the same time after",
            odd.len(),
            first.join(", "),
            if odd.len() > 5 { ", …" } else { "" }
        ));
    }
    // Re-runnable: a row whose reference a record already holds is that
    // record, and is left as it is. Decided under the store's lock, so two
    // imports at once cannot both add the same case.
    let _lock = if args.dry_run { None } else { Some(store.lock()?) };
    let mut held: HashMap<(String, String), Id> = HashMap::new();
    if systems.is_empty() && args.update {
        return Err(Error::failed_with(
            "--update matches each row with the case it made by its reference in the old system, and no column is mapped to ref:SYSTEM",
            "map the column that holds the old system's reference as 'COLUMN=ref:datix' (a register without one cannot be updated: each run would record every case again)",
        ));
    }
    if systems.is_empty() {
        ctx.say(
            "No column is mapped to ref:SYSTEM, so rows cannot be matched with the cases they made: \
             running this import again would record every case again",
        );
    } else if first_row.keys().next().is_some() {
        let (found, unread) = super::gather(&store, false, |inc| {
            let mine: Vec<_> = inc
                .refs
                .iter()
                .map(|(s, r)| key(s, r))
                .filter(|k| first_row.contains_key(k))
                .map(|k| (k, inc.id.clone()))
                .collect();
            (!mine.is_empty()).then_some(mine)
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
        held = found.into_iter().flatten().collect();
    }
    drop(first_row);
    let held_as = |inc: &Incident| inc.refs.iter().find_map(|(s, r)| held.get(&key(s, r)).cloned());
    let is_held = |inc: &Incident| held_as(inc).is_some();
    // --update: the record's paths the mapped columns set.
    let mut paths: Vec<String> = Vec::new();
    let closing = columns.values().any(|f| matches!(f.as_str(), "status" | "outcome" | "closed"));
    // A case closed or reopened in the register: its outcome, closing time
    // and note come and go with its status (the note an import gives
    // where the register has none).
    let with_closing =
        closing.then_some(["status", "outcome", "closed", "closure_note"]).into_iter().flatten();
    for f in columns.values().map(String::as_str).chain(with_closing) {
        for p in matching::paths_of(f) {
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    let vocab_cx = crate::model::schema::InputCx { vocab: &vocab, tz, now: ctx.now };
    let now_stamp = in_zone(ctx.now, tz);
    // What the register changed in one matched case: the record as it
    // becomes, or `None` where nothing changes; every field kept in lsms said.
    let mut kept_fields = 0usize;
    let mut changed = |line: usize, id: &Id, new: &Incident| -> Result<Option<(Incident, usize)>> {
        let mut cur = store.load(id.as_str())?.incident;
        let detail = format!("from row {line} of {file_name}");
        let c = matching::update(&mut cur, new, &paths, &vocab_cx, &actor, now_stamp, &detail)
            .map_err(|e| Error::failed(format!("{name}:{line}: {id}: {e}")))?;
        for (path, _, _, when) in &c.kept {
            kept_fields += 1;
            ctx.say(format!(
                "{id} (row {line}): {path} was changed in lsms since the import ({when}): kept; the register's change not taken"
            ));
        }
        if c.made.is_empty() {
            return Ok(None);
        }
        if let Some(p) = cur.problems_together().first() {
            return Err(Error::failed_with(
                format!(
                    "{name}:{line}: {id}: the register's changes would leave the case wrong: {}",
                    p.message
                ),
                "map the register's status, outcome and closing columns together, or change the case in lsms",
            ));
        }
        Ok(Some((cur, c.made.len())))
    };
    let known_note = |n: usize| {
        if args.update {
            format!("{n} row(s) matched cases already in the store by their {} reference", systems.join("/"))
        } else {
            format!(
                "{n} row(s) already in the store (matched by their {} reference) were left as they are",
                systems.join("/")
            )
        }
    };

    // Second pass: each row made again and written (or shown), one at a
    // time. The rows were all good above; the same row makes the same record.
    let again = |line: usize, record| {
        plan.row(line, record, &mut Unknown::default())
            .map_err(|e| Error::failed(e.unwrap_or_else(|| format!("{name}:{line}: a value is not mapped"))))
    };
    if args.dry_run {
        let mut shown =
            Rows { columns: PREVIEW_COLUMNS.iter().map(|c| c.to_string()).collect(), rows: vec![] };
        let mut already = 0usize;
        let mut would = (0usize, 0usize);
        // A table fits its widths to every row; TSV (a pipe) is written
        // row by row, so a preview of a large register takes no memory.
        let terminal = ctx.stdout_is_terminal();
        let mut out = ctx.out();
        let mut new = 0usize;
        for (line, record) in records() {
            let inc = again(line, record)?;
            match held_as(&inc) {
                Some(id) if args.update => {
                    already += 1;
                    if let Some((_, n)) = changed(line, &id, &inc)? {
                        would = (would.0 + 1, would.1 + n);
                    }
                }
                Some(_) => already += 1,
                None if terminal => shown.rows.push(preview(line, &inc, tz)),
                None => {
                    new += 1;
                    let row = preview(line, &inc, tz);
                    // A preview is for a person: its TSV has the header row.
                    if new == 1 {
                        render::tsv_row(&mut out, &shown.columns).map_err(crate::error::stdout_err)?;
                    }
                    render::tsv_row(&mut out, &row).map_err(crate::error::stdout_err)?;
                }
            }
        }
        if args.update {
            ctx.say(format!("Dry run: {} case(s) would be updated ({} field(s)).", would.0, would.1));
        }
        let new = new + shown.rows.len();
        if new == 0 {
            ctx.say(format!("Nothing to add: {}.", known_note(already)));
            return Ok(());
        }
        emit(&mut out, |o| {
            if terminal {
                let look = render::Look {
                    width: ctx.width(),
                    color: ctx.color,
                    keep: Some(PREVIEW_KEEP),
                    ..Default::default()
                };
                render::table_look(o, &shown, &look)
            } else {
                Ok(())
            }
        })?;
        drop(out);
        ctx.say(format!("Dry run: all {new} row(s) are good; nothing was recorded."));
        if already > 0 {
            ctx.say(format!("Dry run: {}.", known_note(already)));
        }
        return Ok(());
    }
    let commit = ctx.commits(&store)?;
    // Every update is worked out, and refused if wrong, before anything
    // is written; then the new files, then the updates.
    let mut updates: Vec<(Id, Incident, usize)> = Vec::new();
    if args.update {
        for (line, record) in records() {
            let inc = again(line, record)?;
            if let Some(id) = held_as(&inc)
                && let Some((cur, n)) = changed(line, &id, &inc)?
            {
                updates.push((id, cur, n));
            }
        }
    }
    let mut batch = store.batch();
    let mut ids: Vec<Id> = Vec::new();
    let mut already = 0usize;
    for (line, record) in records() {
        let inc = again(line, record)?;
        if is_held(&inc) {
            already += 1;
            continue;
        }
        // The batch is undone if any file cannot be written.
        ids.push(batch.add(inc).inspect_err(|_| {
            crate::error::talk(format_args!(
                "refused: {name}:{line}: its record cannot be written; nothing was imported"
            ))
        })?);
    }
    if ids.is_empty() && updates.is_empty() {
        ctx.say(format!("Nothing to add: {}.", known_note(already)));
        return Ok(());
    }
    let mut written = batch.finish()?;
    let fields: usize = updates.iter().map(|(_, _, n)| n).sum();
    let updated = updates.len();
    if let Some(lock) = &_lock {
        for (id, cur, _) in updates {
            store.update_held(lock, &id, false, |inc, _| {
                *inc = cur;
                Ok(())
            })?;
            written.push(store.path_of(&id));
        }
    }
    if commit {
        // One commit for the whole import: a register of years would
        // otherwise be thousands of commits.
        let who = ctx.ident(&store, &actor);
        let rels: Vec<String> = written.iter().map(|p| store.show_path(p)).collect();
        let message = match updated {
            0 => format!("import: {} incident(s)", ids.len()),
            n => format!("import: {} incident(s), {n} updated", ids.len()),
        };
        crate::store::git::commit(&store.root, &rels, &message, &who)?;
    }
    emit(&mut ctx.out(), |o| ids.iter().try_for_each(|id| writeln!(o, "{id}")))?;
    ctx.say(format!("Imported {} incident(s).", ids.len()));
    if args.update {
        ctx.say(format!(
            "Updated {updated} case(s) from the register ({fields} field(s), each a history entry); {kept_fields} field(s) kept as changed in lsms."
        ));
    } else if already > 0 {
        ctx.say(format!("{}.", known_note(already)));
    }
    Ok(())
}

/// A reference as rows and records are matched by: the system in lower
/// case, the reference trimmed.
fn key(system: &str, r: &str) -> (String, String) {
    (system.to_lowercase(), r.trim().to_string())
}

/// Everything a row is read with: the file's columns and how each maps,
/// the value maps, the store's words, zone and clock, and the actor.
struct Plan<'a> {
    name: &'a str,
    file_name: &'a str,
    headers: &'a [String],
    columns: &'a BTreeMap<String, String>,
    values: &'a ValueMaps,
    vocab: &'a crate::model::Vocab,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
    actor: &'a str,
    rules: Rules<'a>,
    /// Rows with a time in the hour the clocks change (read as meant).
    clock_change: std::cell::RefCell<Vec<usize>>,
}

impl Plan<'_> {
    /// The record row `line` makes, or why it is refused (one line that
    /// names the file, the row and each column's problem).
    fn row(
        &self,
        line: usize,
        record: std::result::Result<csv::StringRecord, String>,
        unknown: &mut Unknown,
    ) -> std::result::Result<Incident, Option<String>> {
        let (name, file_name, columns, headers) = (self.name, self.file_name, self.columns, self.headers);
        let record = record.map_err(|e| Some(format!("{name}:{line}: {e}")))?;
        let mut d = Draft::default();
        let mut standing = Standing::default();
        let (mut occurred, mut reported) = (None, None);
        let (mut occurred_time, mut reported_time) = (None, None);
        let mut unmapped = false;
        // The fields a value of which no table maps: their other problems
        // follow from it, and are not said.
        let mut unmapped_in: Vec<&str> = Vec::new();
        for (h, v) in headers.iter().zip(record.iter()) {
            let Some(field) = columns.get(h) else { continue };
            let mut field = field.as_str();
            let field_name = field;
            let v = if v.trim().is_empty() {
                v.to_string()
            } else if let Some(voc) = Vocabulary::of_field(field) {
                let mut one = |x: &str| {
                    let got = self.values.value(voc, x, self.vocab);
                    if got.is_none() {
                        unknown.add(voc, h, x, line);
                        unmapped = true;
                        unmapped_in.push(field_name);
                    }
                    got
                };
                let v = if matches!(field, "asset" | "flag") {
                    // Several in a cell: each mapped; an unknown one left out.
                    let items: Vec<String> =
                        v.split(';').map(str::trim).filter(|x| !x.is_empty()).filter_map(&mut one).collect();
                    items.join(";")
                } else {
                    match one(v) {
                        Some(w) => w,
                        // A category is needed: the rest of the row is
                        // checked with a stand-in, the value named above.
                        None if field == "category" => {
                            self.vocab.categories.first().cloned().unwrap_or_default()
                        }
                        None => continue,
                    }
                };
                if field == "sanction_class" {
                    standing.sanction_written = Some(record_value(&record, headers, h));
                }
                if let Some(role) = field.strip_prefix("person:") {
                    field = "person";
                    format!("{role}:{v}")
                } else {
                    v
                }
            } else if field == "person" {
                // ROLE:PARTY[:NAME] each, split by `;`: role and party mapped.
                let mut items = Vec::new();
                for item in v.split(';').filter(|x| !x.trim().is_empty()) {
                    let mut parts: Vec<String> = item.splitn(3, ':').map(str::to_string).collect();
                    for (i, voc) in [(0, Vocabulary::Role), (1, Vocabulary::Party)] {
                        let Some(p) = parts.get_mut(i) else { continue };
                        match self.values.value(voc, p, self.vocab) {
                            Some(w) => *p = w,
                            None => {
                                unknown.add(voc, h, p, line);
                                unmapped = true;
                                unmapped_in.push("person");
                            }
                        }
                    }
                    items.push(parts.join(":"));
                }
                items.join(";")
            } else {
                v.to_string()
            };
            match field {
                "occurred" => occurred = Some(v),
                "reported" => reported = Some(v),
                "occurred_time" => occurred_time = Some(v),
                "reported_time" => reported_time = Some(v),
                _ => set(&mut d, &mut standing, field, v),
            }
        }
        // Dates as the register holds them (see `dates`); a form not read
        // there goes to the ordinary reading, which says what is wrong.
        let mut early: Vec<Problem> = Vec::new();
        let mut occurred_at = None;
        if let Some(v) = occurred.filter(|v| !v.trim().is_empty()) {
            let v = match dates::day(&v).map(|day| dates::with_time(day, occurred_time.as_deref())) {
                Some(Ok(day)) => match dates::occurred(day, self.tz) {
                    Some((t, odd)) => {
                        if odd {
                            self.clock_change.borrow_mut().push(line);
                        }
                        occurred_at = Some(t);
                        rfc3339(&t)
                    }
                    None => v,
                },
                Some(Err(e)) => {
                    early.push(Problem { field: "occurred".into(), message: e });
                    v
                }
                None if occurred_time.as_deref().is_some_and(|t| !t.trim().is_empty()) => {
                    format!("{} {}", v.trim(), occurred_time.as_deref().unwrap_or_default().trim())
                }
                None => v,
            };
            set(&mut d, &mut standing, "occurred", v);
        }
        let reported_blank = reported.as_deref().is_none_or(|v| v.trim().is_empty());
        if let Some(v) = reported.filter(|v| !v.trim().is_empty()) {
            let v = match dates::day(&v).map(|day| dates::with_time(day, reported_time.as_deref())) {
                Some(Ok(day)) => match dates::later_than(day, occurred_at, self.tz, self.now) {
                    Some((t, odd)) => {
                        if odd {
                            self.clock_change.borrow_mut().push(line);
                        }
                        rfc3339(&t)
                    }
                    None => v,
                },
                Some(Err(e)) => {
                    early.push(Problem { field: "reported".into(), message: e });
                    v
                }
                None => v,
            };
            set(&mut d, &mut standing, "reported", v);
        }
        if reported_blank {
            // A register that keeps one date (or none for this case's
            // report): the case was reported when it happened, as far as
            // anyone can now tell; not late.
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
                vocab: self.vocab,
                tz: self.tz,
                now: self.now,
                actor: self.actor,
                random: [b[0], b[1], b[2], b[3]],
                uuid: crate::model::id::new_uuid(self.now),
            })
            .and_then(|mut inc| standing.apply(&mut inc, &self.rules).map(|_| inc))
            .and_then(|inc| if early.is_empty() { Ok(inc) } else { Err(Vec::new()) })
            .map_err(|mut problems| {
                problems.retain(|p| !early.iter().any(|e| e.field == p.field));
                early.extend(problems);
                std::mem::take(&mut early)
            });
        match made {
            // A value no table maps: named once, with every row it is on.
            Ok(_) if unmapped => Err(None),
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
                Ok(inc)
            }
            Err(problems) => {
                let standing_unmapped = unmapped_in.iter().any(|f| matches!(*f, "status" | "outcome"));
                let mut why: Vec<(usize, String)> = problems
                    .iter()
                    // A reported date taken from occurred has occurred's problems.
                    .filter(|p| !reported_blank || p.field != "reported")
                    .filter(|p| !unmapped_in.contains(&p.field.as_str()))
                    .filter(|p| {
                        !(standing_unmapped && matches!(p.field.as_str(), "status" | "outcome" | "closed"))
                    })
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
                if why.is_empty() && unmapped {
                    return Err(None);
                }
                Err(Some(format!("{name}:{line}: {}", why.join("; "))))
            }
        }
    }
}

/// A cell of `record` by its column's name, as the register wrote it.
fn record_value(record: &csv::StringRecord, headers: &[String], column: &str) -> String {
    headers.iter().position(|h| h == column).and_then(|i| record.get(i)).unwrap_or_default().to_string()
}
